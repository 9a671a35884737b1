"""Residents: enrolment, look-up, points awarded and deducted, balance and statement."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar
from uuid import UUID

from fastapi import Query
from fastapi.responses import JSONResponse
from pydantic import Field

from api import outcomes, routes, views
from api.deps import ActorDep, Body, CommanderDep, ReaderDep, ServicesDep, readable, visible
from api.fields import Code, Day, Flag, Note, PersonName, Reason, SearchText, Version, Whole
from pointsbank.domain.common import MAX_POINTS_PER_EVENT, Role
from pointsbank.domain.resident import MAX_QUANTITY
from pointsbank.domain.terms import MAX_MINUTES
from pointsbank.registry import PersonalData

router = routes.router(prefix="/residents", tags=["residents"])
LOOK_UP = "part of a name, phone or door number; an ID-card tail; a resident card code"
Quantity = Annotated[int, Whole(1, MAX_QUANTITY)]
Minutes = Annotated[int, Whole(1, MAX_MINUTES)]


class Enrolment(Body):
    personal_fields: ClassVar[frozenset[str]] = frozenset({"name", "phone", "id_card"})
    community_id: UUID
    grid: Code
    name: PersonName
    phone: Annotated[str | None, Field(pattern=r"^\+?[0-9 -]{5,20}$")] = None
    id_card: Annotated[str | None, Field(pattern=r"^[0-9]{17}[0-9Xx]$")] = None
    party_member: Flag = False
    without_hukou: Flag = False
    enrolled_on: Day | None = None


class Award(Body):
    rule_code: Code
    quantity: Quantity = 1
    minutes: Minutes | None = None
    occurred_on: Day | None = None
    note: Note = ""


class Deduction(Body):
    rule_code: Code
    quantity: Quantity = 1
    occurred_on: Day
    reason: Reason


class Correction(Body):
    corrects_version: Version
    points: Annotated[int, Whole(-MAX_POINTS_PER_EVENT, MAX_POINTS_PER_EVENT)]
    reason: Reason


@router.post("", status_code=201, response_model=outcomes.ResidentEnrolled)
def enrol(body: Enrolment, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Enrol a resident; personal data goes to the erasable registry, never into events."""
    command = cmd(body)
    outcome = services.bank.enrol(
        command,
        body.community_id,
        body.grid,
        body.party_member,
        body.without_hukou,
        body.enrolled_on or command.ctx.today,
        PersonalData(name=body.name, phone=body.phone, id_card=body.id_card),
    )
    return cmd.respond(outcome)


@router.get("", response_model=list[views.Resident])
def find(
    services: ServicesDep,
    actor: ActorDep,
    q: Annotated[SearchText | None, Query(description=LOOK_UP)] = None,
    community_id: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[dict[str, Any]]:
    """Find residents by name, phone, ID-card tail, door number or card code."""
    if actor.role in (Role.STAFF, Role.CLERK):
        community_id = actor.community_id
    return services.queries.find_residents(community_id, q, limit)


@router.get("/{resident_id}", response_model=views.Resident)
def get_resident(resident_id: UUID, services: ServicesDep, actor: ReaderDep) -> dict[str, Any]:
    """A resident's profile and balance (a resident: own and household's only)."""
    readable(services, actor, resident_id, "resident", resident_id)
    return visible(actor, services.queries.resident(resident_id), "resident", resident_id)


@router.get("/{resident_id}/balance", response_model=views.Balance)
def balance(resident_id: UUID, services: ServicesDep, actor: ReaderDep) -> dict[str, Any]:
    """The resident's balance with totals by kind of entry."""
    readable(services, actor, resident_id, "resident", resident_id)
    return visible(actor, services.queries.balance(resident_id), "resident", resident_id)


@router.get("/{resident_id}/statement", response_model=views.Statement)
def statement(
    resident_id: UUID,
    services: ServicesDep,
    actor: ReaderDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    after: Annotated[
        int,
        Query(
            ge=0,
            le=2**31 - 1,
            description="the previous page's `next` (keyset paging: entries after this "
            "version); `offset` then counts from it",
        ),
    ] = 0,
) -> dict[str, Any]:
    """Every entry of the resident's account with its running balance."""
    readable(services, actor, resident_id, "resident", resident_id)
    row = visible(actor, services.queries.resident_balance(resident_id), "resident", resident_id)
    entries = services.queries.statement(resident_id, offset, limit, after)
    following = entries[-1]["version"] if len(entries) == limit else None
    return {
        "resident_id": str(resident_id),
        "balance": row["balance"],
        "entries": entries,
        "next": following,
    }


@router.post(
    "/{resident_id}/awards",
    status_code=201,
    response_model=outcomes.Entry,
    responses={202: {"model": outcomes.Entry, "description": "pending a second approver"}},
)
def award(resident_id: UUID, body: Award, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Award points by a rule (staff); 202 with `pending` when it needs a second approver.

    `occurred_on` defaults to today in the street's time zone.
    """
    command = cmd(body)
    outcome = services.bank.award(
        command,
        resident_id,
        body.rule_code,
        body.quantity,
        body.occurred_on or command.ctx.today,
        body.note,
        minutes=body.minutes,
    )
    return cmd.respond(outcome)


@router.post(
    "/{resident_id}/deductions",
    status_code=201,
    response_model=outcomes.Entry,
    responses={202: {"model": outcomes.Entry, "description": "pending a second approver"}},
)
def deduct(
    resident_id: UUID, body: Deduction, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Request a deduction by a deduction rule, with a reason: 202, pending approval."""
    outcome = services.bank.deduct(
        cmd(body), resident_id, body.rule_code, body.quantity, body.occurred_on, body.reason
    )
    return cmd.respond(outcome)


@router.post("/{resident_id}/corrections", status_code=201, response_model=outcomes.Entry)
def correct(
    resident_id: UUID, body: Correction, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Correct an award or deduction by a signed number of points; the original stays."""
    outcome = services.bank.correct(
        cmd(body), resident_id, body.corrects_version, body.points, body.reason
    )
    return cmd.respond(outcome)


@router.delete("/{resident_id}/personal-data", response_model=outcomes.PersonalDataErased)
def erase_personal_data(
    resident_id: UUID, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Erase a resident's name, phone and ID card (PIPL); the ledger stays whole (admin)."""
    return cmd.respond(services.bank.erase_personal_data(cmd(), resident_id))
