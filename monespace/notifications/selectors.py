"""Reads of the notifications app."""

from django.db.models import Q

from monespace.core.memo import process_cached

from .models import Announcement


@process_cached(60)
def published_announcements(today):
    """The « Informations » published on ``today`` (a few rows, read by every home page)."""
    return list(
        Announcement.objects.filter(
            Q(published_from__lte=today),
            Q(published_until__isnull=True) | Q(published_until__gte=today),
        )
    )


def announcements_for(profiles, branches, *, today, limit=5):
    """Those meant for users of these profiles and branches, newest first."""
    return [
        a
        for a in published_announcements(today)
        if (a.audience == "all" or a.audience in profiles)
        and (not a.branch or a.branch in branches)
    ][:limit]
