"""Demo data for « Vos interlocuteurs » (issue 15): the Île-de-France regional entity, the demo
advisor as its conseillère for both dispositifs and a training assistant beside her, so that
the bakery (75011 Paris, Boulangerie-pâtisserie) shows the four roles of seed 003.

Meant to be called by ``seed_demo`` after its staff profiles exist; idempotent. Never in
production (the caller refuses to run there)."""

from django.db import transaction

from .enums import ContactRole, StaffRole
from .models import RegionalEntity, RegionalEntityDepartment, StaffProfile, User
from .selectors import contact_directory

DEMO_BRANCH = "Boulangerie-pâtisserie"
ADVISOR_EMAIL = "conseiller@demo.monespace.fr"
ASSISTANT_EMAIL = "assistante.formation@demo.monespace.fr"
ILE_DE_FRANCE = ["75", "77", "78", "91", "92", "93", "94", "95"]


@transaction.atomic
def seed_contacts() -> RegionalEntity:
    entity, _ = RegionalEntity.objects.get_or_create(
        name="Délégation régionale Île-de-France",
        defaults={
            "address": "47 rue de la Victoire",
            "postal_code": "75009",
            "city": "PARIS",
            "phone": "01 88 13 10 10",
            "email": "idf@opco-demo.fr",
        },
    )
    for code in ILE_DE_FRANCE:
        RegionalEntityDepartment.objects.get_or_create(code=code, defaults={"entity": entity})

    # The demo advisor (created by seed_demo with her role and branches): both dispositifs.
    StaffProfile.objects.filter(user__email=ADVISOR_EMAIL).update(
        entity=entity,
        contact_roles=[ContactRole.PLAN_ADVISOR.value, ContactRole.PRO_ADVISOR.value],
    )
    # A training assistant shown as a contact only: no password, nobody signs in as her.
    assistant = User.objects.filter(email=ASSISTANT_EMAIL).first()
    if assistant is None:
        assistant = User.objects.create_user(
            email=ASSISTANT_EMAIL,
            first_name="Latifa",
            last_name="Pharose",
            civility="mme",
            phone="01 88 13 10 12",
            is_staff=True,
        )
    StaffProfile.objects.update_or_create(
        user=assistant,
        defaults={
            "role": StaffRole.TRAINING_ASSISTANT,
            "entity": entity,
            "branches": [DEMO_BRANCH],
            "contact_roles": [ContactRole.PLAN_ASSISTANT.value, ContactRole.PRO_ASSISTANT.value],
        },
    )
    transaction.on_commit(contact_directory.clear)
    return entity
