"""The rules catalogue's terms and overrides, the approvals queue (maker-checker) and reversals."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi.responses import JSONResponse

from api import outcomes, routes, views
from api.deps import ActorDep, Body, CommanderDep, ServicesDep
from api.fields import Code, Day, Flag, Name, Reason, Version, VersionPath, Whole
from pointsbank.domain.common import NotFound, Role
from pointsbank.domain.terms import Mode, Terms
from projections.earning_queries import EarningQueries

router = routes.router(tags=["earning"])
Points = Annotated[int, Whole(1, 1_000_000)]
RulePoints = Annotated[int, Whole(1, 1000)]


class RuleTerms(Body):
    mode: Mode = Mode.FIXED
    cap_day: Points | None = None
    cap_month: Points | None = None
    cap_year: Points | None = None
    approval_above: Points | None = None
    cap_pair_month: Points | None = None
    disqualifies: Flag = False
    in_force_from: Day | None = None
    in_force_until: Day | None = None

    def terms(self) -> Terms:
        values = self.model_dump(include=set(RuleTerms.model_fields))
        return Terms(**{**values, "mode": self.mode.value})


class Reconfiguration(RuleTerms):
    reason: Reason


class Override(Body):
    points: RulePoints | None = None
    cap_day: Points | None = None
    cap_month: Points | None = None
    cap_year: Points | None = None
    approval_above: Points | None = None
    cap_pair_month: Points | None = None
    reason: Reason


class Revision(Body):
    name: Name
    points: RulePoints
    effective_on: Day
    reason: Reason


class Why(Body):
    reason: Reason


class Reversal(Body):
    corrects_version: Version
    reason: Reason


@router.get("/rules/{code}", response_model=views.Rule)
def get_rule(code: Code, services: ServicesDep, actor: ActorDep) -> dict[str, Any]:
    """One rule with its terms (mode, caps, approval threshold, dates) and community overrides."""
    row = EarningQueries(services.db).rule(code)
    if row is None:
        raise NotFound("not-found.rule", rule_code=code)
    return row


@router.post("/rules/{code}/terms", response_model=outcomes.RuleVersion)
def configure_rule(
    code: Code, body: Reconfiguration, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Change how a rule computes and limits points: a new rule version (admin)."""
    outcome = services.earning.rules.configure(cmd(body), code, body.terms(), body.reason)
    return cmd.respond(outcome)


@router.post("/rules/{code}/overrides/{community_id}", response_model=outcomes.RuleVersion)
def override_rule(
    code: Code, community_id: UUID, body: Override, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """A community's own points, caps or approval threshold for a rule; none given removes it."""
    overrides = body.model_dump(exclude={"reason"}, exclude_none=True)
    outcome = services.earning.rules.override(cmd(body), code, community_id, overrides, body.reason)
    return cmd.respond(outcome)


@router.post("/rules/{code}/revisions", response_model=outcomes.RuleVersion)
def revise_rule(
    code: Code, body: Revision, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Revise a rule's name and points; past awards keep the version they were computed under."""
    outcome = services.earning.rules.revise(
        cmd(body), code, body.name, body.points, body.effective_on, body.reason
    )
    return cmd.respond(outcome)


@router.post("/rules/{code}/retirement", response_model=outcomes.RuleVersion)
def retire_rule(code: Code, body: Why, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Retire a rule: it awards nothing more (admin)."""
    return cmd.respond(services.earning.rules.retire(cmd(body), code, body.reason))


@router.get("/approvals", response_model=list[views.PendingEntry])
def pending_approvals(
    services: ServicesDep, actor: ActorDep, community_id: UUID | None = None
) -> list[dict[str, Any]]:
    """Awards and deductions awaiting a second staff member, oldest first."""
    if actor.role in (Role.STAFF, Role.CLERK):
        community_id = actor.community_id
    return EarningQueries(services.db).pending(community_id)


@router.post(
    "/approvals/{resident_id}/{request_version}/approve",
    status_code=201,
    response_model=outcomes.Entry,
)
def approve(
    resident_id: UUID, request_version: VersionPath, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Approve a pending entry: not its maker, beneficiary, or of the beneficiary's household."""
    outcome = services.earning.approvals.approve(cmd(), resident_id, request_version)
    return cmd.respond(outcome)


@router.post("/approvals/{resident_id}/{request_version}/reject", response_model=outcomes.Entry)
def reject(
    resident_id: UUID,
    request_version: VersionPath,
    body: Why,
    services: ServicesDep,
    cmd: CommanderDep,
) -> JSONResponse:
    """Reject a pending entry with a reason; it never counts."""
    outcome = services.earning.approvals.reject(
        cmd(body), resident_id, request_version, body.reason
    )
    return cmd.respond(outcome)


@router.post("/residents/{resident_id}/reversals", status_code=201, response_model=outcomes.Entry)
def reverse(
    resident_id: UUID, body: Reversal, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Reverse an award or deduction in full; the original stays next to its reversal."""
    outcome = services.earning.approvals.reverse(
        cmd(body), resident_id, body.corrects_version, body.reason
    )
    return cmd.respond(outcome)
