"""Who may do what with a province's reports (DESIGN.md §7). One place, used by every view."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from indicators.models import Membership, Role
from indicators.selectors import user_memberships


@dataclass(frozen=True)
class Access:
    edit: bool = False  # a reporter or head of this unit
    review: bool = False  # the province's focal reviewer
    read: bool = False

    def require_read(self) -> Access:
        if not self.read:
            # Another province's or unit's report is "not found", not "forbidden".
            raise Http404
        return self


def access_to(user, *, province_id: int, unit_id: int | None = None) -> Access:
    if not user.is_authenticated:
        return Access()
    memberships = [m for m in user_memberships(user) if m.province_id == province_id]
    roles = {m.role for m in memberships}
    edit = unit_id is not None and any(
        m.role in (Role.UNIT_REPORTER, Role.UNIT_HEAD) and m.unit_id == unit_id for m in memberships
    )
    review = Role.FOCAL_REVIEWER in roles
    read = (
        edit or review or bool(roles & {Role.COMMITTEE, Role.PROVINCE_ADMIN}) or user.is_superuser
    )
    return Access(edit=edit, review=review, read=read)


def unit_memberships(user) -> list[Membership]:
    found = [m for m in user_memberships(user) if m.role in (Role.UNIT_REPORTER, Role.UNIT_HEAD)]
    return sorted(found, key=lambda m: m.unit.name_vi if m.unit else "")


def reviewer_provinces(user) -> list[int]:
    return [m.province_id for m in user_memberships(user) if m.role == Role.FOCAL_REVIEWER]


def reading_provinces(user) -> list[int]:
    roles = (Role.FOCAL_REVIEWER, Role.COMMITTEE, Role.PROVINCE_ADMIN)
    return [m.province_id for m in user_memberships(user) if m.role in roles]
