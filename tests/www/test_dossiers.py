"""Training-action requests: the four steps, transmission, lists, documents, duplication, reach."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from monespace.dossiers.models import Document, Dossier, DossierEvent, Employee, Trainee
from monespace.dossiers.services import dossier_submit
from monespace.notifications.models import Notification
from tests.factories import EstablishmentFactory, MembershipFactory
from tests.helpers import create_dossier, read_streaming

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def later(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


TRAINING = {
    "provider_name": "FORMAPRO CONSEIL",
    "provider_address": "1 RUE DES ECOLES",
    "provider_postal_code": "33000",
    "provider_city": "BORDEAUX",
    "provider_siret": "83012345100015",
    "title": "PILOTER LA FORMATION",
    "duration_hours": "21",
    "start_date": later(60),
    "end_date": later(90),
    "modality": "in_person",
    "cost_teaching": "2020.00",
    "cost_pay": "0",
}


@pytest.fixture
def setup(client):
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE MARQUEUR-A")
    editor = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    client.force_login(editor)
    return {"establishment": establishment, "company": establishment.company, "editor": editor}


def new_draft(client, setup):
    """« Commencer la saisie », then the first step saved: the draft is born then."""
    before = Dossier.objects.count()
    response = client.post(reverse("www:dossier_new"), {"establishment": setup["establishment"].pk})
    assert response.status_code == 302 and Dossier.objects.count() == before
    response = client.post(response.url, {"title": "", "save_quit": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dossier.objects.latest("pk")


def step_url(dossier, step):
    return reverse("www:dossier_step", args=[dossier.pk, step])


def add_trainee(client, dossier, last_name="MARTIN", first_name="Paul"):
    return client.post(
        step_url(dossier, "salaries"),
        {
            "add_new": "1",
            "new-last_name": last_name,
            "new-first_name": first_name,
            "new-birth_date": "1990-05-04",
            "new-hours_on_work_time": "21",
            "new-hours_off_work_time": "0",
        },
    )


def attach(client, dossier, piece_type, content=PDF, name="programme.pdf", back="envoi"):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(
        reverse("www:dossier_document_upload", args=[dossier.pk]),
        {"file": upload, "piece_type": piece_type, "title": f"Pièce {piece_type}", "back": back},
    )


def complete(client, dossier):
    client.post(step_url(dossier, "formation"), {**TRAINING, "validate": "1"})
    add_trainee(client, dossier)
    attach(client, dossier, "programme")
    attach(client, dossier, "convention")


class TestSteps:
    def test_full_journey_to_transmission(self, client, setup):
        dossier = new_draft(client, setup)
        response = client.post(step_url(dossier, "formation"), {**TRAINING, "validate": "1"})
        assert response.url == step_url(dossier, "modules")
        dossier.refresh_from_db()
        assert (
            dossier.title == "PILOTER LA FORMATION"
            and dossier.training.cost_teaching == Decimal("2020.00")
        )
        client.post(
            step_url(dossier, "modules"),
            {
                "add_module": "1",
                "module-title": "Module tuteur",
                "module-hours": "7",
                "module-cost": "300",
            },
        )
        assert dossier.modules.count() == 1
        for name in ["MARTIN", "DURAND", "PETIT"]:
            add_trainee(client, dossier, last_name=name)
        assert dossier.trainees.count() == 3
        page = client.get(step_url(dossier, "envoi")).content.decode()
        assert "Programme détaillé" in page and "Pour transmettre le dossier, il manque" in page
        attach(client, dossier, "programme")
        attach(client, dossier, "convention")
        response = client.post(step_url(dossier, "envoi"), {"submit": "1", "certified": "on"})
        dossier.refresh_from_db()
        assert response.url == reverse("www:dossier", args=[dossier.pk])
        year = timezone.localdate().year
        assert dossier.state == "submitted" and dossier.number == f"{year}-AF-000001"
        assert DossierEvent.objects.filter(dossier=dossier, kind="submitted").exists()
        assert Notification.objects.filter(
            recipient=setup["editor"], title__contains=dossier.number
        ).exists()
        assert dossier.number in mail.outbox[-1].subject
        # Read-only for the user now.
        response = client.post(
            step_url(dossier, "formation"), {**TRAINING, "title": "CHANGE", "validate": "1"}
        )
        assert response.url == reverse("www:dossier", args=[dossier.pk])
        dossier.refresh_from_db()
        assert dossier.title == "PILOTER LA FORMATION"

    def test_steps_in_any_order_and_save_and_quit(self, client, setup):
        dossier = new_draft(client, setup)
        add_trainee(client, dossier)
        response = client.post(
            step_url(dossier, "formation"), {"title": "À compléter", "save_quit": "1"}
        )
        assert response.url == reverse("www:dossiers") + "?group=brouillons"
        page = client.get(reverse("www:dossiers") + "?group=brouillons").content.decode()
        assert "À compléter" in page
        dossier.refresh_from_db()
        assert dossier.title == "À compléter" and dossier.trainees.count() == 1

    def test_cancel_drops_the_current_step(self, client, setup):
        dossier = new_draft(client, setup)
        client.post(step_url(dossier, "formation"), {"title": "Premier", "validate": "1"})
        client.post(step_url(dossier, "formation"), {"title": "Second", "cancel": "1"})
        dossier.refresh_from_db()
        assert dossier.title == "Premier"

    def test_transmission_lists_what_is_missing(self, client, setup):
        dossier = new_draft(client, setup)
        response = client.post(
            step_url(dossier, "envoi"), {"submit": "1", "certified": "on"}, follow=True
        )
        page = response.content.decode()
        assert "Le dossier est incomplet" in page
        assert f'href="{step_url(dossier, "formation")}#id_title"' in page
        dossier.refresh_from_db()
        assert dossier.is_draft and dossier.number is None

    def test_certification_is_required(self, client, setup):
        dossier = new_draft(client, setup)
        complete(client, dossier)
        page = client.post(step_url(dossier, "envoi"), {"submit": "1"}).content.decode()
        assert "Cochez la déclaration" in page
        dossier.refresh_from_db()
        assert dossier.is_draft

    def test_double_transmission_keeps_one_number(self, client, setup):
        dossier = new_draft(client, setup)
        complete(client, dossier)
        client.post(step_url(dossier, "envoi"), {"submit": "1", "certified": "on"})
        client.post(step_url(dossier, "envoi"), {"submit": "1", "certified": "on"})
        with pytest.raises(Exception, match="transmis"):
            dossier_submit(actor=setup["editor"], dossier=dossier, certified=True)
        dossier.refresh_from_db()
        assert dossier.number.endswith("000001")
        assert DossierEvent.objects.filter(dossier=dossier, kind="submitted").count() == 1

    def test_numbers_are_unique_and_never_reused(self, client, setup):
        numbers = []
        for _ in range(2):
            dossier = new_draft(client, setup)
            complete(client, dossier)
            client.post(step_url(dossier, "envoi"), {"submit": "1", "certified": "on"})
            dossier.refresh_from_db()
            numbers.append(dossier.number)
        draft = new_draft(client, setup)
        client.post(reverse("www:dossier_delete", args=[draft.pk]))
        third = new_draft(client, setup)
        complete(client, third)
        client.post(step_url(third, "envoi"), {"submit": "1", "certified": "on"})
        third.refresh_from_db()
        assert [n[-6:] for n in [*numbers, third.number]] == ["000001", "000002", "000003"]


class TestBadInput:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("end_date", later(10), "La date de fin doit être postérieure"),
            ("cost_teaching", "-5", "montant positif"),
            ("cost_teaching", "beaucoup", "Saisissez un montant"),
            ("provider_siret", "83012345100016", "clé de contrôle incorrecte"),
            ("duration_hours", "trois", "Saisissez un nombre"),
            ("provider_nda", "123", "11 chiffres"),
            ("certification_code", "ABC12", "RNCP ou RS"),
        ],
    )
    def test_step_errors_are_next_to_the_field_and_nothing_is_saved(
        self, client, setup, field, value, message
    ):
        dossier = new_draft(client, setup)
        data = {**TRAINING, "start_date": later(20), field: value, "validate": "1"}
        response = client.post(step_url(dossier, "formation"), data)
        page = response.content.decode()
        assert response.status_code == 200 and message in page
        assert f'value="{value}"' in page
        dossier.refresh_from_db()
        assert dossier.title == ""

    def test_31st_trainee_is_refused_with_the_duplication_advice(self, client, setup):
        dossier = new_draft(client, setup)
        for i in range(30):
            employee = Employee.objects.create(
                company=setup["company"],
                last_name=f"NOM{i}",
                first_name="X",
                birth_date=date(1990, 1, 1),
            )
            Trainee.objects.create(dossier=dossier, employee=employee)
        response = add_trainee(client, dossier, last_name="TRENTE-ET-UN")
        page = response.content.decode()
        assert response.status_code == 200
        assert "au plus 30 salariés" in page and "dupliquez-le" in page
        assert dossier.trainees.count() == 30

    def test_forged_establishment_is_refused(self, client, setup):
        foreign = EstablishmentFactory(member=True)
        response = client.post(reverse("www:dossier_new"), {"establishment": foreign.pk})
        assert response.status_code == 200
        assert (
            "Choisissez un établissement pour lequel vous pouvez saisir"
            in response.content.decode()
        )
        assert not Dossier.objects.exists()

    def test_fake_and_oversize_files(self, client, setup, settings):
        dossier = new_draft(client, setup)
        response = attach(
            client, dossier, "programme", content=b"MZ\x90\x00 not a pdf", name="programme.pdf"
        )
        assert response.status_code == 302
        assert not Document.objects.exists()
        page = client.get(step_url(dossier, "envoi")).content.decode()
        assert (
            "Ce type de fichier n&#x27;est pas accepté" in page
            or "Ce type de fichier n'est pas accepté" in page
        )
        settings.UPLOAD_MAX_BYTES = 10
        attach(client, dossier, "programme")
        assert (
            "dépasse la taille maximale" in client.get(step_url(dossier, "envoi")).content.decode()
        )
        assert not Document.objects.exists()


class TestDocuments:
    def test_upload_is_stored_under_an_opaque_key_and_downloaded_through_the_view(
        self, client, setup
    ):
        dossier = new_draft(client, setup)
        attach(client, dossier, "programme", name="../../etc/passwd.pdf")
        document = Document.objects.get()
        assert "passwd" not in document.file.name and document.file.name.startswith("documents/")
        assert document.content_type == "application/pdf" and document.size == len(PDF)
        response = client.get(reverse("www:dossier_document", args=[dossier.pk, document.pk]))
        assert response.status_code == 200
        assert read_streaming(response) == PDF
        assert "attachment" in response["Content-Disposition"]

    @pytest.mark.parametrize(
        ("uploaded_as", "served_as"),
        [("facture.html", "facture.pdf"), ("x.svg", "x.pdf"), ("rtl\u202efdp.exe", "rtlfdp.pdf")],
    )
    def test_a_file_is_served_under_the_extension_of_its_content(
        self, client, setup, uploaded_as, served_as
    ):
        dossier = new_draft(client, setup)
        attach(client, dossier, "programme", name=uploaded_as)
        document = Document.objects.get()
        response = client.get(reverse("www:dossier_document", args=[dossier.pk, document.pk]))
        read_streaming(response)
        assert response["Content-Disposition"] == f'attachment; filename="{served_as}"'
        assert response["Content-Type"] == "application/pdf"

    def test_documents_may_be_attached_after_transmission(self, client, setup):
        dossier = new_draft(client, setup)
        complete(client, dossier)
        client.post(step_url(dossier, "envoi"), {"submit": "1", "certified": "on"})
        response = attach(client, dossier, "attendance", back="")
        assert response.url == reverse("www:dossier", args=[dossier.pk]) + "?onglet=documents"
        assert Document.objects.filter(dossier=dossier, piece_type="attendance").exists()

    def test_print_gives_a_pdf(self, client, setup):
        dossier = new_draft(client, setup)
        complete(client, dossier)
        response = client.get(reverse("www:dossier_print", args=[dossier.pk]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")


class TestDuplication:
    def test_duplicate_with_a_subset_of_trainees(self, client, setup):
        dossier = new_draft(client, setup)
        complete(client, dossier)
        add_trainee(client, dossier, last_name="SECOND")
        keep = dossier.trainees.get(employee__last_name="SECOND")
        response = client.post(
            reverse("www:dossier_duplicate", args=[dossier.pk]), {"trainees": [keep.pk]}
        )
        copy = Dossier.objects.exclude(pk=dossier.pk).get()
        dossier.refresh_from_db()
        assert response.url == step_url(copy, "formation")
        assert copy.title == dossier.title and copy.is_draft and copy.number is None
        assert list(copy.trainees.values_list("employee__last_name", flat=True)) == ["SECOND"]
        assert not copy.documents.exists()
        assert copy.duplicated_from == dossier

    def test_delete_draft_with_confirmation(self, client, setup):
        dossier = new_draft(client, setup)
        assert (
            "Supprimer définitivement"
            in client.get(reverse("www:dossier_delete", args=[dossier.pk])).content.decode()
        )
        client.post(reverse("www:dossier_delete", args=[dossier.pk]))
        assert not Dossier.objects.exists()


class TestReach:
    def test_viewer_cannot_enter(self, client, setup):
        dossier = new_draft(client, setup)
        viewer = MembershipFactory(company=setup["company"], can_view_training=True).user
        client.force_login(viewer)
        assert client.get(reverse("www:dossier", args=[dossier.pk])).status_code == 200
        assert client.get(step_url(dossier, "formation")).status_code == 403
        assert (
            client.post(step_url(dossier, "formation"), {"title": "x", "validate": "1"}).status_code
            == 403
        )
        assert client.get(reverse("www:dossier_new")).status_code == 403
        assert "Nouvelle demande" not in client.get(reverse("www:dossiers")).content.decode()

    def test_outsider_gets_404_and_lists_never_leak(self, client, setup):
        dossier = new_draft(client, setup)
        client.post(
            step_url(dossier, "formation"), {"title": "SECRET MARQUEUR-A", "save_quit": "1"}
        )
        outsider = MembershipFactory(can_view_training=True, can_edit_training=True).user
        client.force_login(outsider)
        assert client.get(reverse("www:dossier", args=[dossier.pk])).status_code == 404
        assert client.get(step_url(dossier, "formation")).status_code == 404
        assert "MARQUEUR-A" not in client.get(reverse("www:dossiers")).content.decode()

    def test_establishment_scope_is_respected(self, client, setup):
        other = EstablishmentFactory(company=setup["company"], member=True, is_head_office=False)
        limited = MembershipFactory(
            company=setup["company"], can_view_training=True, can_edit_training=True
        )
        limited.establishments.add(other)
        dossier = new_draft(client, setup)  # on the first establishment
        client.force_login(limited.user)
        assert client.get(reverse("www:dossier", args=[dossier.pk])).status_code == 404
        page = client.get(reverse("www:dossier_new")).content.decode()
        assert other.siret in page and setup["establishment"].siret not in page

    def test_the_provider_sees_the_transmitted_dossier(self, client, setup):
        provider = EstablishmentFactory(
            provider=True, siret="83012345100015", company__name="FORMAPRO"
        )
        of_user = MembershipFactory(
            company=provider.company, profile="provider", is_admin=True
        ).user
        dossier = new_draft(client, setup)
        complete(client, dossier)
        dossier.refresh_from_db()
        assert dossier.provider_establishment == provider
        client.force_login(of_user)
        assert (
            client.get(reverse("www:dossier", args=[dossier.pk])).status_code == 404
        )  # still a draft
        client.force_login(setup["editor"])
        client.post(step_url(dossier, "envoi"), {"submit": "1", "certified": "on"})
        client.force_login(of_user)
        assert client.get(reverse("www:dossier", args=[dossier.pk])).status_code == 200
        page = client.get(reverse("www:dossiers") + "?profile=provider").content.decode()
        assert dossier.title in page
        assert client.get(step_url(dossier, "formation")).status_code == 403
        response = attach(client, dossier, "certificate", back="")
        assert response.status_code == 302
        assert Document.objects.filter(
            dossier=dossier, piece_type="certificate", uploaded_by=of_user
        ).exists()

    def test_delegated_organisation_within_its_scope(self, client, setup):
        from monespace.organizations.models import Delegation

        firm = MembershipFactory(is_admin=True)
        Delegation.objects.create(
            company=setup["company"],
            delegate=firm.company,
            kind="training_organisation",
            status="active",
            can_view_training=True,
        )
        dossier = new_draft(client, setup)
        client.force_login(firm.user)
        assert client.get(reverse("www:dossier", args=[dossier.pk])).status_code == 200
        assert client.get(step_url(dossier, "formation")).status_code == 403


class TestListsAndWarnings:
    def test_filters_search_and_groups(self, client, setup):
        first = new_draft(client, setup)
        client.post(step_url(first, "formation"), {"title": "EXCEL AVANCE", "save_quit": "1"})
        second = new_draft(client, setup)
        complete(client, second)
        add_trainee(client, second, last_name="ZOLA")
        client.post(step_url(second, "envoi"), {"submit": "1", "certified": "on"})
        page = client.get(reverse("www:dossiers")).content.decode()
        assert "Brouillons (1)" in page and "En cours (1)" in page and "Tous (2)" in page
        assert "EXCEL AVANCE" in client.get(reverse("www:dossiers") + "?q=excel").content.decode()
        page = client.get(reverse("www:dossiers") + "?q=zola").content.decode()
        assert "PILOTER LA FORMATION" in page and "EXCEL AVANCE" not in page
        page = client.get(reverse("www:dossiers") + "?group=en-cours").content.decode()
        assert "EXCEL AVANCE" not in page
        page = client.get(
            reverse("www:dossiers") + "?start_from=2030-01-01&start_to=2020-01-01"
        ).content.decode()
        assert "La date de fin doit être postérieure" in page

    def test_warnings_do_not_block(self, client, setup):
        dossier = new_draft(client, setup)
        complete(client, dossier)
        client.post(
            step_url(dossier, "formation"),
            {
                **TRAINING,
                "start_date": later(5),
                "end_date": later(6),
                "cost_pay": "10000",
                "validate": "1",
            },
        )
        page = client.get(step_url(dossier, "envoi")).content.decode()
        assert "moins de 30 jours" in page
        assert "déclaration d&#x27;activité" in page or "déclaration d'activité" in page
        assert "plafond des heures des stagiaires" in page
        client.post(step_url(dossier, "envoi"), {"submit": "1", "certified": "on"})
        dossier.refresh_from_db()
        assert dossier.state == "submitted"

    def test_list_query_count_is_flat(self, client, setup, django_assert_num_queries):
        for _ in range(2):
            new_draft(client, setup)
        client.get(reverse("www:dossiers"))
        with django_assert_num_queries(6):
            client.get(reverse("www:dossiers"))
        for _ in range(6):
            new_draft(client, setup)
        with django_assert_num_queries(6):
            client.get(reverse("www:dossiers"))

    def test_detail_query_count_is_flat(self, client, setup, django_assert_num_queries):
        dossier = new_draft(client, setup)
        complete(client, dossier)
        url = reverse("www:dossier", args=[dossier.pk])
        client.get(url)
        with django_assert_num_queries(7):
            client.get(url)
        for name in ["A", "B", "C", "D"]:
            add_trainee(client, dossier, last_name=name)
        with django_assert_num_queries(7):
            client.get(url)


def test_an_organisation_working_on_its_own_perimeter_sees_its_clients_dossiers(client, setup):
    from monespace.organizations.models import Delegation

    provider = EstablishmentFactory(provider=True, siret="83012345100015", company__name="FORMAPRO")
    of_membership = MembershipFactory(company=provider.company, profile="provider", is_admin=True)
    MembershipFactory(
        user=of_membership.user, company=EstablishmentFactory(member=True).company, is_admin=True
    )
    dossier = new_draft(client, setup)
    complete(client, dossier)
    client.post(step_url(dossier, "envoi"), {"submit": "1", "certified": "on"})
    firm = MembershipFactory(
        user=of_membership.user,
        company=EstablishmentFactory(member=True, company__name="CABINET").company,
        is_admin=True,
    )
    Delegation.objects.create(
        company=setup["company"],
        delegate=firm.company,
        kind="accounting_firm",
        status="active",
        can_view_training=True,
    )
    dossier.refresh_from_db()
    client.force_login(of_membership.user)
    client.post(reverse("www:set_perimeter"), {"company": provider.company_id})
    assert dossier.number in client.get(reverse("www:dossiers")).content.decode()
    client.post(reverse("www:set_perimeter"), {"company": firm.company_id})
    assert dossier.number in client.get(reverse("www:dossiers")).content.decode()
    other = MembershipFactory(user=of_membership.user, is_admin=True).company
    client.post(reverse("www:set_perimeter"), {"company": other.pk})
    assert dossier.number not in client.get(reverse("www:dossiers")).content.decode()


def test_an_organisation_with_many_clients_filters_by_siret(client):
    """Beyond 100 establishments in reach, the list offers a SIRET field rather than a list
    of thousands (the choices come from the reach, never from the dossiers)."""
    from monespace.organizations.models import Delegation
    from tests.factories import CompanyFactory, siret_from

    organisation = MembershipFactory(
        company=CompanyFactory(), profile="member", can_view_training=True
    )
    client.force_login(organisation.user)
    client_company = CompanyFactory(name="CLIENT MARQUEUR-A")
    sites = [
        EstablishmentFactory(company=client_company, siret=siret_from(client_company.siren, n))
        for n in range(1, 103)
    ]
    Delegation.objects.create(
        company=client_company,
        delegate=organisation.company,
        kind="training_organisation",
        status="active",
        can_view_training=True,
    )
    mine = create_dossier(company=client_company, establishment=sites[5], title="CHEZ LE CLIENT")
    create_dossier(company=client_company, establishment=sites[6], title="AILLEURS")
    page = client.get(reverse("www:dossiers")).content.decode()
    assert 'name="siret"' in page and sites[50].siret not in page
    page = client.get(reverse("www:dossiers"), {"siret": sites[5].siret}).content.decode()
    assert "CHEZ LE CLIENT" in page and "AILLEURS" not in page
    page = client.get(reverse("www:dossiers"), {"siret": "12345678901234"}).content.decode()
    assert "clé de contrôle" in page and "AILLEURS" in page  # refused, not applied
    assert mine.pk


def test_search_finds_numbers_titles_and_trainees(client, setup):
    dossier = create_dossier(
        company=setup["company"],
        establishment=setup["establishment"],
        title="SÉCURITÉ INCENDIE",
        state="submitted",
        number="2026-AF-123456",
    )
    other = create_dossier(
        company=setup["company"], establishment=setup["establishment"], title="ANGLAIS"
    )
    employee = Employee.objects.create(
        company=setup["company"], last_name="LEFÈVRE", first_name="Inès", birth_date="1990-01-01"
    )
    Trainee.objects.create(dossier=other, employee=employee)
    for term, found, not_found in [
        ("123456", dossier, other),
        ("incendie", dossier, other),
        ("LEFÈVRE", other, dossier),  # SQLite folds the case of ASCII letters only
        ("lef", other, dossier),
        ("inès", other, dossier),
    ]:
        page = client.get(reverse("www:dossiers"), {"q": term}).content.decode()
        assert found.title in page and not_found.title not in page, term


def test_amounts_typed_with_a_comma_and_shown_the_french_way(client, setup):
    dossier = new_draft(client, setup)
    data = {**TRAINING, "cost_teaching": "1 450,50", "duration_hours": "10,5", "validate": "1"}
    response = client.post(step_url(dossier, "formation"), data)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.training.cost_teaching == Decimal("1450.50")
    assert dossier.training.duration_hours == Decimal("10.5")
    page = client.get(step_url(dossier, "formation")).content.decode()
    assert 'value="1\u202f450,50"' in page  # the form shows back what French users type
    page = client.get(step_url(dossier, "envoi")).content.decode()
    assert "1\u202f450,50\u00a0€" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cost_teaching", "１２", "Saisissez un montant"),
        ("cost_teaching", "1_000", "Saisissez un montant"),
        ("start_date", "0001-01-01", "Saisissez une date entre le 01/01/2000"),
        ("end_date", "9999-12-31", "Saisissez une date entre le 01/01/2000"),
    ],
)
def test_odd_values_are_refused_next_to_their_field(client, setup, field, value, message):
    dossier = new_draft(client, setup)
    response = client.post(
        step_url(dossier, "formation"), {**TRAINING, field: value, "validate": "1"}
    )
    assert response.status_code == 200 and message in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.title == ""  # nothing half-saved


def test_the_refusal_reason_is_on_the_dossier_page(client):
    """Issue 15: the reason of a refusal is read on the page, not only in the letter."""
    from monespace.dossiers.models import Decision
    from tests.factories import (
        ContractFactory,
        DossierFactory,
        EstablishmentFactory,
        MembershipFactory,
        ProContractFactory,
    )

    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(
        company=establishment.company,
        can_view_training=True,
        apprenticeship=True,
        professionalisation=True,
    ).user
    client.force_login(user)
    for dossier in (
        DossierFactory(establishment=establishment, refused=True),
        ContractFactory(establishment=establishment, refused=True),
        ProContractFactory(establishment=establishment, refused=True),
    ):
        Decision.objects.create(dossier=dossier, kind="refusal", reason="Action hors du champ.")
        page = client.get(reverse("www:dossier", args=[dossier.pk])).content.decode()
        assert "a refusé la prise en charge" in page and "Action hors du champ." in page


def test_a_child_is_no_trainee(client, setup):
    """Issue 15: a birth date making the employee younger than 15 is refused."""
    from tests.factories import DossierFactory

    client.force_login(setup["editor"])
    dossier = DossierFactory(establishment=setup["establishment"])
    young = (timezone.localdate() - timedelta(days=365 * 10)).isoformat()
    response = client.post(
        step_url(dossier, "salaries"),
        {
            "add_new": "1",
            "new-last_name": "PETIT",
            "new-first_name": "Jean",
            "new-birth_date": young,
            "new-hours_on_work_time": "7",
            "new-hours_off_work_time": "0",
        },
    )
    assert "au moins 15 ans" in response.content.decode()
    assert not dossier.trainees.exists()


def test_a_view_only_user_reads_drafts_without_entry_links(client, setup):
    """Issue 15: a draft's title is its link; a view-only user gets the dossier page, never
    the entry steps nor « Supprimer »."""
    from tests.factories import DossierFactory

    draft = DossierFactory(establishment=setup["establishment"], title="FORMATION EN COURS")
    page = client.get(reverse("www:dossiers")).content.decode()
    assert reverse("www:dossier_step", args=[draft.pk, "formation"]) in page
    assert reverse("www:dossier_delete", args=[draft.pk]) in page
    viewer = MembershipFactory(company=setup["company"], can_view_training=True).user
    client.force_login(viewer)
    page = client.get(reverse("www:dossiers")).content.decode()
    assert f'href="{reverse("www:dossier", args=[draft.pk])}">FORMATION EN COURS</a>' in page
    assert reverse("www:dossier_step", args=[draft.pk, "formation"]) not in page
    assert reverse("www:dossier_delete", args=[draft.pk]) not in page


def test_a_trainee_follows_at_least_one_hour_and_at_most_the_action(client, setup):
    """Issue 15: 0 h, or more hours than the action and its modules last, are refused next to
    the field; a trainee left above a duration shortened later blocks the transmission."""
    from decimal import Decimal

    from monespace.dossiers.models import Module, Trainee
    from tests.factories import DossierFactory

    client.force_login(setup["editor"])
    dossier = DossierFactory(establishment=setup["establishment"])  # 14 h

    def add(on, off="0", last_name="PETIT"):
        return client.post(
            step_url(dossier, "salaries"),
            {
                "add_new": "1",
                "new-last_name": last_name,
                "new-first_name": "Jean",
                "new-birth_date": "1990-05-04",
                "new-hours_on_work_time": on,
                "new-hours_off_work_time": off,
            },
        )

    page = add("0").content.decode()
    assert "Indiquez les heures de formation du salarié (au moins une heure)." in page
    assert "au moins une heure" in add("0,01").content.decode()
    page = add("10", "5").content.decode()
    assert "15 h au total : au plus la durée de l&#x27;action" in page
    assert 'value="10"' in page  # what was typed is kept
    assert not dossier.trainees.exists()
    Module.objects.create(dossier=dossier, title="Module", hours=Decimal("7"))
    assert add("10", "5").status_code == 302  # 14 h + a 7 h module
    assert dossier.trainees.count() == 1
    # The duration shortened afterwards: the trainee's hours block the transmission.
    Trainee.objects.filter(dossier=dossier).update(hours_on_work_time=Decimal("30"))
    problems = dossier.spec.trainee_hour_problems(dossier)
    assert problems and "PETIT Jean (35 h)" in problems[0]
    assert any("PETIT Jean" in label for _s, _f, label in dossier.spec.missing_items(dossier))


def test_a_module_takes_place_during_the_action(client, setup):
    dossier = new_draft(client, setup)
    client.post(step_url(dossier, "formation"), {**TRAINING, "validate": "1"})
    response = client.post(
        step_url(dossier, "modules"),
        {
            "add_module": "1",
            "module-title": "Module avant l'action",
            "module-hours": "7",
            "module-start_date": later(10),
            "module-end_date": later(11),
        },
    )
    page = response.content.decode()
    assert "Le module se déroule pendant l" in page and "Module avant" in page
    assert dossier.modules.count() == 0
    client.post(
        step_url(dossier, "modules"),
        {
            "add_module": "1",
            "module-title": "Module pendant l'action",
            "module-hours": "7",
            "module-start_date": later(61),
            "module-end_date": later(62),
        },
    )
    assert dossier.modules.count() == 1


def test_a_finished_training_is_not_transmitted(client, setup):
    from datetime import timedelta

    dossier = new_draft(client, setup)
    client.post(step_url(dossier, "formation"), {**TRAINING, "validate": "1"})
    add_trainee(client, dossier)
    attach(client, dossier, "programme")
    attach(client, dossier, "convention")
    Dossier.objects.filter(pk=dossier.pk).update(
        start_date=timezone.localdate() - timedelta(days=30),
        end_date=timezone.localdate() - timedelta(days=1),
    )
    page = client.get(step_url(dossier, "envoi")).content.decode()
    assert "une formation non terminée" in page and "contactez votre conseiller" in page
    client.post(step_url(dossier, "envoi"), {"submit": "1", "certified": "on"})
    dossier.refresh_from_db()
    assert dossier.state == "draft"


def test_a_refused_upload_shows_its_error_next_to_the_field_and_keeps_the_title(client, setup):
    dossier = new_draft(client, setup)
    upload = SimpleUploadedFile(
        "programme.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(
        reverse("www:dossier_document_upload", args=[dossier.pk]),
        {"file": upload, "piece_type": "programme", "title": "Mon programme", "back": "envoi"},
        follow=True,
    )
    page = response.content.decode()
    assert "Le fichier n&#x27;est pas joint" in page
    form = page.split('action="' + reverse("www:dossier_document_upload", args=[dossier.pk]))[1]
    form = form.split("</form>")[0]
    assert 'value="Mon programme"' in form and 'class="errorlist' in form
    assert not dossier.documents.exists()
    # Shown once: the next visit has an empty form.
    page = client.get(step_url(dossier, "envoi")).content.decode()
    assert 'value="Mon programme"' not in page


def test_several_employees_of_the_register_are_added_at_once(client, setup):
    from datetime import date

    from monespace.dossiers.models import Employee

    dossier = new_draft(client, setup)
    client.post(step_url(dossier, "formation"), {**TRAINING, "validate": "1"})
    employees = [
        Employee.objects.create(
            company=setup["company"], last_name=name, first_name="A", birth_date=date(1990, 1, 1)
        )
        for name in ("AUBERT", "BLANC", "COLIN")
    ]
    page = client.get(step_url(dossier, "salaries")).content.decode()
    assert "Tout sélectionner" in page and "AUBERT A" in page
    # None checked: said next to the list; hours above the action's: refused, nothing added.
    response = client.post(
        step_url(dossier, "salaries"),
        {"add_existing": "1", "existing-hours_on_work_time": "7"},
    )
    assert "Cochez au moins un salarié" in response.content.decode()
    response = client.post(
        step_url(dossier, "salaries"),
        {
            "add_existing": "1",
            "existing-employees": [e.pk for e in employees[:2]],
            "existing-hours_on_work_time": "99",
            "existing-hours_off_work_time": "0",
        },
    )
    assert dossier.trainees.count() == 0
    client.post(
        step_url(dossier, "salaries"),
        {
            "add_existing": "1",
            "existing-employees": [e.pk for e in employees[:2]],
            "existing-hours_on_work_time": "7,5",
            "existing-hours_off_work_time": "0",
        },
    )
    assert sorted(dossier.trainees.values_list("employee__last_name", flat=True)) == [
        "AUBERT",
        "BLANC",
    ]
    assert {t.hours_on_work_time for t in dossier.trainees.all()} == {Decimal("7.5")}
    page = client.get(step_url(dossier, "salaries")).content.decode()
    options = page.split("Salariés du registre")[1].split("</form>")[0]
    assert "COLIN" in options and "AUBERT" not in options  # already on the dossier


def test_adding_several_beyond_30_adds_none(client, setup):
    from datetime import date

    from monespace.dossiers.models import Employee, Trainee

    dossier = new_draft(client, setup)
    client.post(step_url(dossier, "formation"), {**TRAINING, "validate": "1"})
    employees = [
        Employee.objects.create(
            company=setup["company"],
            last_name=f"N{n:02d}",
            first_name="A",
            birth_date=date(1990, 1, 1),
        )
        for n in range(31)
    ]
    for employee in employees[:29]:
        Trainee.objects.create(dossier=dossier, employee=employee, hours_on_work_time=7)
    response = client.post(
        step_url(dossier, "salaries"),
        {
            "add_existing": "1",
            "existing-employees": [e.pk for e in employees[29:]],
            "existing-hours_on_work_time": "7",
            "existing-hours_off_work_time": "0",
        },
    )
    assert dossier.trainees.count() == 29
    assert "30" in response.content.decode()
