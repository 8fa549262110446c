"""A notification is its recipient's only: anyone else's is a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from monespace.core.errors import NotFound
from monespace.core.identifiers import parse_id

from .models import Notification

if TYPE_CHECKING:
    from monespace.accounts.models import User


def notification_for(user: User, pk: int | str) -> Notification:
    parsed = parse_id(pk)
    notification = (
        Notification.objects.filter(recipient=user, pk=parsed).first() if parsed else None
    )
    if notification is None:
        raise NotFound
    return notification
