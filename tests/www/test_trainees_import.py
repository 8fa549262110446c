"""« Importer une liste » on the « Salariés » step (issue 15): reading CSV, pasted text and XLSX,
the preview with each row's errors, the confirmation (once), the 30 limit with the duplication
offered, the forms gone at 30, the rights."""

import io
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from monespace.dossiers.models import Dossier, DossierEvent, Employee, Trainee
from monespace.www.dossiers.forms import NewTraineeForm
from monespace.www.dossiers.trainee_import import (
    FIELDS,
    MAX_ROWS,
    ListError,
    read_text,
    read_upload,
    template_csv,
)
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory

HEADER = "Nom;Prénom;Date de naissance;Heures sur le temps de travail;Heures hors temps de travail"


def upload(content, name="liste.csv"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Reading (no database) ----------------------------------------------------------------------


class TestReading:
    def test_the_columns_are_the_single_trainee_form_s_fields(self):
        assert set(FIELDS) == set(NewTraineeForm.base_fields)

    def test_csv_with_semicolons_in_utf8_with_a_bom(self):
        content = f"{HEADER}\nDUPONT;Hélène;04/05/1990;7,5;0\n\nMARTIN;Paul;01/02/1985;7;2\n"
        rows = read_upload(upload(("\ufeff" + content).encode()))
        assert [(r.line, r.values["last_name"], r.values["first_name"]) for r in rows] == [
            (2, "DUPONT", "Hélène"),
            (4, "MARTIN", "Paul"),  # the empty line 3 is skipped, the numbering kept
        ]
        assert rows[0].values["hours_on_work_time"] == "7,5"

    def test_csv_with_commas_in_windows_1252(self):
        content = 'NOM,PRENOM,DATE DE NAISSANCE,HEURES\r\nLEFÈVRE,Élodie,04/05/1990,"7,5"\r\n'
        rows = read_upload(upload(content.encode("cp1252")))
        assert rows[0].values["last_name"] == "LEFÈVRE"
        assert rows[0].values["first_name"] == "Élodie"
        assert rows[0].values["hours_on_work_time"] == "7,5"
        # « Heures hors temps de travail » left out: 0, as the single form's default.
        assert rows[0].form_data()["hours_off_work_time"] == "0"

    def test_pasted_from_excel_with_tabs_and_headers_written_any_way(self):
        text = (
            "prénom\tNOM DE FAMILLE\tDate de naissance (JJ/MM/AAAA)\theures*\tCSP\tContrat\n"
            "Léa\tAUBERT\t01/01/1990\t14\tcadre\tcdi\n"
        )
        (row,) = read_text(text)
        assert row.values["last_name"] == "AUBERT" and row.values["first_name"] == "Léa"
        data = row.form_data()
        assert data["category"] == "manager" and data["contract"] == "permanent"

    def test_xlsx_with_excel_dates_and_numbers(self):
        content = xlsx(
            [
                [],
                ["Nom", "Prénom", "Date de naissance", "Heures", "Catégorie"],
                ["DUPONT", "Jean", datetime(1990, 5, 4), 7.5, "Employé"],
                ["MARTIN", "Paul", 32874, 14, None],  # a date cell without its format
            ]
        )
        rows = read_upload(upload(content, "liste.xlsx"))
        assert [(r.line, r.values["birth_date"], r.values["hours_on_work_time"]) for r in rows] == [
            (3, "04/05/1990", "7,5"),
            (4, "01/01/1990", "14"),
        ]
        assert rows[0].form_data()["category"] == "clerk"

    def test_the_template_reads_back(self):
        (row,) = read_text(template_csv() + "DUPONT;Jean;04/05/1990;7;0;;;\n")
        assert row.values["last_name"] == "DUPONT"

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                "Nom;Prénom;Naissance;Heures;Service\nA;B;01/01/1990;7;X",
                "Colonne inconnue : « Service »",
            ),
            ("Nom;Prénom;Heures\nA;B;7", "Colonne manquante : « Date de naissance »"),
            ("Nom;Nom;Prénom;Naissance;Heures\n", "La colonne « Nom » figure deux fois"),
            (f"{HEADER}\n\n", "aucun salarié sous la ligne des colonnes"),
            ("  \n ", "Collez les lignes de la liste"),
        ],
    )
    def test_what_stops_the_reading(self, text, message):
        with pytest.raises(ListError, match=message):
            read_text(text)

    def test_row_and_size_caps(self):
        many = HEADER + "\n" + "A;B;01/01/1990;7;0\n" * (MAX_ROWS + 1)
        with pytest.raises(ListError, match="plus de 500 lignes"):
            read_text(many)
        with pytest.raises(ListError, match="dépasse 1 Mo"):
            read_upload(upload(b"x" * (1024 * 1024 + 1)))

    @pytest.mark.parametrize(
        ("content", "name", "message"),
        [
            (b"", "liste.csv", "Le fichier est vide"),
            (b"Nom;Prenom\nA;B\n", "liste.xlsx", "pas un classeur Excel .xlsx lisible"),
            (b"\xd0\xcf\x11\xe0\x00\x00", "liste.xls", "Excel 97-2003"),
            (b"%PDF-1.4\x00\x01", "liste.csv", "pas un texte CSV"),
            (b"\x81\x8d\x8f;\x90\n", "liste.csv", "encodage"),
        ],
    )
    def test_files_that_are_no_list(self, content, name, message):
        with pytest.raises(ListError, match=message):
            read_upload(upload(content, name))

    def test_a_zip_that_is_no_workbook(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("hello.txt", "bonjour")
        with pytest.raises(ListError, match="pas un classeur Excel"):
            read_upload(upload(out.getvalue(), "liste.xlsx"))


# --- The views ----------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def setup(client):
    establishment = EstablishmentFactory(member=True, company__name="SOCIETE MARQUEUR-A")
    editor = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    client.force_login(editor)
    dossier = DossierFactory(establishment=establishment)  # 14 h
    return {"establishment": establishment, "company": establishment.company, "dossier": dossier}


def import_url(dossier):
    return reverse("www:trainees_import", args=[dossier.pk])


def step_url(dossier):
    return reverse("www:dossier_step", args=[dossier.pk, "salaries"])


def preview(client, dossier, text=None, file=None):
    data = {"preview": "1"}
    if text is not None:
        data["import-text"] = text
    if file is not None:
        data["import-file"] = file
    return client.post(import_url(dossier), data)


def payload_of(page):
    return page.split('name="payload" value="')[1].split('"')[0]


def confirm(client, dossier, page):
    return client.post(import_url(dossier), {"confirm": "1", "payload": payload_of(page)})


def born(years_ago):
    return (timezone.localdate() - timedelta(days=365 * years_ago)).strftime("%d/%m/%Y")


def fill(dossier, count):
    for n in range(count):
        employee = Employee.objects.create(
            company=dossier.company,
            last_name=f"N{n:02d}",
            first_name="A",
            birth_date=date(1990, 1, 1),
        )
        Trainee.objects.create(dossier=dossier, employee=employee, hours_on_work_time=7)


GOOD = f"{HEADER}\nDUPONT;Jean;04/05/1990;7;0\nMARTIN;Paul;01/02/1985;10,5;3,5\n"


@pytestmark_db
class TestPreviewAndConfirm:
    def test_the_step_offers_the_import_with_its_columns_and_template(self, client, setup):
        page = client.get(step_url(setup["dossier"])).content.decode()
        assert "Importer une liste" in page and 'enctype="multipart/form-data"' in page
        assert "Date de naissance" in page and "Heures hors temps de travail" in page
        assert reverse("www:trainees_import_template", args=[setup["dossier"].pk]) in page

    def test_the_template_downloads(self, client, setup):
        response = client.get(reverse("www:trainees_import_template", args=[setup["dossier"].pk]))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        assert response.content.decode("utf-8").startswith("\ufeffNom;Prénom;Date de naissance;")

    def test_a_bad_row_is_shown_with_its_line_field_and_message_and_nothing_is_saved(
        self, client, setup
    ):
        dossier = setup["dossier"]
        text = (
            f"{HEADER};Catégorie\n"
            "DUPONT;Jean;04/05/1990;7;0;Cadre\n"
            "MARTIN;Paul;31/02/1990;7;0;\n"  # line 3: no such date
            f"PETIT;Lou;{born(10)};7;0;\n"  # line 4: a child
            "GRAND;Max;01/01/1980;10;5;\n"  # line 5: 15 h for a 14 h action
            ";Anne;01/01/1980;7;0;\n"  # line 6: no name
            "BLANC;Eve;01/01/1980;7;0;Directeur\n"  # line 7: no such category
            "dupont;Jean;04/05/1990;7;0;\n"  # line 8: line 2 again
            "NOIR;Léo;01/01/1980;7;0;\n"
        )
        employees = Employee.objects.count()
        response = preview(client, dossier, text=text)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Ligne 3 — Date de naissance : Saisissez une date valide." in page
        assert "Ligne 4 — Date de naissance : Un salarié a au moins 15 ans" in page
        assert "Ligne 5 — Heures sur le temps de travail : 15 h au total" in page
        assert "Ligne 6 — Nom : Ce champ est obligatoire." in page
        assert "Ligne 7 — Catégorie : Écrivez l&#x27;une de ces catégories" in page
        assert "Ligne 8 — Nom : Ce salarié figure déjà à la ligne 2 de la liste." in page
        assert "Ajouter les 2 salariés" in page
        assert "Les 6 lignes en erreur ne seront pas ajoutées" in page
        # The list comes back in the text box, to be corrected there.
        assert "MARTIN;Paul;31/02/1990;7;0" in page
        assert not dossier.trainees.exists() and Employee.objects.count() == employees

    def test_confirm_adds_the_rows_ready_and_a_second_click_adds_nothing(self, client, setup):
        dossier = setup["dossier"]
        page = preview(client, dossier, text=GOOD + "X;;01/01/1980;7;0\n").content.decode()
        assert "Ajouter les 2 salariés" in page
        response = confirm(client, dossier, page)
        assert response.status_code == 302 and response.url == step_url(dossier)
        assert sorted(dossier.trainees.values_list("employee__last_name", flat=True)) == [
            "DUPONT",
            "MARTIN",
        ]
        martin = dossier.trainees.get(employee__last_name="MARTIN")
        assert (martin.hours_on_work_time, martin.hours_off_work_time) == (
            Decimal("10.5"),
            Decimal("3.5"),
        )
        assert (
            DossierEvent.objects.filter(dossier=dossier, message__contains="liste importée").count()
            == 2
        )
        followed = client.get(step_url(dossier)).content.decode()
        assert "2 salariés sont inscrits." in followed and "MARTIN Paul" in followed
        # The same confirmation again (double click, back button): nothing more.
        again = confirm(client, dossier, page)
        assert again.status_code == 302
        assert dossier.trainees.count() == 2
        assert (
            "déjà inscrits : rien n&#x27;est ajouté"
            in client.get(step_url(dossier)).content.decode()
        )
        # And the same list imported again: those rows are skipped, not added twice.
        page = preview(client, dossier, text=GOOD).content.decode()
        assert "2 salariés déjà inscrits sur ce dossier, ignorés" in page
        assert "Ajouter les" not in page

    def test_the_register_is_reused_whatever_the_case_and_accents(self, client, setup):
        dossier = setup["dossier"]
        known = Employee.objects.create(
            company=setup["company"],
            last_name="LEFÈVRE",
            first_name="Élodie",
            birth_date=date(1990, 5, 4),
        )
        page = preview(
            client, dossier, text=f"{HEADER}\nLefevre;elodie;04/05/1990;7;0\n"
        ).content.decode()
        confirm(client, dossier, page)
        assert list(dossier.trainees.values_list("employee", flat=True)) == [known.pk]
        assert Employee.objects.filter(company=setup["company"]).count() == 1

    def test_a_new_person_enters_the_register_with_job_category_and_contract(self, client, setup):
        dossier = setup["dossier"]
        text = "Nom;Prénom;Naissance;Heures;Emploi;Catégorie;Contrat\nROUX;Ana;01/01/1980;7;Vendeuse;Employé;CDD\n"
        confirm(client, dossier, preview(client, dossier, text=text).content.decode())
        employee = Employee.objects.get(last_name="ROUX")
        assert (employee.job, employee.category, employee.contract) == (
            "Vendeuse",
            "clerk",
            "fixed_term",
        )

    def test_an_uploaded_xlsx_is_previewed_and_added(self, client, setup):
        dossier = setup["dossier"]
        content = xlsx(
            [
                ["NOM", "PRÉNOM", "DATE DE NAISSANCE", "HEURES"],
                ["DURAND", "Zoé", date(1992, 3, 1), 7],
            ]
        )
        page = preview(client, dossier, file=upload(content, "liste.xlsx")).content.decode()
        assert "DURAND" in page and "01/03/1992" in page and "Ajouter 1 salarié" in page
        confirm(client, dossier, page)
        assert dossier.trainees.get().employee.first_name == "Zoé"

    def test_an_uploaded_cp1252_csv(self, client, setup):
        dossier = setup["dossier"]
        content = f"{HEADER}\nLEFÈVRE;Hélène;04/05/1990;7;0\n".encode("cp1252")
        page = preview(client, dossier, file=upload(content)).content.decode()
        assert "Hélène" in page and "Ajouter 1 salarié" in page

    @pytest.mark.parametrize(
        ("content", "name", "message"),
        [
            (b"", "liste.csv", "Le fichier est vide."),
            (b"Nom;Prenom\nA;B\n", "liste.xlsx", "pas un classeur Excel .xlsx lisible"),
            (b"Nom;Prenom\n" + b"A;B\n" * 300_000, "liste.csv", "dépasse 1 Mo"),
        ],
    )
    def test_a_file_that_cannot_be_read_is_refused_next_to_the_field(
        self, client, setup, content, name, message
    ):
        response = preview(client, setup["dossier"], file=upload(content, name))
        page = response.content.decode()
        assert response.status_code == 200
        assert message in page.split('id="id_import-file"')[0].split("Fichier CSV ou Excel")[-1]
        assert not setup["dossier"].trainees.exists()

    def test_an_unknown_column_is_refused_and_the_text_kept(self, client, setup):
        text = "Nom;Prénom;Naissance;Heures;Matricule\nA;B;01/01/1990;7;12\n"
        page = preview(client, setup["dossier"], text=text).content.decode()
        assert "Colonne inconnue : « Matricule »" in page
        assert "A;B;01/01/1990;7;12" in page

    def test_nothing_given(self, client, setup):
        page = preview(client, setup["dossier"]).content.decode()
        assert "Joignez un fichier, ou collez les lignes de la liste." in page

    def test_a_forged_or_foreign_payload_adds_nothing(self, client, setup):
        dossier = setup["dossier"]
        page = preview(client, dossier, text=GOOD).content.decode()
        payload = payload_of(page)
        forged = client.post(import_url(dossier), {"confirm": "1", "payload": payload[:-3] + "abc"})
        assert forged.status_code == 302 and forged.url == import_url(dossier)
        other = DossierFactory(establishment=setup["establishment"])
        client.post(import_url(other), {"confirm": "1", "payload": payload})
        assert not Trainee.objects.exists()
        assert (
            "L&#x27;aperçu a expiré ou n&#x27;est plus valable"
            in client.get(import_url(dossier)).content.decode()
        )

    def test_the_confirmation_checks_the_rows_again(self, client, setup):
        dossier = setup["dossier"]
        page = preview(client, dossier, text=GOOD).content.decode()
        dossier.training.duration_hours = Decimal("8")  # MARTIN's 14 h no longer fit
        dossier.training.save(update_fields=["duration_hours"])
        response = confirm(client, dossier, page)
        page = response.content.decode()
        assert response.status_code == 200
        assert "La liste a changé depuis l'aperçu" in page
        assert "14 h au total" in page
        assert not dossier.trainees.exists()

    def test_preview_query_count_does_not_grow_with_the_rows(
        self, client, setup, django_assert_num_queries
    ):
        dossier = setup["dossier"]
        fill(dossier, 2)
        few = HEADER + "\n" + "".join(f"NOM{n};A;01/01/1990;7;0\n" for n in range(3))
        many = HEADER + "\n" + "".join(f"NOM{n};A;01/01/1990;7;0\n" for n in range(60))
        preview(client, dossier, text=few)  # sessions and caches warmed
        with django_assert_num_queries(6):
            assert "Ajouter les 3 salariés" in preview(client, dossier, text=few).content.decode()
        with django_assert_num_queries(6):
            assert (
                "vous pouvez donc encore en inscrire 28"
                in preview(client, dossier, text=many).content.decode()
            )


@pytestmark_db
class TestThirtyTrainees:
    def test_beyond_30_nothing_is_offered_but_the_duplication(self, client, setup):
        dossier = setup["dossier"]
        fill(dossier, 28)
        text = HEADER + "\n" + "".join(f"NOUVEAU{n};A;01/01/1990;7;0\n" for n in range(3))
        page = preview(client, dossier, text=text).content.decode()
        assert (
            "celui-ci en compte 28, vous pouvez donc encore en inscrire 2, et vous en ajoutez 3"
            in page
        )
        assert f'action="{reverse("www:dossier_duplicate", args=[dossier.pk])}"' in page
        assert "Dupliquer le dossier" in page and 'name="payload"' not in page
        # Two fit: the same list without its last line is accepted.
        page = preview(client, dossier, text=text.rsplit("NOUVEAU2", 1)[0]).content.decode()
        confirm(client, dossier, page)
        assert dossier.trainees.count() == 30

    def test_the_confirmation_refuses_what_no_longer_fits(self, client, setup):
        dossier = setup["dossier"]
        fill(dossier, 28)
        text = HEADER + "\n" + "".join(f"NOUVEAU{n};A;01/01/1990;7;0\n" for n in range(2))
        page = preview(client, dossier, text=text).content.decode()
        fill_more = Employee.objects.create(
            company=dossier.company, last_name="AUTRE", first_name="A", birth_date=date(1990, 1, 1)
        )
        Trainee.objects.create(dossier=dossier, employee=fill_more, hours_on_work_time=7)
        response = confirm(client, dossier, page)
        assert response.status_code == 200 and "vous pouvez donc encore en inscrire 1" in (
            response.content.decode()
        )
        assert dossier.trainees.count() == 29

    def test_the_register_selection_beyond_30_says_how_many_fit_and_offers_duplication(
        self, client, setup
    ):
        dossier = setup["dossier"]
        fill(dossier, 29)
        others = [
            Employee.objects.create(
                company=dossier.company,
                last_name=f"Z{n}",
                first_name="A",
                birth_date=date(1990, 1, 1),
            )
            for n in range(2)
        ]
        response = client.post(
            step_url(dossier),
            {
                "add_existing": "1",
                "existing-employees": [e.pk for e in others],
                "existing-hours_on_work_time": "7",
                "existing-hours_off_work_time": "0",
            },
        )
        page = response.content.decode()
        assert "vous pouvez donc encore en inscrire 1, et vous en ajoutez 2" in page
        assert f'action="{reverse("www:dossier_duplicate", args=[dossier.pk])}"' in page
        assert dossier.trainees.count() == 29

    def test_at_30_the_add_forms_disappear_and_duplication_is_offered(self, client, setup):
        dossier = setup["dossier"]
        fill(dossier, 29)
        page = client.get(step_url(dossier)).content.decode()
        assert "Créer et inscrire" in page and "Prévisualiser la liste" in page
        assert "Dupliquer ce dossier" not in page
        fill_more = Employee.objects.create(
            company=dossier.company, last_name="TRENTE", first_name="A", birth_date=date(1990, 1, 1)
        )
        Trainee.objects.create(dossier=dossier, employee=fill_more, hours_on_work_time=7)
        page = client.get(step_url(dossier)).content.decode()
        for gone in ("Créer et inscrire", "Inscrire les salariés cochés", "Prévisualiser la liste"):
            assert gone not in page
        assert "Ce dossier compte 30 salariés : c'est le maximum" in page
        duplicate = reverse("www:dossier_duplicate", args=[dossier.pk])
        assert f'action="{duplicate}"' in page and "Dupliquer ce dossier" in page
        import_page = client.get(import_url(dossier)).content.decode()
        assert "Dupliquer ce dossier" in import_page and "Prévisualiser la liste" not in import_page
        # The button duplicates (its view's own checks): a new draft without the trainees.
        response = client.post(duplicate, {"csrfmiddlewaretoken": "x"})  # as the button sends it
        copy = Dossier.objects.get(duplicated_from=dossier)
        assert response.url == reverse("www:dossier_step", args=[copy.pk, "formation"])
        assert not copy.trainees.exists() and dossier.trainees.count() == 30


@pytestmark_db
class TestRights:
    @pytest.mark.parametrize(
        ("name", "post"),
        [("www:trainees_import", True), ("www:trainees_import_template", False)],
    )
    def test_outsider_404_viewer_403(self, client, setup, name, post):
        url = reverse(name, args=[setup["dossier"].pk])
        outsider = MembershipFactory(can_view_training=True, can_edit_training=True).user
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        if post:
            assert client.post(url, {"import-text": GOOD}).status_code == 404
        viewer = MembershipFactory(company=setup["company"], can_view_training=True).user
        client.force_login(viewer)
        assert client.get(url).status_code == 403
        if post:
            assert client.post(url, {"import-text": GOOD}).status_code == 403
        assert not Trainee.objects.exists()

    def test_the_viewer_cannot_confirm_the_editor_s_preview(self, client, setup):
        dossier = setup["dossier"]
        page = preview(client, dossier, text=GOOD).content.decode()
        viewer = MembershipFactory(company=setup["company"], can_view_training=True).user
        client.force_login(viewer)
        assert confirm(client, dossier, page).status_code == 403
        assert not dossier.trainees.exists()

    def test_a_transmitted_dossier_is_not_imported_into(self, client, setup):
        dossier = setup["dossier"]
        page = preview(client, dossier, text=GOOD).content.decode()
        Dossier.objects.filter(pk=dossier.pk).update(state="submitted", number="2026-AF-000001")
        response = confirm(client, dossier, page)
        assert response.status_code == 302
        assert response.url == reverse("www:dossier", args=[dossier.pk])
        assert client.get(import_url(dossier)).status_code == 302
        assert not dossier.trainees.exists()

    def test_only_a_training_action_has_trainees(self, client, setup):
        from tests.factories import ContractFactory

        editor = MembershipFactory(
            company=setup["company"],
            can_view_training=True,
            can_edit_training=True,
            apprenticeship=True,
        ).user
        client.force_login(editor)
        contract = ContractFactory(establishment=setup["establishment"], created_by=editor)
        assert client.get(reverse("www:trainees_import", args=[contract.pk])).status_code == 403
        assert (
            client.post(
                reverse("www:trainees_import", args=[contract.pk]), {"import-text": GOOD}
            ).status_code
            == 403
        )
        assert not Trainee.objects.exists()

    def test_wrong_method(self, client, setup):
        url = reverse("www:trainees_import", args=[setup["dossier"].pk])
        assert client.put(url).status_code == 405
        template = reverse("www:trainees_import_template", args=[setup["dossier"].pk])
        assert client.post(template).status_code == 405
