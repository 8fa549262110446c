import csv
import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from monespace.organizations.importers import (
    ImportFileError,
    import_known_contacts,
    import_opco_data,
    import_sirene_establishments,
    import_sirene_legal_units,
)
from monespace.organizations.models import Company, Establishment, KnownContact

from .conftest import SAMPLES

LEGAL_UNITS = SAMPLES / "sirene-sample-unites-legales.csv"
ESTABLISHMENTS = SAMPLES / "sirene-sample-etablissements.csv"
MALFORMED = SAMPLES / "sirene-sample-etablissements-malformed.csv"
OPCO = SAMPLES / "opco-sample.csv"
CONTACTS = SAMPLES / "known-contacts-sample.csv"

BOULANGERIE_SIREN = "802954784"
BOULANGERIE_PARIS = "80295478400012"
BOULANGERIE_MONTREUIL = "80295478400020"
ATELIERS_LYON = "51234567900017"
ATELIERS_VILLEURBANNE = "51234567900025"
FORMAPRO = "83012345100015"
CFA = "77065432500016"
INCONNUE = "90112233300015"
FERMEE_SIREN = "314159260"
FERMEE = "31415926000012"

OPCO_HEADER = "siret;member_number;provider_number;branch;idcc;nda;uai;qualiopi_categories;qualiopi_valid_until"
CONTACT_HEADER = (
    "email;siret;profile;civility;last_name;first_name;job_title;can_view_training;can_edit_training;"
    "can_view_apprenticeship;can_edit_apprenticeship;can_view_professionalisation;"
    "can_edit_professionalisation;can_view_invoices;can_manage_bank_details;is_admin"
)


def read_sample(path):
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        return reader.fieldnames, list(reader)


def write_csv(path, header, rows, delimiter=","):
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=header, delimiter=delimiter, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_text(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def legal_unit_file(tmp_path, **changes_by_siren):
    """The legal units sample, with some columns of some rows changed."""
    header, rows = read_sample(LEGAL_UNITS)
    for row in rows:
        row.update(changes_by_siren.get(row["siren"], {}))
    return write_csv(tmp_path / "ul.csv", header, rows)


def run(command, *args, **options):
    out = StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


# --- Sirene: legal units -----------------------------------------------------------------------


@pytest.mark.django_db
def test_legal_units_sample_is_imported():
    result = import_sirene_legal_units(LEGAL_UNITS)

    assert (result.read, result.imported, result.rejected) == (19, 19, [])
    assert Company.objects.count() == 19
    boulangerie = Company.objects.get(siren=BOULANGERIE_SIREN)
    assert boulangerie.name == "BOULANGERIE DES LILAS"
    assert boulangerie.naf == "10.71C"
    assert boulangerie.headcount_band == "03"
    assert boulangerie.legal_category == "5499"
    assert boulangerie.head_office_nic == "00012"
    assert boulangerie.is_active
    assert Company.objects.get(siren=FERMEE_SIREN).state == "C"


@pytest.mark.django_db
def test_individual_entrepreneur_is_named_first_name_last_name():
    import_sirene_legal_units(LEGAL_UNITS)

    assert Company.objects.get(siren="815490271").name == "MARIE LEFEBVRE"


@pytest.mark.django_db
def test_sigle_names_a_company_without_denomination_nor_person_name(tmp_path):
    path = legal_unit_file(
        tmp_path, **{"753209188": {"denominationUniteLegale": "", "sigleUniteLegale": "BEH"}}
    )

    import_sirene_legal_units(path)

    assert Company.objects.get(siren="753209188").name == "BEH"


@pytest.mark.django_db
def test_bad_legal_unit_rows_are_reported_and_skipped(tmp_path):
    path = legal_unit_file(
        tmp_path,
        **{
            "802954784": {"siren": "802954785"},  # wrong checksum
            "512345679": {"siren": "51234567"},  # 8 digits
            "428173652": {"denominationUniteLegale": ""},  # no name at all
            "390123453": {"etatAdministratifUniteLegale": "X"},
        },
    )

    result = import_sirene_legal_units(path)

    assert result.read == 19
    assert result.imported == 15
    assert [line for line, _reason in result.rejected] == [2, 3, 4, 5]
    reasons = dict(result.rejected)
    assert "clé de contrôle incorrecte" in reasons[2]
    assert "9 chiffres" in reasons[3]
    assert "aucun nom" in reasons[4]
    assert "état administratif" in reasons[5]
    assert Company.objects.count() == 15
    assert not Company.objects.filter(siren__in=["802954785", "428173652"]).exists()


@pytest.mark.django_db
def test_progress_is_called_after_each_batch():
    counts = []

    result = import_sirene_legal_units(LEGAL_UNITS, batch_size=5, progress=counts.append)

    assert counts == [5, 10, 15, 19]
    assert result.imported == Company.objects.count() == 19


# --- Sirene: establishments --------------------------------------------------------------------


@pytest.mark.django_db
def test_establishments_sample_is_imported():
    import_sirene_legal_units(LEGAL_UNITS)

    result = import_sirene_establishments(ESTABLISHMENTS)

    assert (result.read, result.imported, result.rejected) == (24, 24, [])
    assert Establishment.objects.count() == 24
    assert Company.objects.count() == 19  # no company created: all legal units are known
    paris = Establishment.objects.get(siret=BOULANGERIE_PARIS)
    assert paris.company.siren == BOULANGERIE_SIREN
    assert paris.is_head_office
    assert paris.is_active
    assert (paris.postal_code, paris.city) == ("75011", "PARIS")
    assert paris.address == "27 RUE DE LA FOLIE MERICOURT"
    assert paris.naf == "10.71C"
    assert paris.headcount_band == "03"
    assert paris.name == ""
    assert paris.display_name == "BOULANGERIE DES LILAS"
    montreuil = Establishment.objects.get(siret=BOULANGERIE_MONTREUIL)
    assert not montreuil.is_head_office
    assert montreuil.name == "LES LILAS MONTREUIL"
    assert montreuil.address == "45 B RUE DE PARIS"
    assert (montreuil.postal_code, montreuil.city) == ("93100", "MONTREUIL")
    villeurbanne = Establishment.objects.get(siret=ATELIERS_VILLEURBANNE)
    assert villeurbanne.state == "F"
    assert not villeurbanne.is_active
    assert villeurbanne.address_complement == "ZONE ARTISANALE DES BRUYERES"
    assert Establishment.objects.get(siret=FERMEE).state == "F"
    assert Establishment.objects.active().count() == 22
    assert Establishment.objects.get(siret=INCONNUE).member_number == ""


@pytest.mark.django_db
def test_establishment_without_legal_unit_gets_a_minimal_company():
    result = import_sirene_establishments(ESTABLISHMENTS)

    assert result.imported == 24
    assert Company.objects.count() == 19
    assert Company.objects.get(siren="428173652").name == "HOTEL DU PORT"  # its enseigne
    assert Company.objects.get(siren=BOULANGERIE_SIREN).name == "LES LILAS MONTREUIL"
    assert Company.objects.get(siren="390123453").name == "390123453"  # nothing better known

    import_sirene_legal_units(LEGAL_UNITS)

    assert Company.objects.count() == 19
    assert Company.objects.get(siren="428173652").name == "HOTEL DU PORT FICTIF"
    assert (
        Establishment.objects.get(siret=BOULANGERIE_PARIS).company.name == "BOULANGERIE DES LILAS"
    )


@pytest.mark.django_db
def test_malformed_lines_are_reported_and_the_rest_imported():
    result = import_sirene_establishments(MALFORMED)

    assert result.read == 5
    assert result.imported == 3
    assert [line for line, _reason in result.rejected] == [4, 6]
    reasons = dict(result.rejected)
    assert "clé de contrôle incorrecte" in reasons[4]
    assert "siret" in reasons[6]
    assert set(Establishment.objects.values_list("siret", flat=True)) == {
        "42817365200010",
        "39012345300016",
        FORMAPRO,
    }


@pytest.mark.django_db
def test_siren_must_match_the_siret(tmp_path):
    header, rows = read_sample(ESTABLISHMENTS)
    rows[0]["siren"] = "512345679"
    path = write_csv(tmp_path / "etab.csv", header, rows)

    result = import_sirene_establishments(path)

    assert result.rejected == [(2, "le SIREN ne correspond pas aux 9 premiers chiffres du SIRET.")]


@pytest.mark.django_db
def test_columns_in_another_order_and_extra_columns_are_fine(tmp_path):
    header, rows = read_sample(ESTABLISHMENTS)
    new_header = [
        "activitePrincipaleNAF25Etablissement",
        *reversed(header),
        "dernierNumeroVoieEtablissement",
    ]
    for row in rows:
        row["activitePrincipaleNAF25Etablissement"] = "10.71G"
        row["dernierNumeroVoieEtablissement"] = "99"
    path = write_csv(tmp_path / "etab.csv", new_header, rows)

    result = import_sirene_establishments(path)

    assert (result.imported, result.rejected) == (24, [])
    paris = Establishment.objects.get(siret=BOULANGERIE_PARIS)
    assert paris.address == "27 RUE DE LA FOLIE MERICOURT"
    assert paris.naf == "10.71C"
    assert paris.is_head_office


@pytest.mark.django_db
def test_missing_required_column_stops_the_import(tmp_path):
    header, rows = read_sample(ESTABLISHMENTS)
    header = [name for name in header if name not in {"siret", "etatAdministratifEtablissement"}]
    for row in rows:
        del row["siret"], row["etatAdministratifEtablissement"]
    path = write_csv(tmp_path / "etab.csv", header, rows)

    with pytest.raises(ImportFileError) as error:
        import_sirene_establishments(path)

    assert "siret, etatAdministratifEtablissement" in str(error.value)
    assert not Establishment.objects.exists()


@pytest.mark.django_db
def test_sirene_reimport_is_idempotent_and_keeps_the_opco_fields(opco_sample):
    before = list(Establishment.objects.order_by("siret").values())

    legal_units = import_sirene_legal_units(LEGAL_UNITS)
    establishments = import_sirene_establishments(ESTABLISHMENTS)

    assert (legal_units.imported, establishments.imported) == (19, 24)
    assert Company.objects.count() == 19
    assert Establishment.objects.count() == 24
    assert KnownContact.objects.count() == 3
    after = list(Establishment.objects.order_by("siret").values())
    for row in before + after:
        del row["updated_at"]
    assert after == before
    paris = Establishment.objects.get(siret=BOULANGERIE_PARIS)
    assert (paris.member_number, paris.idcc, paris.branch) == (
        "12927.001",
        "0843",
        "Boulangerie-pâtisserie",
    )
    formapro = Establishment.objects.get(siret=FORMAPRO)
    assert (formapro.provider_number, formapro.nda) == ("OF33457", "75330123433")
    assert formapro.qualiopi_valid_until == datetime.date(2027, 12, 31)


@pytest.mark.django_db
def test_sirene_update_changes_directory_fields(sirene_sample, tmp_path):
    header, rows = read_sample(ESTABLISHMENTS)
    rows[0].update(etatAdministratifEtablissement="F", libelleVoieEtablissement="OBERKAMPF")
    path = write_csv(tmp_path / "etab.csv", header, rows[:1])

    import_sirene_establishments(path)

    paris = Establishment.objects.get(siret=BOULANGERIE_PARIS)
    assert paris.state == "F"
    assert paris.address == "27 RUE OBERKAMPF"


# --- OPCO data -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_opco_sample_is_imported(sirene_sample):
    result = import_opco_data(OPCO)

    assert (result.read, result.imported, result.rejected) == (7, 7, [])
    assert Establishment.objects.get(siret=BOULANGERIE_MONTREUIL).member_number == "12927.002"
    assert Establishment.objects.get(siret=ATELIERS_LYON).member_number == "10458.001"
    assert Establishment.objects.get(siret=ATELIERS_VILLEURBANNE).member_number == ""
    cfa = Establishment.objects.get(siret=CFA)
    assert cfa.provider_number == "OF35210"
    assert cfa.uai == "0351234B"
    assert cfa.nda == "53350876535"
    assert cfa.idcc == "1516"
    assert cfa.qualiopi_categories == "actions de formation par apprentissage"
    assert cfa.qualiopi_valid_until == datetime.date(2028, 6, 30)  # written 30/06/2028
    assert Establishment.objects.known_as("member").count() == 5
    assert Establishment.objects.known_as("provider").count() == 2
    # Directory fields are untouched.
    assert cfa.city == "RENNES"
    assert cfa.is_head_office


@pytest.mark.django_db
def test_bad_opco_lines_are_rejected(sirene_sample, tmp_path):
    path = write_text(
        tmp_path / "opco.csv",
        "\n".join(
            [
                OPCO_HEADER,
                f"{BOULANGERIE_PARIS};12927.001;;Boulangerie-pâtisserie;843;;;;",
                f"{ATELIERS_LYON};10458.001;;;abcd;;;;",
                f"{CFA};;OF35210;;1516;53350876535;0351234C;;",
                f"{FORMAPRO};;OF33457;;1516;7533012343;;;",
                "42817365200010;20331.001;;;;;;;31/31/2027",
                "44890213000013;99999.001;;;;;;;",
                "48812307600017;12927.001;;;;;;;",
                "12345678901234;;;;;;;;",
            ]
        ),
    )

    result = import_opco_data(path)

    assert result.read == 8
    assert result.imported == 2
    reasons = dict(result.rejected)
    assert sorted(reasons) == [3, 4, 5, 6, 8, 9]
    assert "IDCC" in reasons[3]
    assert "UAI" in reasons[4]
    assert "déclaration d'activité" in reasons[5]
    assert "date invalide" in reasons[6]
    assert "déjà attribué" in reasons[8]  # 12927.001 is the Paris bakery's
    assert "SIRET" in reasons[9]
    assert Establishment.objects.get(siret=BOULANGERIE_PARIS).idcc == "0843"  # padded
    assert Establishment.objects.get(siret="44890213000013").member_number == "99999.001"
    assert Establishment.objects.get(siret="48812307600017").member_number == ""
    assert Establishment.objects.get(siret=CFA).uai == ""


@pytest.mark.django_db
def test_unknown_siret_in_opco_data_is_rejected(tmp_path):
    path = write_text(tmp_path / "opco.csv", f"{OPCO_HEADER}\n{INCONNUE};77777.001;;;;;;;\n")

    result = import_opco_data(path)

    assert result.imported == 0
    assert result.rejected == [
        (2, "SIRET inconnu : importez d'abord le fichier Sirene des établissements.")
    ]


@pytest.mark.django_db
def test_opco_file_is_the_reference_an_empty_cell_empties_the_field(opco_sample, tmp_path):
    path = write_text(tmp_path / "opco.csv", f"{OPCO_HEADER}\n{BOULANGERIE_PARIS};;;;;;;;\n")

    import_opco_data(path)

    paris = Establishment.objects.get(siret=BOULANGERIE_PARIS)
    assert (paris.member_number, paris.idcc, paris.branch) == ("", "", "")
    assert paris.city == "PARIS"


@pytest.mark.django_db
def test_opco_data_with_bom_and_commas(sirene_sample, tmp_path):
    path = tmp_path / "opco.csv"
    path.write_text(
        OPCO_HEADER.replace(";", ",") + f"\n{INCONNUE},77777.001,,,1486,,,,\n", encoding="utf-8-sig"
    )

    result = import_opco_data(path)

    assert result.rejected == []
    assert Establishment.objects.get(siret=INCONNUE).member_number == "77777.001"


@pytest.mark.django_db
def test_opco_import_twice_gives_the_same_rows(opco_sample):
    before = list(Establishment.objects.order_by("siret").values())

    result = import_opco_data(OPCO)

    assert (result.imported, result.rejected) == (7, [])
    after = list(Establishment.objects.order_by("siret").values())
    for row in before + after:
        del row["updated_at"]
    assert after == before


# --- Known contacts ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_known_contacts_sample_is_imported(sirene_sample):
    result = import_known_contacts(CONTACTS)

    assert (result.read, result.imported, result.rejected) == (3, 3, [])
    claire = KnownContact.objects.filter(email="claire.dupont@boulangerie-des-lilas.fr")
    assert sorted(claire.values_list("establishment__siret", flat=True)) == [
        BOULANGERIE_PARIS,
        BOULANGERIE_MONTREUIL,
    ]
    contact = claire.get(establishment__siret=BOULANGERIE_PARIS)
    assert contact.profile == "member"
    assert (contact.civility, contact.first_name, contact.last_name) == ("Mme", "Claire", "Dupont")
    assert [name for name, granted in contact.rights().items() if granted] == [
        "can_view_training",
        "can_edit_training",
        "can_view_invoices",
    ]
    paul = KnownContact.objects.get(email="paul.martin@formapro-conseil.fr")
    assert paul.profile == "provider"
    assert paul.establishment.siret == FORMAPRO
    assert not any(paul.rights().values())


@pytest.mark.django_db
def test_known_contacts_import_is_an_upsert(opco_sample, tmp_path):
    path = write_text(
        tmp_path / "contacts.csv",
        f"{CONTACT_HEADER}\n"
        f"Claire.Dupont@Boulangerie-des-Lilas.fr;{BOULANGERIE_PARIS};member;Madame;Dupont;Claire;Gérante;"
        "oui;non;true;false;1;0;;;OUI\n",
    )

    result = import_known_contacts(path)

    assert (result.imported, result.rejected) == (1, [])
    assert KnownContact.objects.count() == 3
    contact = KnownContact.objects.get(
        email="claire.dupont@boulangerie-des-lilas.fr", establishment__siret=BOULANGERIE_PARIS
    )
    assert contact.civility == "Mme"
    assert contact.rights() == {
        "can_view_training": True,
        "can_edit_training": False,
        "can_view_apprenticeship": True,
        "can_edit_apprenticeship": False,
        "can_view_professionalisation": True,
        "can_edit_professionalisation": False,
        "can_view_invoices": False,
        "can_manage_bank_details": False,
        "is_admin": True,
    }


@pytest.mark.django_db
def test_bad_known_contact_lines_are_rejected_without_personal_data(sirene_sample, tmp_path):
    rights = ";0" * 9
    path = write_text(
        tmp_path / "contacts.csv",
        "\n".join(
            [
                CONTACT_HEADER,
                f"jean.valjean@exemple;{FORMAPRO};provider;M.;Valjean;Jean;;{rights[1:]}",
                f"jean.valjean@exemple.fr;{FORMAPRO};admin;M.;Valjean;Jean;;{rights[1:]}",
                f"jean.valjean@exemple.fr;{FORMAPRO};provider;M.;Valjean;Jean;;peut-être{rights[2:]}",
                f"jean.valjean@exemple.fr;12345678901234;provider;M.;Valjean;Jean;;{rights[1:]}",
                f"jean.valjean@exemple.fr;{INCONNUE};member;M.;Valjean;Jean;;{rights[1:]}",
                f"jean.valjean@exemple.fr;{FORMAPRO};provider;M.;Valjean;Jean;;{rights[1:]}",
            ]
        ),
    )

    result = import_known_contacts(path)

    assert result.read == 6
    assert result.imported == 2
    reasons = dict(result.rejected)
    assert sorted(reasons) == [2, 3, 4, 5]
    assert reasons[2] == "adresse e-mail invalide."
    assert "profil" in reasons[3]
    assert "can_view_training" in reasons[4]
    assert "SIRET" in reasons[5]
    for reason in reasons.values():
        assert "valjean" not in reason.lower()
    assert KnownContact.objects.filter(email="jean.valjean@exemple.fr").count() == 2


# --- Management commands -----------------------------------------------------------------------


@pytest.mark.django_db
def test_import_sirene_command_prints_progress_and_summary():
    out = run(
        "import_sirene",
        legal_units=str(LEGAL_UNITS),
        establishments=str(ESTABLISHMENTS),
        batch_size=10,
    )

    assert "10 lignes lues…" in out
    assert "19 lignes lues…" in out
    assert "Unités légales : lignes lues : 19, importées : 19, rejetées : 0." in out
    assert "Établissements : lignes lues : 24, importées : 24, rejetées : 0." in out
    assert Establishment.objects.count() == 24


@pytest.mark.django_db
def test_import_sirene_command_lists_rejected_lines():
    out = run("import_sirene", "--establishments", str(MALFORMED))

    assert "importées : 3, rejetées : 2." in out
    assert "Lignes rejetées :" in out
    assert "  ligne 4 : Ce numéro SIRET n'est pas valide" in out
    assert "  ligne 6 : valeur manquante dans la colonne « siret »." in out


@pytest.mark.django_db
def test_import_command_shows_at_most_50_rejected_lines(tmp_path):
    header, rows = read_sample(ESTABLISHMENTS)
    bad = [{**rows[0], "siret": f"{n:05d}"} for n in range(53)]
    path = write_csv(tmp_path / "etab.csv", header, bad + rows[:2])

    out = run("import_sirene", "--establishments", str(path), "--batch-size", "20")

    assert "lignes lues : 55, importées : 2, rejetées : 53." in out
    assert "  ligne 51 :" in out
    assert "  ligne 52 :" not in out
    assert "  … et 3 autres" in out
    assert "20 lignes lues…" in out
    assert "55 lignes lues…" in out


def test_large_counts_are_grouped_by_thousands():
    from monespace.organizations.management.commands._import_base import thousands

    assert thousands(12000) == "12 000"
    assert thousands(1234567) == "1 234 567"
    assert thousands(999) == "999"


@pytest.mark.django_db
def test_import_sirene_command_missing_file():
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run("import_sirene", "--legal-units", "/nonexistent/StockUniteLegale_utf8.csv")


@pytest.mark.django_db
def test_import_sirene_command_needs_a_file():
    with pytest.raises(CommandError, match="--legal-units"):
        run("import_sirene")


@pytest.mark.django_db
def test_import_sirene_command_missing_column(tmp_path):
    path = write_text(tmp_path / "ul.csv", "siren,denominationUniteLegale\n802954784,BOULANGERIE\n")

    with pytest.raises(CommandError) as error:
        run("import_sirene", "--legal-units", str(path))

    message = str(error.value)
    assert message.startswith("Colonnes manquantes dans l'en-tête de ul.csv : ")
    assert "etatAdministratifUniteLegale" in message
    assert "nicSiegeUniteLegale" in message
    assert "denominationUniteLegale" not in message
    assert not Company.objects.exists()


@pytest.mark.django_db
def test_import_sirene_command_refuses_an_empty_file(tmp_path):
    path = write_text(tmp_path / "ul.csv", "")

    with pytest.raises(CommandError, match="vide"):
        run("import_sirene", "--legal-units", str(path))


@pytest.mark.django_db
def test_import_sirene_command_refuses_a_file_not_in_utf8(tmp_path):
    header, rows = read_sample(LEGAL_UNITS)
    path = tmp_path / "ul.csv"
    with path.open("w", encoding="cp1252", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=header)
        writer.writeheader()
        writer.writerow({**rows[0], "denominationUniteLegale": "BOULANGERIE DES LILAS ÉTÉ"})

    with pytest.raises(CommandError, match="UTF-8"):
        run("import_sirene", "--legal-units", str(path))


@pytest.mark.django_db
def test_import_opco_data_command(sirene_sample):
    out = run("import_opco_data", str(OPCO))

    assert "Données de l'OPCO : lignes lues : 7, importées : 7, rejetées : 0." in out
    assert Establishment.objects.get(siret=BOULANGERIE_PARIS).member_number == "12927.001"


@pytest.mark.django_db
def test_import_opco_data_command_missing_column(sirene_sample, tmp_path):
    path = write_text(
        tmp_path / "opco.csv", f"siret;member_number\n{BOULANGERIE_PARIS};12927.001\n"
    )

    with pytest.raises(CommandError, match="provider_number, branch, idcc"):
        run("import_opco_data", str(path))


@pytest.mark.django_db
def test_import_known_contacts_command(sirene_sample, tmp_path):
    out = run("import_known_contacts", str(CONTACTS))

    assert "Contacts connus : lignes lues : 3, importées : 3, rejetées : 0." in out
    assert KnownContact.objects.count() == 3

    with pytest.raises(CommandError, match="Fichier introuvable"):
        run("import_known_contacts", str(tmp_path / "absent.csv"))
