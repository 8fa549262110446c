from django.utils import timezone

from .models import Notification


def notification_create(*, recipient, title, body="", url=""):
    return Notification.objects.create(recipient=recipient, title=title[:200], body=body, url=url)


def notifications_mark_read(*, recipient, notification=None):
    queryset = Notification.objects.unread().filter(recipient=recipient)
    if notification is not None:
        queryset = queryset.filter(pk=notification.pk)
    return queryset.update(read_at=timezone.now())
