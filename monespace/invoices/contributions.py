"""Import of the OPCO's contributions file (« Collecte »): one row per company (SIREN), year
and nature, with the base, the rate, the amounts called and paid. A row for a SIREN the
directory does not know, an unknown nature or a malformed amount is rejected with its reason;
importing the same file again changes nothing (a row replaces the one of the same company,
year and nature)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core.formats import parse_decimal
from monespace.core.identifiers import clean_siren
from monespace.organizations.enums import Profile
from monespace.organizations.importers import (
    DEFAULT_BATCH_SIZE,
    ImportResult,
    RowError,
    _clean,
    _parse_date,
    _required,
    _run,
)
from monespace.organizations.models import Company

from .models import Contribution, ContributionNature

COLUMNS = ("siren", "annee", "nature", "montant_appele", "montant_verse")
NATURES = {
    "legale": ContributionNature.LEGAL,
    "conventionnelle": ContributionNature.CONVENTIONAL,
    "volontaire": ContributionNature.VOLUNTARY,
    "cpf_cdd": ContributionNature.CPF_CDD,
    **{value: value for value in ContributionNature.values},
}


def _amount(row, column, *, required: bool) -> Decimal | None:
    value = row.get(column, "")
    if not value:
        if required:
            raise RowError(
                _("valeur manquante dans la colonne « %(column)s ».") % {"column": column}
            )
        return None
    try:
        amount = parse_decimal(value)
    except ValueError:
        raise RowError(
            _("montant illisible dans la colonne « %(column)s » : %(value)s.")
            % {"column": column, "value": value[:30]}
        ) from None
    # The columns hold 12 digits with 2 decimals (14 for the base).
    limit = Decimal("1e12") if column == "assiette" else Decimal("1e10")
    if amount < 0 or amount >= limit:
        raise RowError(
            _("montant hors limites dans la colonne « %(column)s ».") % {"column": column}
        )
    return (
        amount.quantize(Decimal("0.01")) if column != "taux" else amount.quantize(Decimal("0.001"))
    )


def _row(row) -> tuple[str, dict]:
    siren = _clean(clean_siren, _required(row, "siren"))
    year_text = _required(row, "annee")
    if not (year_text.isdigit() and 2000 <= int(year_text) <= 2099):
        raise RowError(_("année invalide : %(value)s.") % {"value": year_text[:10]})
    nature = NATURES.get(_required(row, "nature").strip().lower())
    if nature is None:
        raise RowError(
            _("nature inconnue (legale, conventionnelle, volontaire ou cpf_cdd attendue).")
        )
    rate = _amount(row, "taux", required=False)
    if rate is not None and rate > 100:
        raise RowError(_("taux supérieur à 100 %."))
    return siren, {
        "year": int(year_text),
        "nature": nature,
        "base": _amount(row, "assiette", required=False),
        "rate": rate,
        "called": _amount(row, "montant_appele", required=True),
        "paid": _amount(row, "montant_verse", required=True),
        "due_on": _parse_date(row.get("date_echeance", ""), "date_echeance"),
    }


@transaction.atomic
def _import_batch(batch, result: ImportResult) -> None:
    parsed = []
    for line_no, row in batch:
        try:
            parsed.append((line_no, *_row(row)))
        except RowError as error:
            result.reject(line_no, str(error))
    companies = dict(
        Company.objects.filter(siren__in={siren for _n, siren, _v in parsed}).values_list(
            "siren", "pk"
        )
    )
    now = timezone.now()
    # What was newly called, kept across the batches: told once, at the end of the import.
    called: dict[tuple[int, int, str], Contribution] = result.__dict__.setdefault("called", {})
    for line_no, siren, values in parsed:
        company_id = companies.get(siren)
        if company_id is None:
            result.reject(line_no, _("SIREN inconnu de l'annuaire : %(siren)s.") % {"siren": siren})
            continue
        year, nature = values.pop("year"), values.pop("nature")
        before = (
            Contribution.objects.filter(company_id=company_id, year=year, nature=nature)
            .values_list("called", flat=True)
            .first()
        )
        row, _created = Contribution.objects.update_or_create(
            company_id=company_id,
            year=year,
            nature=nature,
            defaults={**values, "imported_at": now},
        )
        result.imported += 1
        if (before is None or row.called > before) and row.called > row.paid:
            called[(company_id, year, nature)] = row
        else:
            called.pop((company_id, year, nature), None)


def _tell(company_id: int, rows: list[Contribution]) -> None:
    """The company's people who read its finances for the whole company are told of an amount
    called (by e-mail under the « Contribution formation » theme)."""
    from django.db.models import Q

    from monespace.core.formats import format_euros
    from monespace.notifications.services import notify
    from monespace.organizations.enums import MembershipStatus
    from monespace.organizations.models import Membership

    readers = {
        m.user.pk: m.user
        for m in Membership.objects.filter(
            company_id=company_id,
            profile=Profile.MEMBER,
            status=MembershipStatus.ACTIVE,
            establishments__isnull=True,
        )
        .filter(Q(is_admin=True) | Q(can_view_invoices=True))
        .select_related("user")
    }
    if not readers:
        return
    body = "\n".join(
        _("%(nature)s %(year)s : %(called)s appelés, %(outstanding)s restant à verser.")
        % {
            "nature": row.get_nature_display(),
            "year": row.year,
            "called": format_euros(row.called),
            "outstanding": format_euros(row.outstanding),
        }
        for row in rows
    )
    users = list(readers.values())
    transaction.on_commit(
        lambda: notify(
            users,
            title=_("Contribution à la formation appelée"),
            body=body,
            url="/collecte/",
            theme="contribution",
        )
    )


def import_contributions(
    path, *, batch_size=DEFAULT_BATCH_SIZE, progress: Callable[[int], None] | None = None
) -> ImportResult:
    result = _run(path, COLUMNS, _import_batch, batch_size=batch_size, progress=progress)
    by_company: dict[int, list[Contribution]] = {}
    for (company_id, _year, _nature), row in result.__dict__.get("called", {}).items():
        by_company.setdefault(company_id, []).append(row)
    for company_id, rows in by_company.items():
        _tell(company_id, rows)
    return result
