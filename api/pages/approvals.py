"""Approvals (审批): the queue of awards and deductions waiting for a second staff member, each
with its maker, rule, evidence note, resident, points and date; approve, or reject with a reason."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ServicesDep
from api.pages import PageUser, check_form, command, render, settle
from api.pages.points import KINDS, require_staff
from api.services import Services
from pointsbank.domain.common import DomainError
from projections.earning_queries import EarningQueries

router = APIRouter(prefix="/ui/approvals", include_in_schema=False)
Text = Annotated[str, Form(max_length=500)]
Version = Annotated[int, Path(ge=1, le=1_000_000_000)]
OWN = "这是您本人提交的申请，须由另一名工作人员审批"


def _page(
    request: Request, services: Services, user: PageUser, status: int = 200, **ctx: Any
) -> HTMLResponse:
    rows = EarningQueries(services.db).pending(user.actor.community_id)
    for row in rows:
        row["key"] = f"{row['resident_id']}:{row['request_version']}"
        row["kind_name"] = KINDS.get(row["kind"], row["kind"])
        row["own"] = row["requested_by"] == user.actor.user_id
        row["signed"] = row["points"] if row["kind"] == "award" else -row["points"]
    return render(
        request, services, "points/approvals.html", user, status, pending=rows, own=OWN, **ctx
    )


@router.get("", response_model=None)
def approvals_page(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    """What awaits approval in the community, oldest first."""
    require_staff(user)
    return _page(request, services, user)


@router.post("/{resident_id}/{version}", response_model=None)
def decide(
    request: Request, services: ServicesDep, user: PageUser, resident_id: UUID, version: Version,
    decision: Text = "approve", reason: Text = "",
    csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """Approve (the points count from now), or reject with a reason (they never count)."""
    check_form(request, user, csrf_token)
    require_staff(user)
    key = f"{resident_id}:{version}"
    fields = {"request": key, "decision": decision, "reason": reason}
    try:
        cmd = command(services, user, idempotency_key, fields)
        approvals = services.earning.approvals
        if decision == "reject":
            if not reason.strip():
                raise DomainError("驳回须写明原因", field="reason")
            outcome = approvals.reject(cmd, resident_id, version, reason.strip())
        else:
            outcome = approvals.approve(cmd, resident_id, version)
        settle(services, outcome)
    except DomainError as exc:
        return _page(request, services, user, 422, row_errors={key: exc.detail}, form=fields)
    done = "已批准，积分已入账" if decision != "reject" else "已驳回，积分不入账"
    return _page(request, services, user, notice=done)
