"""« Générer le CERFA »: the apprenticeship contract as the form FA13 n° 10103, read back from
the PDF as a user would read it."""

import subprocess

import pytest

from monespace.core.formats import format_euros, format_percent
from monespace.dossiers.apprenticeship import rules
from monespace.dossiers.apprenticeship.cerfa import cerfa_context, render_cerfa
from monespace.dossiers.apprenticeship.layout import FUNDING_ASKED
from monespace.dossiers.models import ApprenticeshipContract, Dossier
from tests.factories import ContractFactory, ready_to_transmit

SECTION_TITLES = (
    "CONTRAT D'APPRENTISSAGE",
    "L'EMPLOYEUR",
    "L'APPRENTI(E)",
    "LE REPRÉSENTANT LÉGAL",
    "LE(S) MAÎTRE(S) D'APPRENTISSAGE",
    "LE CONTRAT",
    "Rémunération",
    "LA FORMATION",
    "SIGNATURES",
    "CADRE RÉSERVÉ À L'ORGANISME EN CHARGE DU DÉPÔT DU CONTRAT",
)


def plain(text):
    """No-break spaces as spaces: pdftotext gives some of them back as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def pdf_text(pdf, tmp_path):
    path = tmp_path / "cerfa.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return plain(text)


def fresh(dossier):
    """The dossier and its contract as saved (ready_to_transmit updates the hiring salary)."""
    return Dossier.objects.select_related("apprenticeship", "establishment").get(pk=dossier.pk)


@pytest.mark.django_db
def test_cerfa_shows_every_section_and_the_contract(tmp_path):
    dossier = fresh(ready_to_transmit(ContractFactory(submitted=True)))
    contract = dossier.apprenticeship
    lines = list(contract.pay_lines.all())
    assert lines

    pdf = render_cerfa(dossier)

    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    for title in SECTION_TITLES:
        assert title in text
    assert "10103*14" in text
    assert dossier.number in text
    assert "MARTIN" in text and "Léa" in text
    assert contract.employer_name in text
    assert dossier.establishment.siret in text
    assert "BERNARD" in text
    assert "BTS Management commercial opérationnel" in text
    assert "54 – BTS" in text and "1 – Française" in text  # codes with their CERFA label
    assert dossier.start_date.strftime("%d/%m/%Y") in text
    for line in lines:
        assert line.start.strftime("%d/%m/%Y") in text
        assert line.end.strftime("%d/%m/%Y") in text
        assert plain(format_percent(line.rate)) in text  # « 27 % »
        assert plain(format_euros(line.monthly_amount)) in text
    # The signed form carries the NIR in full.
    nir = contract.apprentice_nir
    assert f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}" in text
    assert "075202609NC0012" not in text


@pytest.mark.django_db
def test_cerfa_shows_the_deposit_frame_once_filled(tmp_path):
    dossier = fresh(ready_to_transmit(ContractFactory(submitted=True)))
    contract = dossier.apprenticeship
    contract.deca_number = "075202609NC0012"
    contract.complete_on = dossier.start_date
    contract.save(update_fields=["deca_number", "complete_on"])

    text = pdf_text(render_cerfa(fresh(dossier)), tmp_path)

    assert "N° de dépôt" in text
    assert "075202609NC0012" in text
    assert dossier.start_date.strftime("%d/%m/%Y") in text


@pytest.mark.django_db
def test_cerfa_of_a_minor_shows_the_legal_representative(tmp_path):
    dossier = fresh(ContractFactory(apprenticeship__minor=True))

    text = pdf_text(render_cerfa(dossier), tmp_path)

    assert "MARTIN Sophie" in text
    assert "brouillon" in text  # a draft has no number yet
    assert "La rémunération n'est pas encore calculée." in text


@pytest.mark.django_db
def test_cerfa_of_an_adult_leaves_the_legal_representative_blank():
    dossier = fresh(ContractFactory())

    guardian = cerfa_context(dossier)["sections"][2]

    assert guardian.letter == "C"
    assert [value for part in guardian.parts for _label, value in part.fields] == [""] * len(
        rules.STEP_FIELDS[rules.STEP_GUARDIAN]
    )


@pytest.mark.django_db
def test_cerfa_prints_every_field_of_the_steps_once():
    dossier = fresh(ContractFactory())
    context = cerfa_context(dossier)

    printed = [
        label
        for section in context["sections"]
        for part in section.parts
        for label, _ in part.fields
    ]

    # Sections A to F hold every field of their steps, plus the employer's SIRET and the
    # hiring salary (G and H are laid out apart).
    # What the CFA asks on top of the NPEC is not on the CERFA.
    steps = [step for step in rules.STEP_FIELDS if step != rules.STEP_SIGNATURES]
    fields = sum(len(rules.STEP_FIELDS[step]) for step in steps) - len(FUNDING_ASKED)
    assert len(printed) == fields + 2
    asked = {
        str(ApprenticeshipContract._meta.get_field(name).verbose_name).lower()
        for name in FUNDING_ASKED
    }
    assert len(asked) == 4 and not asked & {str(label).lower() for label in printed}
    assert [section.letter for section in context["sections"]] == ["A", "B", "C", "D", "E", "F"]
