"""Reads of the accounts app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from monespace.core.memo import process_cached

from .departments import department_of
from .enums import ContactRole
from .models import RegionalEntity, RegionalEntityDepartment, StaffProfile

if TYPE_CHECKING:
    from monespace.organizations.models import Establishment


@dataclass(frozen=True)
class ContactDirectory:
    """Every regional entity by department served, and the staff who are « interlocuteurs »
    by branch name."""

    entities: dict[str, RegionalEntity] = field(default_factory=dict)
    by_branch: dict[str, list[StaffProfile]] = field(default_factory=dict)


@dataclass(frozen=True)
class ContactGroup:
    role: ContactRole
    people: tuple[StaffProfile, ...]

    @property
    def label(self) -> str:
        return str(self.role.label)


@dataclass(frozen=True)
class Contacts:
    """An establishment's « Vos interlocuteurs »: its regional entity (None when no entity
    serves its department) and the people grouped by role, in the seed's order."""

    entity: RegionalEntity | None = None
    groups: tuple[ContactGroup, ...] = ()


NO_CONTACTS = Contacts()


@process_cached(60)
def contact_directory() -> ContactDirectory:
    """Two queries, kept per process for a minute (few rows, changed rarely, read by every home
    page); the Django admin clears it when it saves an entity or a staff profile."""
    entities: dict[int, RegionalEntity] = {}
    by_department: dict[str, RegionalEntity] = {}
    for department in RegionalEntityDepartment.objects.select_related("entity"):
        entity = entities.setdefault(department.entity_id, department.entity)
        by_department[department.code] = entity
    by_branch: dict[str, list[StaffProfile]] = {}
    staff = StaffProfile.objects.filter(user__is_active=True).select_related("user")
    for profile in staff.order_by("user__last_name", "user__first_name", "pk"):
        if not profile.contact_roles:
            continue
        for branch in profile.branches:
            by_branch.setdefault(branch, []).append(profile)
    return ContactDirectory(entities=by_department, by_branch=by_branch)


def contacts_for(establishment: Establishment) -> Contacts:
    """The establishment's regional entity is the one serving the department of its postal
    code. For each contact role, its people are the staff of that entity who serve the
    establishment's branch; when that entity has nobody for the role, the head office's staff
    (no entity) who serve the branch. Staff of another entity are never shown. No query."""
    directory = contact_directory()
    department = department_of(establishment.postal_code)
    entity = directory.entities.get(department) if department else None
    candidates = directory.by_branch.get(establishment.branch, []) if establishment.branch else []
    groups = []
    for role in ContactRole:
        following = [p for p in candidates if role in p.contact_roles]
        regional = [p for p in following if entity is not None and p.entity_id == entity.pk]
        people = regional or [p for p in following if p.entity_id is None]
        if people:
            groups.append(ContactGroup(role=role, people=tuple(people)))
    return Contacts(entity=entity, groups=tuple(groups))
