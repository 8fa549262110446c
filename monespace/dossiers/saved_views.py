"""« Accès rapides » (seed 002): a user's named views of « Mes dossiers », at most twelve, in the
order they choose. Each write is recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from monespace.core.errors import DomainError
from monespace.core.models import activity_record

from .models import SavedView

if TYPE_CHECKING:
    from monespace.accounts.models import User

MAX_VIEWS = 12


class SavedViewError(DomainError):
    code = "saved_view_refused"


@transaction.atomic
def saved_view_create(*, actor: User, name: str, query: str) -> SavedView:
    name = name.strip()[:80]
    if not name:
        raise SavedViewError(_("Donnez un nom à l'accès rapide."), field="name")
    views = list(SavedView.objects.select_for_update().filter(user=actor))
    if len(views) >= MAX_VIEWS:
        raise SavedViewError(
            _("Vous avez déjà %(max)d accès rapides : supprimez-en un d'abord.")
            % {"max": MAX_VIEWS}
        )
    view = SavedView.objects.create(user=actor, name=name, query=query, position=len(views))
    activity_record(actor=actor, obj=view, action="created", message=name)
    return view


@transaction.atomic
def saved_view_rename(*, actor: User, view: SavedView, name: str) -> SavedView:
    name = name.strip()[:80]
    if not name:
        raise SavedViewError(_("Donnez un nom à l'accès rapide."), field="name")
    old = view.name
    view.name = name
    view.save(update_fields=["name"])
    activity_record(actor=actor, obj=view, action="renamed", message=f"{old} → {name}")
    return view


@transaction.atomic
def saved_view_move(*, actor: User, view: SavedView, up: bool) -> None:
    """One place up or down; the positions stay 0…n-1."""
    views = list(SavedView.objects.select_for_update().filter(user=view.user))
    index = next(i for i, v in enumerate(views) if v.pk == view.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(views):
        views[index], views[other] = views[other], views[index]
    for position, item in enumerate(views):
        if item.position != position:
            SavedView.objects.filter(pk=item.pk).update(position=position)
    activity_record(actor=actor, obj=view, action="moved", message="up" if up else "down")


@transaction.atomic
def saved_view_delete(*, actor: User, view: SavedView) -> None:
    activity_record(actor=actor, obj=view, action="deleted", message=view.name)
    view.delete()
