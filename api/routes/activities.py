"""Volunteer activities and council meetings: plan, sign up, attendance, close (awards all)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import Field

from api import outcomes, routes, views
from api.deps import ActorDep, Body, CommanderDep, ServicesDep, visible
from api.fields import Code, Day, Name, Whole
from pointsbank.domain.common import Role
from pointsbank.domain.terms import MAX_MINUTES
from projections.earning_queries import EarningQueries

router = routes.router(prefix="/activities", tags=["activities"])


class NewActivity(Body):
    community_id: UUID
    rule_code: Code
    title: Name
    held_on: Day
    starts_at: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    place: Name
    capacity: Annotated[int, Whole(1, 10_000)]
    organiser: Annotated[
        Name,
        Field(
            description="the organising body (组织单位, e.g. 居委会 or a volunteer team), "
            "never a person's name: it is kept in the permanent event log",
        ),
    ]


class SignUp(Body):
    resident_id: UUID


class Attendance(Body):
    resident_id: UUID
    minutes: Annotated[int, Whole(1, MAX_MINUTES)] | None = None


@router.post("", status_code=201, response_model=outcomes.ActivityPlanned)
def plan(body: NewActivity, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Plan a volunteer activity or a residents' council meeting under a rule (staff)."""
    outcome = services.earning.activities.plan(
        cmd(body),
        body.community_id,
        body.rule_code,
        body.title,
        body.held_on,
        body.starts_at,
        body.place,
        body.capacity,
        body.organiser,
    )
    return cmd.respond(outcome)


@router.get("", response_model=list[views.ActivitySummary])
def list_activities(services: ServicesDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Activities, most recent first (staff and clerks see their own community's)."""
    community_id = actor.community_id if actor.role in (Role.STAFF, Role.CLERK) else None
    return EarningQueries(services.db).activities(community_id)


@router.get("/{activity_id}", response_model=views.Activity)
def get_activity(activity_id: UUID, services: ServicesDep, actor: ActorDep) -> dict[str, Any]:
    """An activity with its sign-ups, attendance and what closing awarded."""
    row = EarningQueries(services.db).activity(activity_id)
    return visible(actor, row, "activity", activity_id)


@router.post("/{activity_id}/signups", status_code=201, response_model=outcomes.Participation)
def sign_up(
    activity_id: UUID, body: SignUp, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Sign a resident up, within capacity."""
    outcome = services.earning.activities.sign_up(cmd(body), activity_id, body.resident_id)
    return cmd.respond(outcome)


@router.post("/{activity_id}/attendance", status_code=201, response_model=outcomes.Participation)
def attend(
    activity_id: UUID, body: Attendance, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Record that a resident attended (with minutes served where the rule is per hour)."""
    outcome = services.earning.activities.record_attendance(
        cmd(body), activity_id, body.resident_id, body.minutes
    )
    return cmd.respond(outcome)


@router.post("/{activity_id}/close", response_model=outcomes.ActivityClosed)
def close(activity_id: UUID, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Close the activity: every attendee awarded at once; closing again awards nothing."""
    return cmd.respond(services.earning.activities.close(cmd(), activity_id))
