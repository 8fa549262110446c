"""A notification is its recipient's only: anyone else's is a 404."""

from monespace.core.errors import NotFound
from monespace.core.identifiers import parse_id

from .models import Notification


def notification_for(user, pk) -> Notification:
    parsed = parse_id(pk)
    notification = (
        Notification.objects.filter(recipient=user, pk=parsed).first() if parsed else None
    )
    if notification is None:
        raise NotFound
    return notification
