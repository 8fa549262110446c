"""Reads of the accounts app."""

from monespace.core.memo import process_cached

from .models import StaffProfile, StaffRole


@process_cached(60)
def contacts_by_branch():
    """Advisors and training assistants by branch name, the companies' « interlocuteurs » (few
    staff, changed rarely; read by every home page)."""
    by_branch: dict[str, list[StaffProfile]] = {}
    staff = StaffProfile.objects.filter(
        role__in=[StaffRole.ADVISOR, StaffRole.TRAINING_ASSISTANT]
    ).select_related("user")
    for profile in staff:
        for branch in profile.branches:
            by_branch.setdefault(branch, []).append(profile)
    return by_branch
