"""The two first-login journeys of seeds 000/001, through the Django test client."""

import html
import re
from datetime import timedelta
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils.http import urlsafe_base64_encode

from monespace.accounts.models import SecurityEvent, User
from monespace.accounts.tokens import welcome_link_token
from monespace.organizations.models import Membership, RegistrationRequest
from tests.factories import (
    CompanyFactory,
    EstablishmentFactory,
    KnownContactFactory,
    UserFactory,
    siret_from,
)

pytestmark = pytest.mark.django_db

IDENTITY = {
    "civility": "mme",
    "last_name": "Durand",
    "first_name": "Claire",
    "email": "claire.durand@masociete.fr",
    "support_consent": "on",
}
GOOD_PASSWORD = "Lilas-fleuri-2026"


def activation_path():
    url = re.search(r"https?://[^/\s]+(/inscription/activer/\S+/)", mail.outbox[-1].body)
    assert url, mail.outbox[-1].body
    return url.group(1)


def go_to_step3(client, identity=None):
    client.post(reverse("www:signup"), identity or IDENTITY)
    client.post(reverse("www:signup_themes"), {"themes": ["dossiers", "payments"]})


def set_password(client, password=GOOD_PASSWORD):
    response = client.get(activation_path())
    assert response.status_code == 302
    return client.post(response.url, {"new_password1": password, "new_password2": password})


class TestKnownContact:
    def test_known_contact_is_attached_with_recorded_rights(self, client):
        contact = KnownContactFactory(
            email="claire.durand@masociete.fr", can_view_training=True, can_edit_training=True
        )
        other = EstablishmentFactory(
            company=contact.establishment.company, member=True, is_head_office=False
        )
        KnownContactFactory(email="claire.durand@masociete.fr", establishment=other)

        response = client.post(reverse("www:signup"), IDENTITY)
        assert response.status_code == 302
        assert response.url == reverse("www:signup_done")
        page = client.get(response.url).content.decode()
        assert "Vous êtes reconnu(e) en tant que contact" in page
        assert "claire.durand@masociete.fr" in page
        assert "Nous contacter" in page  # seed 000's button on the thank-you page

        assert len(mail.outbox) == 1
        assert mail.outbox[0].subject.startswith("Bienvenue sur Mon Espace")
        assert "Bonjour Claire" in mail.outbox[0].body
        user = User.objects.get(email="claire.durand@masociete.fr")
        assert not user.has_usable_password()
        assert user.support_access_consent_at is not None

        response = set_password(client)
        assert response.status_code == 302
        assert response.url == reverse("www:home")
        user.refresh_from_db()
        assert user.check_password(GOOD_PASSWORD)
        assert EmailAddress.objects.get(user=user).verified
        membership = Membership.objects.get(user=user)
        assert membership.status == "active"
        assert membership.can_edit_training and membership.can_view_training
        assert not membership.is_admin
        assert set(membership.establishments.values_list("pk", flat=True)) == {
            contact.establishment_id,
            other.pk,
        }
        home = client.get(reverse("www:home"))
        assert home.status_code == 200
        assert contact.establishment.company.name in home.content.decode()

    def test_terminer_leads_to_login(self, client):
        KnownContactFactory(email=IDENTITY["email"])
        client.post(reverse("www:signup"), IDENTITY)
        response = client.post(reverse("www:signup_done"))
        assert response.url == reverse("account_login")
        assert client.get(reverse("www:signup_done")).url == reverse("www:signup")


class TestNewUser:
    def test_known_establishment_number_must_match_then_request_is_pending(self, client):
        establishment = EstablishmentFactory(member=True, member_number="12927.001")
        go_to_step3(client)
        response = client.post(
            reverse("www:signup_attachment"),
            {"profile": "member", "identifier": establishment.siret},
        )
        assert response.url == reverse("www:signup_number")

        response = client.post(reverse("www:signup_number"), {"number": "99999.999"})
        assert response.status_code == 200
        assert "Ce numéro ne correspond pas" in response.content.decode()
        assert not User.objects.exists()

        response = client.post(reverse("www:signup_number"), {"number": " 12927.001 "})
        assert response.url == reverse("www:signup_done")
        user = User.objects.get(email=IDENTITY["email"])
        assert user.notification_themes == ["dossiers", "payments"]
        request = RegistrationRequest.objects.get(user=user)
        assert request.establishment == establishment and request.number_matched
        assert not Membership.objects.exists(), "no attachment before the address is verified"

        set_password(client)
        membership = Membership.objects.get(user=user)
        assert membership.status == "pending"
        assert membership.requested_establishment == establishment
        assert not any(membership.rights().values())
        assert not RegistrationRequest.objects.exists()
        page = client.get(reverse("www:attachments")).content.decode()
        assert "En attente" in page

    def test_siren_is_accepted_and_number_of_any_establishment_matches(self, client):
        company = CompanyFactory()
        EstablishmentFactory(company=company, is_head_office=True)
        second = EstablishmentFactory(
            company=company, member=True, member_number="555.002", is_head_office=False
        )
        go_to_step3(client)
        response = client.post(
            reverse("www:signup_attachment"), {"profile": "member", "identifier": company.siren}
        )
        assert response.url == reverse("www:signup_number")
        response = client.post(reverse("www:signup_number"), {"number": "555.002"})
        assert response.url == reverse("www:signup_done")
        assert RegistrationRequest.objects.get().establishment == second

    def test_number_attempts_are_limited(self, client, settings):
        settings.SIGNUP_NUMBER_MAX_ATTEMPTS = 3
        establishment = EstablishmentFactory(member=True, member_number="12927.001")
        go_to_step3(client)
        client.post(
            reverse("www:signup_attachment"),
            {"profile": "member", "identifier": establishment.siret},
        )
        for _ in range(3):
            client.post(reverse("www:signup_number"), {"number": "000"})
        response = client.post(reverse("www:signup_number"), {"number": "12927.001"})
        assert "Trop de tentatives" in response.content.decode()
        assert not User.objects.exists()

    def test_colleagues_behind_one_address_are_not_locked_out_by_each_other(self, client, settings):
        """The establishment's few attempts protect its number; the visitor's address has a
        ceiling ten times higher, so one colleague's typos on another establishment do not
        stop the next colleague."""
        from django.test import Client

        settings.SIGNUP_NUMBER_MAX_ATTEMPTS = 3
        first = EstablishmentFactory(member=True, member_number="12927.001")
        second = EstablishmentFactory(member=True, member_number="30001.001")
        go_to_step3(client)
        client.post(
            reverse("www:signup_attachment"), {"profile": "member", "identifier": first.siret}
        )
        for _ in range(3):
            client.post(reverse("www:signup_number"), {"number": "000"})
        colleague = Client()  # the same office address (the test client's REMOTE_ADDR)
        go_to_step3(colleague, {**IDENTITY, "email": "collegue@exemple.fr"})
        colleague.post(
            reverse("www:signup_attachment"), {"profile": "member", "identifier": second.siret}
        )
        response = colleague.post(reverse("www:signup_number"), {"number": "30001.001"})
        assert response.url == reverse("www:signup_done")

    def test_provider_profile_uses_the_provider_number(self, client):
        establishment = EstablishmentFactory(provider=True, provider_number="OF-777")
        go_to_step3(client)
        response = client.post(
            reverse("www:signup_attachment"),
            {"profile": "provider", "identifier": establishment.siret},
        )
        assert response.url == reverse("www:signup_number")
        response = client.post(reverse("www:signup_number"), {"number": "of-777"})
        assert response.url == reverse("www:signup_done")
        assert RegistrationRequest.objects.get().profile == "provider"

    def test_unknown_but_active_establishment_asks_for_idcc(self, client):
        establishment = EstablishmentFactory()  # no member number: unknown to the OPCO
        go_to_step3(client)
        response = client.post(
            reverse("www:signup_attachment"),
            {"profile": "member", "identifier": establishment.siret},
        )
        assert response.url == reverse("www:signup_idcc")
        for bad in ["12345", "abcd", "0", ""]:
            response = client.post(reverse("www:signup_idcc"), {"idcc": bad})
            assert response.status_code == 200
            assert 'aria-invalid="true"' in response.content.decode()
        assert not User.objects.exists()
        response = client.post(reverse("www:signup_idcc"), {"idcc": "843"})
        assert response.url == reverse("www:signup_done")
        assert RegistrationRequest.objects.get().declared_idcc == "0843"

    @pytest.mark.parametrize(
        ("identifier", "message"),
        [
            ("73282932000075", "clé de contrôle incorrecte"),
            ("404833049", "clé de contrôle incorrecte"),
            ("1234", "Saisissez un SIRET (14 chiffres) ou un SIREN (9 chiffres)"),
            ("ABCDEFGHIJKLMN", "Le SIRET comporte 14 chiffres"),
            ("73282932000074", "Nous ne trouvons pas ce numéro"),
        ],
    )
    def test_bad_identifiers_are_explained_and_kept(self, client, identifier, message):
        go_to_step3(client)
        response = client.post(
            reverse("www:signup_attachment"), {"profile": "member", "identifier": identifier}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page
        assert f'value="{identifier}"' in page
        assert not User.objects.exists()

    def test_closed_establishment_is_refused_with_contact_link(self, client):
        establishment = EstablishmentFactory(member=True, closed=True)
        go_to_step3(client)
        response = client.post(
            reverse("www:signup_attachment"),
            {"profile": "member", "identifier": establishment.siret},
        )
        page = response.content.decode()
        assert "Cet établissement est fermé" in page
        assert "Contactez l&#x27;OPCO" in page or "Contactez l'OPCO" in page

    def test_ceased_company_is_refused(self, client):
        company = CompanyFactory(ceased=True)
        go_to_step3(client)
        response = client.post(
            reverse("www:signup_attachment"), {"profile": "member", "identifier": company.siren}
        )
        page = html.unescape(response.content.decode())
        assert "Cette entreprise a cessé son activité" in page and "fermé" not in page

    def test_the_identity_is_recalled_beside_the_establishment(self, client):
        go_to_step3(client)
        page = html.unescape(client.get(reverse("www:signup_attachment")).content.decode())
        assert "Je suis" in page and "claire.durand@masociete.fr" in page
        assert "Numéro adhérent / IDCC" in page  # the step says what it asks

    def test_previous_keeps_what_was_typed(self, client):
        client.post(reverse("www:signup"), IDENTITY)
        client.post(reverse("www:signup_themes"), {"themes": ["invoices"], "previous": "1"})
        page = client.get(reverse("www:signup")).content.decode()
        assert 'value="Durand"' in page and 'value="claire.durand@masociete.fr"' in page
        page = client.get(reverse("www:signup_themes")).content.decode()
        assert re.search(r'value="invoices"[^>]*checked', page)

    def test_steps_cannot_be_skipped(self, client):
        assert client.get(reverse("www:signup_themes")).url == reverse("www:signup")
        assert client.get(reverse("www:signup_number")).url == reverse("www:signup")
        client.post(reverse("www:signup"), IDENTITY)
        assert client.get(reverse("www:signup_number")).url == reverse("www:signup_attachment")

    def test_step1_errors_are_next_to_the_fields(self, client):
        response = client.post(
            reverse("www:signup"),
            {"civility": "x", "last_name": "  ", "first_name": "123", "email": "pas-un-email"},
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert page.count('aria-invalid="true"') >= 3
        assert 'value="pas-un-email"' in page
        assert not User.objects.exists()


class TestExistingAddress:
    def test_existing_account_gets_an_email_and_nothing_is_created(self, client):
        user = UserFactory(email=IDENTITY["email"])
        establishment = EstablishmentFactory()
        go_to_step3(client)
        client.post(
            reverse("www:signup_attachment"),
            {"profile": "member", "identifier": establishment.siret},
        )
        response = client.post(reverse("www:signup_idcc"), {"idcc": "1486"})
        assert response.url == reverse("www:signup_done")
        assert User.objects.count() == 1
        assert not RegistrationRequest.objects.exists()
        assert "existe déjà" in mail.outbox[-1].subject
        user.refresh_from_db()
        assert user.check_password("Motdepasse-solide-42")

    def test_registered_but_not_activated_gets_a_fresh_link(self, client):
        KnownContactFactory(email=IDENTITY["email"])
        client.post(reverse("www:signup"), IDENTITY)
        client.post(reverse("www:signup"), IDENTITY)
        assert User.objects.count() == 1
        assert len(mail.outbox) == 2
        assert "/inscription/activer/" in mail.outbox[1].body


class TestWelcomeLink:
    def _register_known(self, client):
        KnownContactFactory(email=IDENTITY["email"])
        client.post(reverse("www:signup"), IDENTITY)
        return User.objects.get(email=IDENTITY["email"])

    def test_link_reload_and_other_browser_work_until_password_is_set(
        self, client, django_user_model
    ):
        from django.test import Client

        self._register_known(client)
        path = activation_path()
        first = client.get(path)
        assert client.get(first.url).status_code == 200  # reload
        other = Client()
        second = other.get(path)
        assert other.get(second.url).status_code == 200
        response = other.post(
            second.url, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
        )
        assert response.url == reverse("www:home")
        used = client.get(path)
        assert "Ce lien a déjà été utilisé" in used.content.decode()
        page = client.get(first.url).content.decode()
        assert "Ce lien a déjà été utilisé" in page
        # A used link offers a new one directly: allauth's link to choose the password again,
        # sent to the account's own address only.
        assert "Recevoir un nouveau lien" in page
        resend = re.search(r'action="(/inscription/nouveau-lien/[^"]+)"', page).group(1)
        sent = len(mail.outbox)
        response = client.post(resend)
        assert response.url == reverse("account_login")
        assert len(mail.outbox) == sent + 1 and mail.outbox[-1].to == [IDENTITY["email"]]
        assert "/password/reset/key/" in mail.outbox[-1].body or "mot de passe" in (
            mail.outbox[-1].body.lower()
        )
        # Other spellings of the same account's number are not links of the portal, and the
        # account gets at most 3 links an hour, however asked.
        user = User.objects.get(email=IDENTITY["email"])
        for spelling in (f"0{user.pk}", f" {user.pk}", f"+{user.pk}"):
            uid = urlsafe_base64_encode(spelling.encode())
            client.post(reverse("www:signup_resend", args=[uid]))
        assert len(mail.outbox) == sent + 1
        for _n in range(5):
            client.post(resend)
        assert len(mail.outbox) == sent + 3

    def test_expired_link_offers_a_new_one(self, client, settings):
        user = self._register_known(client)
        path = activation_path()
        later = mock.patch(
            "monespace.accounts.tokens.WelcomeLinkTokenGenerator._now",
            return_value=welcome_link_token._now()
            + timedelta(seconds=settings.SIGNUP_LINK_MAX_AGE + 60),
        )
        with later:
            response = client.get(path)
        page = response.content.decode()
        assert "Ce lien a expiré" in page
        assert not EmailAddress.objects.get(user=user).verified
        resend = re.search(r'action="(/inscription/nouveau-lien/[^"]+)"', page).group(1)
        client.post(resend)
        assert len(mail.outbox) == 2
        set_password(client)
        user.refresh_from_db()
        assert user.has_usable_password()

    def test_forged_links(self, client):
        user = self._register_known(client)
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        uid = urlsafe_base64_encode(force_bytes(user.pk))
        assert client.get(f"/inscription/activer/{uid}/abc-def/").status_code == 200
        assert "expiré" in client.get(f"/inscription/activer/{uid}/abc-def/").content.decode()
        assert client.get("/inscription/activer/zzz/abc-def/").status_code == 404
        assert client.get(f"/inscription/activer/{uid}/mot-de-passe/").status_code == 200
        assert not User.objects.get(pk=user.pk).has_usable_password()

    @pytest.mark.parametrize(
        ("password", "confirm", "message"),
        [
            ("court1", "court1", "trop court"),
            ("sanschiffre", "sanschiffre", "au moins 1 chiffre et 1 lettre"),
            ("1234567890", "1234567890", "au moins 1 chiffre et 1 lettre"),
            ("azerty123", "azerty123", "trop courant"),
            ("claire.durand1", "claire.durand1", "ressemble trop à vos informations personnelles"),
            (GOOD_PASSWORD, GOOD_PASSWORD + "x", "ne correspondent pas"),
        ],
    )
    def test_password_rules(self, client, password, confirm, message):
        user = self._register_known(client)
        target = client.get(activation_path()).url
        response = client.post(target, {"new_password1": password, "new_password2": confirm})
        assert response.status_code == 200
        assert message in response.content.decode()
        user.refresh_from_db()
        assert not user.has_usable_password()
        assert not Membership.objects.exists()

    def test_password_page_shows_the_rules(self, client):
        self._register_known(client)
        page = client.get(client.get(activation_path()).url).content.decode()
        for rule in ["8 caractères", "1 chiffre", "1 lettre", "Confirmer le nouveau mot de passe"]:
            assert rule in page
        assert SecurityEvent.objects.filter(kind="email_verified").exists()


def test_journey_pages_query_counts(client, django_assert_max_num_queries):
    establishment = EstablishmentFactory(member=True, member_number="1.001")
    with django_assert_max_num_queries(3):
        client.get(reverse("www:signup"))
    with django_assert_max_num_queries(5):
        client.post(reverse("www:signup"), IDENTITY)
    with django_assert_max_num_queries(4):
        client.post(reverse("www:signup_themes"), {"themes": ["dossiers"]})
    with django_assert_max_num_queries(7):
        client.post(
            reverse("www:signup_attachment"),
            {"profile": "member", "identifier": establishment.siret},
        )
    with django_assert_max_num_queries(7):
        client.get(reverse("www:signup_number"))


def test_siret_helper_builds_valid_numbers():
    from stdnum.fr import siret

    assert siret.is_valid(siret_from("732829320", 7))


def test_registration_cannot_flood_a_mailbox(client, settings):
    settings.SIGNUP_MAILS_PER_HOUR = 2
    KnownContactFactory(email=IDENTITY["email"])
    for _ in range(4):
        response = client.post(reverse("www:signup"), IDENTITY)
        assert response.url == reverse("www:signup_done")
    assert len(mail.outbox) == 2
    assert User.objects.count() == 1


def test_idcc_is_checked_against_the_referential_and_its_title_shown(client):
    from monespace.referentials.models import CollectiveAgreement

    assert CollectiveAgreement.objects.filter(idcc="0843").exists(), "loaded by a migration"
    fragment = client.get(reverse("www:idcc_title"), {"idcc": "843"}).content.decode()
    assert "boulangerie-pâtisserie" in fragment
    fragment = client.get(reverse("www:idcc_title"), {"idcc": "9998"}).content.decode()
    assert "Aucune convention collective connue" in fragment
    assert client.get(reverse("www:idcc_title"), {"idcc": "x" * 500}).status_code == 200


def test_import_idcc_adds_updates_deactivates_and_reports(tmp_path):
    from django.core.management import call_command

    from monespace.referentials.models import CollectiveAgreement

    path = tmp_path / "idcc.csv"
    path.write_text(
        "IDCC;TITRE DE LA CONVENTION\n843;Boulangerie (nouvel intitulé)\n9997;Nouvelle convention\n"
        "12A;Mauvais code\n;Sans code\n0000;Zéro\n",
        encoding="utf-8",
    )
    from io import StringIO

    out = StringIO()
    call_command("import_idcc", str(path), stdout=out)
    report = out.getvalue()
    assert "1 créées, 1 mises à jour" in report and "Ligne 4 rejetée" in report
    assert CollectiveAgreement.objects.get(idcc="0843").title == "Boulangerie (nouvel intitulé)"
    assert not CollectiveAgreement.objects.get(idcc="1486").active  # absent: kept, inactive
    call_command("import_idcc", str(path), stdout=StringIO())  # idempotent
    assert CollectiveAgreement.objects.filter(idcc="9997").count() == 1


def test_the_themes_say_which_e_mails_always_come(client):
    from monespace.www.forms import ThemesForm
    from monespace.www.profile_forms import ProfileForm

    for form in (ThemesForm(), ProfileForm()):
        help_text = str(form.fields["themes"].help_text)
        assert "demandes de rattachement à valider si vous êtes administrateur" in help_text
