import io

import pytest
from django.core.management import call_command

from monespace.accounts.models import User
from monespace.dossiers.models import Dossier
from monespace.organizations.models import Membership

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent_and_every_persona_can_sign_in(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = (User.objects.count(), Membership.objects.count(), Dossier.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), Membership.objects.count(), Dossier.objects.count()) == counts
    assert "Demo-Mon-Espace-2026" in out.getvalue()
    for email in [
        "entreprise@demo.monespace.fr",
        "of@demo.monespace.fr",
        "conseiller@demo.monespace.fr",
    ]:
        assert client.login(email=email, password="Demo-Mon-Espace-2026"), email
        client.logout()
    assert Dossier.objects.filter(state="submitted", number__isnull=False).count() == 3
    # Professionalisation contracts: accepted with its commitment, to instruct, entered by the
    # training organisation for the company to validate; a Pro-A draft.
    pro = Dossier.objects.filter(kind="professionalisation")
    assert sorted(pro.values_list("state", flat=True)) == [
        "approved",
        "awaiting_employer",
        "submitted",
    ]
    assert pro.get(state="approved").commitments.get().total > 0
    assert Dossier.objects.get(kind="pro_a").state == "draft"
    # Apprenticeship contracts for every side: accepted with its deposit number, to instruct,
    # pre-entered by the CFA for the company to validate.
    contracts = Dossier.objects.filter(kind="apprenticeship")
    assert sorted(contracts.values_list("state", flat=True)) == [
        "approved",
        "awaiting_employer",
        "submitted",
    ]
    assert contracts.get(state="approved").apprenticeship.deca_number
    assert client.login(email="cfa@demo.monespace.fr", password="Demo-Mon-Espace-2026")
