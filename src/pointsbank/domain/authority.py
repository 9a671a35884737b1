"""Who may do what, and where (invariant 8): pure checks on the acting user."""

from __future__ import annotations

from uuid import UUID

from pointsbank.domain.common import Actor, Forbidden, Role


def require_role(actor: Actor, *roles: Role) -> None:
    if actor.role not in roles:
        allowed = ", ".join(role.value for role in roles)
        raise Forbidden(f"role {actor.role.value} may not do this (needs one of: {allowed})")


def require_community(actor: Actor, community_id: UUID) -> None:
    """Staff and clerks act only inside their own community; admins and auditors street-wide."""
    if actor.role in (Role.ADMIN, Role.AUDITOR):
        return
    if actor.community_id != community_id:
        raise Forbidden("this resident or household belongs to another community")


def require_not_beneficiary(
    actor: Actor,
    beneficiary: UUID,
    beneficiary_household: UUID | None,
    actor_household: UUID | None,
) -> None:
    """Nobody awards or approves points for themselves or their own household."""
    if actor.resident_id == beneficiary:
        raise Forbidden("you may not award or deduct points for yourself")
    if actor_household is not None and actor_household == beneficiary_household:
        raise Forbidden("you may not award or deduct points for your own household")
