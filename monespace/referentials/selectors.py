"""Reads of the referentials: the CERFA's code lists, kept in each process for a while (they
change with a new version of the form, by migration)."""

from __future__ import annotations

from monespace.core.memo import process_cached

from .models import CerfaCode


@process_cached(300)
def cerfa_codes(cerfa: str, list_name: str) -> tuple[tuple[str, str], ...]:
    """(code, label) of a list of a CERFA version, in the form's order."""
    return tuple(
        CerfaCode.objects.filter(cerfa=cerfa, list_name=list_name)
        .order_by("position")
        .values_list("code", "label")
    )


def cerfa_label(cerfa: str, list_name: str, code: str) -> str:
    """« 11 – Premier contrat d'apprentissage… », or the bare code when the list lacks it."""
    if not code:
        return ""
    label = dict(cerfa_codes(cerfa, list_name)).get(code)
    return f"{code} – {label}" if label else code
