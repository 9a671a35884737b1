"""Who may do what, and where (invariant 8): pure checks on the acting user."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pointsbank.domain.common import Actor, Forbidden, Role
from pointsbank.domain.resident import Resident


def require_role(actor: Actor, *roles: Role) -> None:
    if actor.role not in roles:
        allowed = ", ".join(role.value for role in roles)
        raise Forbidden("forbidden.role", {"role": actor.role.value, "allowed": allowed})


def can_see(actor: Actor, community_id: UUID | None) -> bool:
    """Staff and clerks see their own community's records and street-wide ones (no community);
    admins and auditors the whole street. To everyone else a record does not exist."""
    if actor.role in (Role.ADMIN, Role.AUDITOR) or community_id is None:
        return True
    return actor.community_id == community_id


def require_community(actor: Actor, community_id: UUID) -> None:
    """Staff and clerks act only inside their own community; admins and auditors street-wide.

    For a community itself, which every account may list; a record of another community is
    loaded through `can_see` and answers as unknown instead."""
    if not can_see(actor, community_id):
        raise Forbidden("forbidden.other-community")


def require_disinterested(
    actor: Actor, beneficiary: Resident, own: Resident | None, occurred_on: date | None
) -> None:
    """Nobody awards, deducts, approves or corrects points for themselves or their household,
    judged on the households of both as they were on the entry's date and as they are now."""
    if actor.resident_id is None:
        return
    if actor.resident_id == beneficiary.id:
        raise Forbidden("forbidden.self")
    if own is not None and own.households(occurred_on) & beneficiary.households(occurred_on):
        raise Forbidden(
            "forbidden.own-household"
        )


def require_not_own_household(
    actor: Actor, subject: UUID, household_id: UUID, own: Resident | None, effective_on: date
) -> None:
    """Changing who belongs to one's own household is self-dealing too: it moves whose points
    count for the household, and whom one may then approve."""
    if actor.resident_id is None:
        return
    if actor.resident_id == subject or (
        own is not None and household_id in own.households(effective_on)
    ):
        raise Forbidden(
            "forbidden.own-household-membership"
        )
