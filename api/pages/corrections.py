"""Corrections and reversals (更正、冲正) of one statement entry, started from the entry itself:
the original stays in the statement and the new entry references it (invariant 1)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ServicesDep
from api.pages import PageUser, check_form, command, render, settle
from api.pages.points import KINDS, require_staff, staff_resident, whole
from api.services import Services
from pointsbank.domain.common import DomainError, NotFound

router = APIRouter(prefix="/ui/points/entries", include_in_schema=False)
Text = Annotated[str, Form(max_length=500)]
Version = Annotated[int, Path(ge=1, le=1_000_000_000)]


def _entry(services: Services, resident_id: str, version: int) -> dict[str, Any]:
    rows = services.queries.statement(UUID(resident_id), 0, 10_000)
    entry = next((r for r in rows if r["version"] == version), None)
    if entry is None or entry["kind"] not in ("award", "deduction"):
        raise NotFound("没有找到这条加分或扣分记录", field="points")
    entry["kind_name"] = KINDS[entry["kind"]]
    entry["later"] = [r for r in rows if r["corrects_version"] == version]
    entry["net"] = entry["points"] + sum(r["points"] for r in entry["later"])
    return entry


def _page(
    request: Request, services: Services, user: PageUser, resident_id: str, version: int,
    status: int = 200, **ctx: Any,
) -> HTMLResponse:  # fmt: skip
    resident = staff_resident(services, user, resident_id)
    entry = _entry(services, resident_id, version)
    form = ctx.pop("form", {})
    return render(
        request, services, "points/correct.html", user, status,
        resident=resident, entry=entry, form=form, **ctx,
    )  # fmt: skip


@router.get("/{resident_id}/{version}", response_model=None)
def correction_form(
    request: Request, services: ServicesDep, user: PageUser, resident_id: str, version: Version
) -> HTMLResponse:
    """One entry of the statement with forms to correct it by some points or reverse it."""
    require_staff(user)
    return _page(request, services, user, resident_id, version)


@router.post("/{resident_id}/{version}", response_model=None)
def correct(
    request: Request, services: ServicesDep, user: PageUser, resident_id: str, version: Version,
    action: Text = "correct", points: Text = "", reason: Text = "",
    csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """Take some points off the entry (更正), or all of them (冲正), with a reason."""
    check_form(request, user, csrf_token)
    require_staff(user)
    form = {"action": action, "points": points, "reason": reason}
    try:
        entry = _entry(services, resident_id, version)
        if not reason.strip():
            raise DomainError("请填写更正或冲正的原因", field="reason")
        cmd = command(
            services, user, idempotency_key, {"entry": f"{resident_id}:{version}", **form}
        )
        rid = UUID(resident_id)
        if action == "reverse":
            outcome = services.earning.approvals.reverse(cmd, rid, version, reason.strip())
        else:
            less = whole(points, "points", "请填写要减少的分数（正整数）", 1, 1_000_000)
            signed = -less if entry["points"] > 0 else less
            outcome = services.bank.correct(cmd, rid, version, signed, reason.strip())
        settle(services, outcome)
    except DomainError as exc:
        errors = {str(exc.extra.get("field", "reason")): exc.detail}
        return _page(request, services, user, resident_id, version, 422, errors=errors, form=form)
    done = "已冲正，原记录保留" if action == "reverse" else "已更正，原记录保留"
    notice = f"{done}；当前余额 {outcome.body['balance']} 分"
    return _page(request, services, user, resident_id, version, notice=notice)
