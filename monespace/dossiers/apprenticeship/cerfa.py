"""« Générer le CERFA »: the apprenticeship contract printed as the official form FA13 (n° 10103),
its sections A to H in the form's order, each field a label and a boxed value, ready for the
parties to sign.

The fields, their order and their blocks are the CERFA layout the entry forms use
(layout.SECTIONS); codes are shown as « code – label » from the lists of the CERFA version the
contract was entered under. The NIR is printed in full: the signed form is the document
deposited with the OPCO.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from monespace.core.formats import format_euros, format_hours, format_number, format_percent
from monespace.core.identifiers import mask_nir
from monespace.core.pdf import render_pdf
from monespace.dossiers.apprenticeship import rules
from monespace.dossiers.apprenticeship.layout import CODE_LISTS, FUNDING_ASKED, LABELS, SECTIONS
from monespace.dossiers.models import ApprenticeshipContract
from monespace.referentials.selectors import cerfa_label

if TYPE_CHECKING:
    from monespace.dossiers.models import Dossier

TEMPLATE = "dossiers/cerfa_apprenticeship.html"
# Not a field of the contract: the employer's SIRET is the dossier's establishment's.
ESTABLISHMENT_SIRET = "establishment_siret"
# Boxes of the form that are no step's field, printed after the field named.
EXTRA_AFTER = {"employer_name": ESTABLISHMENT_SIRET, "smc": "hiring_salary"}
AMOUNTS = frozenset({"hiring_salary", "smc", "benefit_food", "benefit_housing"})


@dataclass(frozen=True)
class Part:
    """A block of a section (« Maître d'apprentissage n° 1 »): its (label, value) pairs."""

    title: str
    fields: list[tuple[str, str]]


@dataclass(frozen=True)
class Section:
    """A lettered section of the form (« A. L'EMPLOYEUR »)."""

    letter: str
    title: str
    parts: list[Part]


def cerfa_context(dossier: Dossier, *, full_nir: bool = True) -> dict[str, Any]:
    """What the CERFA template shows, every value already formatted in French. ``full_nir``:
    the NIR in full (the form to sign, for those who enter the contract and the OPCO), masked
    otherwise."""
    contract: ApprenticeshipContract = dossier.apprenticeship
    has_guardian = any(getattr(contract, name) for name in rules.STEP_FIELDS[rules.STEP_GUARDIAN])
    titles = {
        rules.STEP_EMPLOYER: ("A", _("L'EMPLOYEUR")),
        rules.STEP_APPRENTICE: ("B", _("L'APPRENTI(E)")),
        rules.STEP_GUARDIAN: ("C", _("LE REPRÉSENTANT LÉGAL")),
        rules.STEP_MASTERS: ("D", _("LE(S) MAÎTRE(S) D'APPRENTISSAGE")),
        rules.STEP_CONTRACT: ("E", _("LE CONTRAT")),
        rules.STEP_TRAINING: ("F", _("LA FORMATION")),
    }
    sections = []
    for step, (letter, title) in titles.items():
        # Section C stays blank, as on the paper form, when there is no legal representative.
        blank = step == rules.STEP_GUARDIAN and not has_guardian
        sections.append(
            Section(letter, title, _parts(dossier, contract, step, blank=blank, full_nir=full_nir))
        )
    return {
        "dossier": dossier,
        "cerfa_version": contract.cerfa_version,
        "sections": sections,
        "pay_lines": [
            {
                "order": line.order,
                "start": _format(line.start),
                "end": _format(line.end),
                "rate": format_percent(line.rate),
                "base": line.get_base_display(),
                "monthly_amount": format_euros(line.monthly_amount),
            }
            for line in contract.pay_lines.all()
        ],
        "signature_place": contract.signature_place,
        "signature_date": _format(contract.conclusion_date),
        "pieces_attested": contract.pieces_attested,
        "pieces_attested_label": capfirst(_verbose_name("pieces_attested")),
        "reserved": [
            (_label(name), _value(dossier, contract, name))
            for name in ("complete_on", "decided_on", "deca_number")
        ],
    }


def render_cerfa(dossier: Dossier, *, full_nir: bool = True) -> bytes:
    """The CERFA FA13 of an apprenticeship dossier, as a PDF of two or three A4 pages."""
    return render_pdf(TEMPLATE, cerfa_context(dossier, full_nir=full_nir))


def _parts(
    dossier: Dossier,
    contract: ApprenticeshipContract,
    step: str,
    *,
    blank: bool,
    full_nir: bool = True,
) -> list[Part]:
    """The step's fieldsets; a step of one fieldset needs no block title. ``blank`` prints
    the labels with empty boxes."""
    # What the CFA asks on top of the NPEC is not on the CERFA (it goes with the convention).
    fieldsets = [(legend, names) for legend, names in SECTIONS[step] if names != FUNDING_ASKED]
    return [
        Part(
            str(legend) if len(fieldsets) > 1 else "",
            [
                (_label(name), "" if blank else _value(dossier, contract, name, full_nir))
                for name in _with_extras(names)
            ],
        )
        for legend, names in fieldsets
    ]


def _with_extras(names: tuple[str, ...]) -> list[str]:
    result = []
    for name in names:
        result.append(name)
        if name in EXTRA_AFTER:
            result.append(EXTRA_AFTER[name])
    return result


def _label(name: str) -> str:
    if name == ESTABLISHMENT_SIRET:
        return _("N° SIRET de l'établissement d'exécution du contrat")
    if name in LABELS:
        return str(LABELS[name])
    return capfirst(_verbose_name(name))


def _verbose_name(name: str) -> str:
    field = ApprenticeshipContract._meta.get_field(name)
    assert isinstance(field, models.Field)  # a column of the contract, not a relation
    return str(field.verbose_name)


def _value(
    dossier: Dossier, contract: ApprenticeshipContract, name: str, full_nir: bool = True
) -> str:
    if name == ESTABLISHMENT_SIRET:
        return dossier.establishment.siret
    if name in rules.DOSSIER_FIELDS:
        return _format(getattr(dossier, name))
    value = getattr(contract, name)
    if name in CODE_LISTS:
        return cerfa_label(contract.cerfa_version, CODE_LISTS[name], value)
    if name == "apprentice_nir":
        return _nir(value) if full_nir else mask_nir(value)
    if name in AMOUNTS:
        return format_euros(value)
    return _format(value)


def _nir(number: str) -> str:
    """« 2 05 03 75 111 123 45 »: in full, grouped as on a carte Vitale."""
    if len(number) != 15:
        return number
    return " ".join(
        (number[0], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13], number[13:])
    )


def _format(value: object) -> str:
    """A field's value as the form shows it: dd/mm/yyyy, « Oui »/« Non », French numbers."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format_hours(value)
    if isinstance(value, int):
        return format_number(value, 0)
    return str(value)
