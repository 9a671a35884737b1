"""Households and their members, who join and leave on effective dates."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi.responses import JSONResponse

from api import outcomes, routes, views
from api.deps import ActorDep, Body, CommanderDep, ServicesDep, visible
from api.fields import Day, Name
from pointsbank.domain.common import Role

router = routes.router(prefix="/households", tags=["households"])


class NewHousehold(Body):
    community_id: UUID
    name: Name


class Joining(Body):
    resident_id: UUID
    joined_on: Day


class Leaving(Body):
    left_on: Day


@router.post("", status_code=201, response_model=outcomes.HouseholdCreated)
def create(body: NewHousehold, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Create a household in a community (staff)."""
    return cmd.respond(services.bank.create_household(cmd(body), body.community_id, body.name))


@router.get("", response_model=list[views.HouseholdSummary])
def list_households(
    services: ServicesDep, actor: ActorDep, community_id: UUID | None = None
) -> list[dict[str, Any]]:
    """List households, of one community or (admins, auditors) of the whole street."""
    if actor.role in (Role.STAFF, Role.CLERK):
        community_id = actor.community_id
    return services.queries.households(community_id)


@router.get("/{household_id}", response_model=views.Household)
def get_household(household_id: UUID, services: ServicesDep, actor: ActorDep) -> dict[str, Any]:
    """A household with its members, past and present."""
    return visible(actor, services.queries.household(household_id), "household", household_id)


@router.post("/{household_id}/members", status_code=201, response_model=outcomes.Membership)
def join(
    household_id: UUID, body: Joining, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """A resident joins the household from a date."""
    outcome = services.bank.join_household(
        cmd(body), household_id, body.resident_id, body.joined_on
    )
    return cmd.respond(outcome)


@router.post("/{household_id}/members/{resident_id}/leave", response_model=outcomes.Membership)
def leave(
    household_id: UUID, resident_id: UUID, body: Leaving, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """A resident leaves the household on a date."""
    outcome = services.bank.leave_household(cmd(body), household_id, resident_id, body.left_on)
    return cmd.respond(outcome)
