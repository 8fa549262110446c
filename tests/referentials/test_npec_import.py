"""``import_npec``: France compétences' referential in its published shape, every edition kept,
rows that cannot be read reported with their reason and left out, the same file twice changes
nothing, a file that is not the referential imports nothing."""

from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from monespace.dossiers.funding.apprenticeship import find_npec
from monespace.referentials import npec, npec_sample
from monespace.referentials.models import CpneAgreement, NpecEdition, NpecLevel

pytestmark = pytest.mark.django_db


def test_the_sample_imports_and_reports_what_it_leaves_out(tmp_path, capsys):
    path = tmp_path / "Referentiel-des-NPEC.xlsx"
    npec_sample.write(path)
    call_command("import_npec", str(path))
    out = capsys.readouterr().out
    assert "8 NPEC, 3 IDCC, 2 lignes rejetées" in out
    assert "ligne 13 rejetée : NPEC non fixé (« NC »)" in out
    assert "code RNCP mal formé (« RNCP3600X »)" in out
    level = NpecLevel.objects.get(rncp="RNCP37606", cpne_code="120")
    assert (level.amount, level.applicable_from, level.status) == (
        Decimal("7458.00"),
        date(2024, 7, 15),
        "CPNE",
    )
    assert level.title == "Boulanger" and level.diploma_type == "CAP"
    found, cpnes = find_npec("RNCP37606", "0843", date(2025, 9, 1))
    assert found == level and cpnes == ["120"]
    assert find_npec("RNCP37606", "0843", date(2024, 7, 14))[0] is None  # not yet applicable
    # The same file again: nothing new.
    call_command("import_npec", str(path))
    assert "déjà importé" in capsys.readouterr().out
    assert NpecEdition.objects.count() == 1 and NpecLevel.objects.count() == 8


def test_a_later_edition_is_kept_beside_the_first_and_applies_from_its_date(tmp_path):
    first, second = tmp_path / "2024.xlsx", tmp_path / "2025.xlsx"
    npec_sample.write(first)
    npec_sample.write(second, applicable=date(2025, 9, 1))
    npec.import_file(first)
    # Same rows, a later date of applicability: a second edition, amounts by date.
    report = npec.import_file(second)
    assert not report.already and NpecEdition.objects.count() == 2
    level = NpecLevel.objects.filter(edition=report.edition, rncp="RNCP37606").first()
    level.amount = Decimal("7800")
    level.save()
    assert find_npec("RNCP37606", "0843", date(2025, 8, 31))[0].amount == Decimal("7458.00")
    assert find_npec("RNCP37606", "0843", date(2025, 9, 1))[0].amount == Decimal("7800.00")


def _book(path, levels_rows, agreement_rows, *, levels_sheet=npec.LEVELS_SHEET):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet(levels_sheet)
    sheet.write_row(3, 0, npec_sample.HEADER)
    for index, row in enumerate(levels_rows):
        sheet.write_row(4 + index, 0, row)
    agreements = book.add_worksheet(npec.AGREEMENTS_SHEET)
    agreements.write_row(0, 0, ["Code CPNE", "CPNE", "IDCC"])
    for index, row in enumerate(agreement_rows):
        agreements.write_row(1 + index, 0, row)
    book.close()


@pytest.mark.parametrize("batch", [5000, 2])
def test_older_shapes_and_odd_cells(tmp_path, monkeypatch, batch):
    """The same outcome whether a duplicate falls in the batch being read or in one written
    already."""
    monkeypatch.setattr(npec, "BATCH", batch)
    path = tmp_path / "odd.xlsx"
    _book(
        path,
        [
            ["RNCP100/RNCP200", "Deux codes", "", "TP", "7", "CPNE 7", "8 500,50", "R", 45488],
            ["300", "Code nu", "", "TP", "7", "CPNE 7", 6000, "A", "01/09/2024"],
            ["RNCP400", "Montant", "", "TP", "7", "CPNE 7", "NR", "", 45488],
            ["RNCP500", "Date", "", "TP", "7", "CPNE 7", 6000, "", "bientôt"],
            ["RNCP600", "CPNE", "", "TP", "", "", 6000, "", 45488],
            ["RNCP700", "Négatif", "", "TP", "7", "CPNE 7", -5, "", 45488],
            ["RNCP300", "Doublon", "", "TP", "7", "CPNE 7", 6100, "A", 45488],
        ],
        [["7", "CPNE 7", 478], ["7", "CPNE 7", "12AB"]],
    )
    report = npec.import_file(path)
    assert sorted(NpecLevel.objects.values_list("rncp", "amount")) == [
        ("RNCP100", Decimal("8500.50")),
        ("RNCP200", Decimal("8500.50")),
        ("RNCP300", Decimal("6000.00")),
    ]
    assert NpecLevel.objects.get(rncp="RNCP100").applicable_from == date(2024, 7, 15)
    assert list(CpneAgreement.objects.values_list("idcc", flat=True)) == ["0478"]
    assert report.rejected_count == len(report.rejected) == 6
    reasons = " | ".join(reason for _sheet, _row, reason in report.rejected)
    for expected in (
        "NPEC non fixé",
        "date d'applicabilité illisible",
        "code CPNE absent",
        "montant hors limites",
        "en double",
        "IDCC mal formé",
    ):
        assert expected in reasons


def test_a_file_that_is_not_the_referential_imports_nothing(tmp_path):
    wrong_sheet = tmp_path / "wrong.xlsx"
    _book(wrong_sheet, [["RNCP1", "x", "", "", "7", "", 1, "", 45488]], [], levels_sheet="Autre")
    with pytest.raises(CommandError, match="Onglet 3 - référentiel NPEC"):
        call_command("import_npec", str(wrong_sheet))
    no_column = tmp_path / "columns.xlsx"
    book = xlsxwriter.Workbook(str(no_column))
    book.add_worksheet(npec.LEVELS_SHEET).write_row(0, 0, ["RNCP", "Libellé"])
    book.add_worksheet(npec.AGREEMENTS_SHEET).write_row(0, 0, ["Code CPNE", "CPNE", "IDCC"])
    book.close()
    with pytest.raises(CommandError, match="colonnes introuvables"):
        call_command("import_npec", str(no_column))
    all_bad = tmp_path / "bad.xlsx"
    _book(all_bad, [["X", "x", "", "", "7", "", "NC", "", ""]], [["7", "", "478"]])
    with pytest.raises(CommandError, match="Aucune ligne"):
        call_command("import_npec", str(all_bad))
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"%PDF-1.4 not a workbook")
    with pytest.raises(CommandError, match="pas un classeur"):
        call_command("import_npec", str(fake))
    with pytest.raises(CommandError, match="illisible"):
        call_command("import_npec", str(tmp_path / "absent.xlsx"))
    assert not NpecEdition.objects.exists() and not CpneAgreement.objects.exists()


def test_an_older_edition_with_the_procedure_year(tmp_path):
    path = tmp_path / "2022.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet(npec.LEVELS_SHEET)
    sheet.write_row(
        0, 0, ["Code RNCP", "Intitulé", "Code CPNE", "CPNE", "Valeur finale", "Statut", "Procédure"]
    )
    sheet.write_row(1, 0, ["RNCP1002", "Caoutchouc", "2", "CNPE", 9497, "R", "2021"])
    sheet.write_row(2, 0, ["RNCP1003", "Autre", "2", "CNPE", 8000, "R", "à venir"])
    book.add_worksheet(npec.AGREEMENTS_SHEET).write_row(0, 0, ["Code CPNE", "CPNE", "IDCC"])
    book.close()
    report = npec.import_file(path)
    level = NpecLevel.objects.get()
    assert (level.rncp, level.amount, level.applicable_from) == (
        "RNCP1002",
        Decimal("9497.00"),
        date(2021, 9, 1),
    )
    assert "année de procédure illisible" in report.rejected[0][2]


def test_a_missing_date_column_is_named(tmp_path):
    path = tmp_path / "nodate.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet(npec.LEVELS_SHEET).write_row(
        0, 0, ["RNCP", "Libellé", "Code CPNE", "CPNE", "NPEC final", "Statut"]
    )
    book.add_worksheet(npec.AGREEMENTS_SHEET).write_row(0, 0, ["Code CPNE", "CPNE", "IDCC"])
    book.close()
    with pytest.raises(npec.NpecFileError, match=r"\(applicable_from / procedure\)"):
        npec.import_file(path)
