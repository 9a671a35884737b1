"""Closing a community's year (freezing its ranking), reopening it, and verifying the freeze."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Path
from fastapi.responses import JSONResponse

from api import outcomes, routes, views
from api.deps import ActorDep, Body, CommanderDep, ServicesDep
from api.fields import Reason
from api.openapi import refusals
from api.routes.annual import community_scope
from api.services import PROJECTIONS
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Conflict, Role
from pointsbank.domain.year import FIRST_YEAR, LAST_YEAR
from projections.year_replay import reproduce_now

router = routes.router(prefix="/years", tags=["year close"])
YearPath = Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR)]


class Closing(Body):
    community_id: UUID | None = None


class Reopening(Body):
    community_id: UUID
    reason: Reason


@router.post("/{year}/close", status_code=201, response_model=outcomes.YearState)
def close(year: YearPath, body: Closing, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Close the year for a community: its ranking is frozen with a digest (staff)."""
    community = community_scope(cmd.actor, body.community_id, required=True)
    outcome = services.years.close(cmd(body), UUID(str(community)), year)
    return cmd.respond(outcome)


@router.post("/{year}/reopen", response_model=outcomes.YearState)
def reopen(
    year: YearPath, body: Reopening, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Reopen a closed year, with a reason (administrators only)."""
    return cmd.respond(services.years.reopen(cmd(body), body.community_id, year, body.reason))


@router.get("/{year}", response_model=views.YearStatus, responses=refusals(403))
def status(
    year: YearPath, services: ServicesDep, actor: ActorDep, community_id: UUID | None = None
) -> dict[str, Any]:
    """Whether the year is closed, its frozen ranking summary and any late entries."""
    community = community_scope(actor, community_id, required=True)
    return services.statements.year_status(str(community), year)


@router.get("/{year}/verify", response_model=views.YearVerification, responses=refusals(403, 409))
def verify(
    year: YearPath, services: ServicesDep, actor: ActorDep, community_id: UUID
) -> dict[str, Any]:
    """Replay the log up to the freeze and to now; both must match the digest (auditors)."""
    require_role(actor, Role.AUDITOR, Role.ADMIN)
    frozen = services.statements.year_status(str(community_id), year)
    if not frozen["closed"]:
        raise Conflict("conflict.year-not-closed", {"year": year})
    replayed, now = reproduce_now(
        services.bank, PROJECTIONS, str(community_id), year, int(frozen["up_to_position"])
    )
    return {
        "community_id": str(community_id),
        "year": year,
        "up_to_position": frozen["up_to_position"],
        "digest": frozen["digest"],
        "reproduced_digest": replayed.digest,
        "current_digest": now.digest,
        "current_position": now.up_to_position,
        "matches": replayed.digest == now.digest == frozen["digest"],
    }
