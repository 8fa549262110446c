"""The pieces seed 003 expects once an accorded training is over, and which are here.

The company's invoice of salaries and annex costs; the pedagogic costs' invoice (the
organisation's under subrogation, else the company's with the organisation's receipted
invoice); the attendance sheets; the certificat de réalisation. Shown on the dossier's
« Factures » tab and the back office's page, listed in the home page's to-do, and checked when
the OPCO closes the dossier. Computed for many dossiers at once: two queries whatever their
number."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from monespace.dossiers.enums import DossierKind, DossierState
from monespace.dossiers.models import Dossier
from monespace.invoices.lines import PEDAGOGIC_LINES
from monespace.invoices.models import InvoiceLine, InvoicePiece, InvoicePieceType, InvoiceState
from monespace.organizations.enums import Profile


def concerned(dossier: Dossier) -> bool:
    """Accorded training actions of the portal: a dossier taken over from the old portal has
    its invoices there (they are not imported), so nothing is expected here."""
    return (
        dossier.kind == DossierKind.TRAINING_ACTION
        and dossier.state == DossierState.APPROVED
        and dossier.taken_over_at is None
    )


def checklists(dossiers: Iterable[Dossier]) -> dict[int, list[tuple[str, bool]]]:
    """Per accorded training action: each expected piece and whether it was deposited (in an
    invoice that was not rejected). One query, the same rule as the to-do's (``_with_pieces``)."""
    ids = [d.pk for d in dossiers if concerned(d)]
    if not ids:
        return {}
    return {d.pk: _items_of(d) for d in _with_pieces(Dossier.objects.filter(pk__in=ids))}


def _with_pieces(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """``dossiers`` annotated with what was deposited: ``EXISTS`` tests on the invoices'
    indexed dossier column, rejected invoices left out."""
    lines = InvoiceLine.objects.filter(invoice__dossier=OuterRef("pk")).exclude(
        invoice__state=InvoiceState.REJECTED
    )
    pieces = InvoicePiece.objects.filter(invoice__dossier=OuterRef("pk")).exclude(
        invoice__state=InvoiceState.REJECTED
    )
    return dossiers.annotate(
        direct=F("training__direct_payment"),
        company_other=Exists(
            lines.filter(invoice__payee_profile=Profile.MEMBER).exclude(code__in=PEDAGOGIC_LINES)
        ),
        pedagogic_member=Exists(
            lines.filter(invoice__payee_profile=Profile.MEMBER, code__in=PEDAGOGIC_LINES)
        ),
        pedagogic_provider=Exists(
            lines.filter(invoice__payee_profile=Profile.PROVIDER, code__in=PEDAGOGIC_LINES)
        ),
        receipted=Exists(pieces.filter(piece_type=InvoicePieceType.RECEIPTED)),
        attendance=Exists(pieces.filter(piece_type=InvoicePieceType.ATTENDANCE)),
        completion=Exists(pieces.filter(piece_type=InvoicePieceType.COMPLETION)),
    )


def _items_of(dossier: Dossier) -> list[tuple[str, bool]]:
    """The checklist of a dossier annotated by ``_with_pieces``."""
    return _items(
        direct=dossier.direct,
        company_other=dossier.company_other,
        pedagogic=dossier.pedagogic_provider if dossier.direct else dossier.pedagogic_member,
        receipted=dossier.receipted,
        attendance=dossier.attendance,
        completion=dossier.completion,
    )


def _items(
    *,
    direct: bool,
    company_other: bool,
    pedagogic: bool,
    receipted: bool,
    attendance: bool,
    completion: bool,
) -> list[tuple[str, bool]]:
    items = [(_("Facture des salaires et des frais annexes (entreprise)"), company_other)]
    if direct:
        items.append((_("Facture des coûts pédagogiques de l'organisme de formation"), pedagogic))
    else:
        items.append(
            (
                _(
                    "Facture acquittée de l'organisme de formation et votre facture des "
                    "coûts pédagogiques"
                ),
                pedagogic and receipted,
            )
        )
    items.append((_("Feuilles d'émargement"), attendance))
    items.append((_("Certificat de réalisation"), completion))
    return items


def awaiting(dossiers: QuerySet[Dossier], *, today, limit: int = 10) -> list[tuple[Dossier, list]]:
    """The company's to-do: at most ``limit`` accorded trainings over before ``today`` among
    ``dossiers`` whose pieces the company deposits are not all here, the longest over first,
    each with the labels of what is missing — under subrogation the organisation's own invoice
    is its to-do, not the company's. One query."""
    found = (
        _with_pieces(
            dossiers.filter(
                state=DossierState.APPROVED,
                kind=DossierKind.TRAINING_ACTION,
                end_date__lt=today,
                taken_over_at__isnull=True,
            )
        )
        .filter(
            Q(company_other=False)
            | Q(attendance=False)
            | Q(completion=False)
            | Q(direct=False) & (Q(pedagogic_member=False) | Q(receipted=False))
        )
        .only("pk", "number", "title", "end_date")
        # No order in SQL: the first ``limit`` found end the scan (an order would test every
        # accorded training the user sees — 30,000 for a large company, 0.3 s); shown the
        # longest over first.
        .order_by()[:limit]
    )
    found = sorted(found, key=lambda d: (d.end_date, d.pk))
    result = []
    for dossier in found:
        items = _items_of(dossier)
        if dossier.direct:
            del items[1]  # the organisation's invoice: its own to-do
        result.append((dossier, [label for label, here in items if not here]))
    return result


def checklist(dossier: Dossier) -> list[tuple[str, bool]]:
    return checklists([dossier]).get(dossier.pk, [])


def missing(dossier: Dossier) -> list[str]:
    """The expected pieces not deposited yet (none for other dossiers)."""
    return [label for label, here in checklist(dossier) if not here]
