"""Writes on in-app notifications. The unread count shown by the bell is kept on the user's
row (``User.unread_notifications``) by these services, so that pages never count it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from monespace.accounts.models import User
from monespace.core.mail import send_email
from monespace.core.models import activity_record
from monespace.core.urls import absolute_url

from .models import Announcement, Notification
from .selectors import published_announcements


@transaction.atomic
def notification_create(
    *, recipient: User, title: str, body: str = "", url: str = ""
) -> Notification:
    notification = Notification.objects.create(
        recipient=recipient, title=title[:200], body=body, url=url
    )
    User.objects.filter(pk=recipient.pk).update(unread_notifications=F("unread_notifications") + 1)
    return notification


def notify(
    users: Iterable[User], *, title: str, body: str, url: str, theme: str | None = None
) -> None:
    """Tell each user (once) in the portal and by e-mail (the « notice » e-mail with its link);
    with a ``theme`` (accounts.enums.NotificationTheme), by e-mail only those who chose it.
    Callers that must wait for their transaction's commit call it in ``on_commit``."""
    for user in {u.pk: u for u in users}.values():
        notification_create(recipient=user, title=title, body=body, url=url)
        if theme is not None and theme not in (user.notification_themes or ()):
            continue
        send_email(
            to=user.email,
            template_prefix="emails/notice",
            context={"recipient": user, "subject": title, "body": body, "url": absolute_url(url)},
        )


@transaction.atomic
def notifications_mark_read(*, recipient: User, notification: Notification | None = None) -> int:
    """Mark one or all of the recipient's notifications read, and recount from the rows.

    The user's row is locked first: a notification created meanwhile either waits for this
    transaction (and adds one to the recount) or is seen by the recount."""
    User.objects.select_for_update().filter(pk=recipient.pk).values_list("pk").first()
    queryset = Notification.objects.unread().filter(recipient=recipient)
    if notification is not None:
        queryset = queryset.filter(pk=notification.pk)
    changed = queryset.update(read_at=timezone.now())
    unread = Notification.objects.unread().filter(recipient=recipient).count()
    User.objects.filter(pk=recipient.pk).update(unread_notifications=unread)
    recipient.unread_notifications = unread
    return changed


@transaction.atomic
def announcement_publish(*, actor: User, announcement: Announcement) -> Announcement:
    """Publish an « Information » (an unsaved Announcement filled by the staff form)."""
    announcement.created_by = actor
    announcement.save()
    activity_record(actor=actor, obj=announcement, action="published", message=announcement.title)
    transaction.on_commit(published_announcements.clear)
    return announcement


@transaction.atomic
def announcement_withdraw(*, actor: User, announcement: Announcement) -> None:
    activity_record(actor=actor, obj=announcement, action="withdrawn", message=announcement.title)
    announcement.delete()
    transaction.on_commit(published_announcements.clear)
