"""Points (积分): award and deduct by rule for a resident found by search, with the points
computed before saving; corrections and reversals started from a statement entry."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ServicesDep
from api.pages import PageUser, check_form, command, render, settle
from api.services import Services
from pointsbank.domain.common import DomainError, Forbidden, NotFound, Role
from pointsbank.domain.terms import Mode
from projections.earning_queries import EarningQueries

router = APIRouter(prefix="/ui/points", include_in_schema=False)
Text = Annotated[str, Form(max_length=500)]
Search = Annotated[str, Query(max_length=64)]
PENDING = "已提交，待另一名工作人员审批"
KINDS = {"award": "加分", "deduction": "扣分", "correction": "更正", "redemption": "兑换",
         "refund": "退还"}  # fmt: skip


def require_staff(user: PageUser) -> None:
    if user.actor.role is not Role.STAFF:
        raise Forbidden("只有社区工作人员可以加分、扣分和审批")


def staff_resident(services: Services, user: PageUser, resident_id: str) -> dict[str, Any]:
    """The resident, if the staff member's community holds them (else: not found, invariant 12)."""
    try:
        row = services.queries.resident(UUID(resident_id))
    except ValueError:
        row = None
    if row is None or row["community_id"] != str(user.actor.community_id):
        raise NotFound("没有找到该居民", field="resident")
    return row


def whole(text: str, field: str, message: str, low: int = 0, high: int = 1440) -> int:
    """A whole number typed into a form field, or a Chinese refusal beside that field."""
    try:
        number = int(text.strip() or "0")
    except ValueError:
        raise DomainError(message, field=field) from None
    if not low <= number <= high:
        raise DomainError(message, field=field)
    return number


def amount(form: dict[str, str]) -> tuple[int, int | None]:
    """(count, minutes) from the form: minutes are hours and minutes typed, None if both blank."""
    count = whole(form.get("quantity", "") or "1", "quantity", "次数须在 1 到 1000 之间", 1, 1000)
    if not (form.get("hours", "").strip() or form.get("minutes", "").strip()):
        return count, None
    hours = whole(form.get("hours", ""), "minutes", "小时数须在 0 到 24 之间", 0, 24)
    minutes = whole(form.get("minutes", ""), "minutes", "分钟数须在 0 到 1440 之间")
    return count, hours * 60 + minutes


def preview(services: Services, user: PageUser, form: dict[str, str]) -> dict[str, Any]:
    """The points the command would compute, by the same rule code (Rule.quantity_for, compute)."""
    community = user.actor.community_id
    assert community is not None
    try:
        rule = services.bank.rule(form.get("rule_code", ""))
        terms = rule.terms_for(community)
        count, minutes = amount(form)
        points = rule.compute(community, rule.quantity_for(community, count, minutes))
    except DomainError as exc:
        return {"error": exc.detail}
    approval = terms.needs_approval(points, rule.is_deduction)
    caps = [f"{label}上限 {limit} 分" for label, limit in _caps(terms.caps())]
    return {"points": points, "approval": approval, "caps": caps}


def _caps(caps: list[tuple[str, int]]) -> list[tuple[str, int]]:
    names = {"day": "每日", "month": "每月", "year": "每年"}
    return [(names[p], v) for p, v in caps]


def rule_options(services: Services, kind: str, search: str = "") -> list[dict[str, Any]]:
    rows = EarningQueries(services.db).catalogue(search, deductions=kind == "deduction")
    for row in rows:
        per_hour = row["mode"] == Mode.PER_HOUR
        row["per_hour"] = per_hour
        row["label"] = (
            f"{row['code']} {row['name']} · {row['points']} 分/{'小时' if per_hour else '次'}"
        )
    return rows


def _recent(services: Services, resident_id: str) -> list[dict[str, Any]]:
    """The latest statement entries, newest first, each with a link to correct it."""
    rows = services.queries.statement(UUID(resident_id), 0, 10_000)[-20:]
    for row in rows:
        row["kind_name"] = KINDS.get(row["kind"], row["kind"])
        row["correctable"] = row["kind"] in ("award", "deduction")
    return rows[::-1]


def _page(
    request: Request, services: Services, user: PageUser, status: int = 200, **ctx: Any
) -> HTMLResponse:
    kind = ctx.pop("kind", "award")
    form: dict[str, str] = ctx.pop("form", {})
    resident = ctx.pop("resident", None)
    rules = rule_options(services, kind)
    chosen = form.get("rule_code") or (rules[0]["code"] if rules else "")
    form = {"occurred_on": _today(services).isoformat(), **form, "rule_code": chosen}
    return render(
        request, services, "points/points.html", user, status,
        kind=kind, resident=resident, rules=rules, form=form,
        rule=next((r for r in rules if r["code"] == chosen), None),
        preview=preview(services, user, form) if resident and chosen else None,
        entries=_recent(services, resident["resident_id"]) if resident else [],
        q=ctx.pop("q", ""), found=ctx.pop("found", []), **ctx,
    )  # fmt: skip


@router.get("", response_model=None)
def points_page(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    resident: Search = "",
    kind: Annotated[str, Query(pattern="^(award|deduction)$")] = "award",
    q: Search = "",
) -> Response:
    """Find a resident, then award or deduct by rule."""
    require_staff(user)
    found = services.queries.find_residents(user.actor.community_id, q, 20) if q else []
    chosen = staff_resident(services, user, resident) if resident else None
    return _page(request, services, user, kind=kind, resident=chosen, q=q, found=found)


@router.get("/found", response_model=None)
def found_residents(
    request: Request, services: ServicesDep, user: PageUser, q: Search = "",
    kind: Annotated[str, Query(pattern="^(award|deduction)$")] = "award",
) -> HTMLResponse:  # fmt: skip
    """Residents matching the search box, as the user types (an htmx fragment)."""
    require_staff(user)
    found = services.queries.find_residents(user.actor.community_id, q, 20) if q.strip() else []
    return render(request, services, "points/found.html", user, found=found, q=q, kind=kind)


@router.get("/rules", response_model=None)
def rules(
    request: Request, services: ServicesDep, user: PageUser, rule_q: Search = "",
    kind: Annotated[str, Query(pattern="^(award|deduction)$")] = "award",
) -> HTMLResponse:  # fmt: skip
    """The catalogue's rules whose code or name contains the filter (htmx: the select's options)."""
    require_staff(user)
    options = rule_options(services, kind, rule_q.strip())
    form = {"rule_code": options[0]["code"] if options else ""}
    return render(request, services, "points/rule_options.html", user, rules=options, form=form)


@router.get("/amount", response_model=None)
def amount_fields(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    """The count or time fields of the chosen rule and the points they compute (htmx)."""
    require_staff(user)
    form = dict(request.query_params)
    kind = "deduction" if form.get("kind") == "deduction" else "award"
    rule = next(
        (r for r in rule_options(services, kind) if r["code"] == form.get("rule_code")), None
    )
    return render(
        request, services, "points/amount.html", user,
        rule=rule, form=form, preview=preview(services, user, form),
    )  # fmt: skip


@router.get("/preview", response_model=None)
def preview_points(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    """The points the form would award or deduct, computed by the rule (htmx)."""
    require_staff(user)
    form = dict(request.query_params)
    return render(
        request, services, "points/preview.html", user, preview=preview(services, user, form)
    )


def _today(services: Services) -> date:
    return services.now().astimezone(services.settings.zone).date()


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError("请填写日期，格式如 2026-03-01", field="occurred_on") from None


@router.post("/{kind}", response_model=None)
def record(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    kind: Annotated[str, Path(pattern="^(award|deduction)$")],
    resident: Text = "", rule_code: Text = "", quantity: Text = "", hours: Text = "",
    minutes: Text = "", occurred_on: Text = "", note: Text = "",
    csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """Award, or request a deduction; a capped, refused or pending result is said plainly."""
    check_form(request, user, csrf_token)
    require_staff(user)
    form = {"rule_code": rule_code, "quantity": quantity, "hours": hours, "minutes": minutes,
            "occurred_on": occurred_on, "note": note}  # fmt: skip
    chosen = staff_resident(services, user, resident)
    try:
        body = _record(services, user, kind, idempotency_key, chosen["resident_id"], form)
    except DomainError as exc:
        errors = {str(exc.extra.get("field", "rule_code")): exc.detail}
        ctx = {"errors": errors, "error": exc.detail, "form": form}
        return _page(request, services, user, 422, kind=kind, resident=chosen, **ctx)
    done = PENDING if body.get("pending") else f"已加分，当前余额 {body['balance']} 分"
    fresh = staff_resident(services, user, chosen["resident_id"])
    return _page(request, services, user, kind=kind, resident=fresh, notice=done)


def _record(
    services: Services, user: PageUser, kind: str, key: str, resident_id: str, form: dict[str, str]
) -> dict[str, Any]:
    count, minutes = amount(form)
    on = _day(form["occurred_on"])
    note = form["note"].strip()
    if kind == "deduction" and not note:
        raise DomainError("扣分须写明原因（证据说明）", field="note")
    cmd = command(services, user, key, {"kind": kind, "resident": resident_id, **form})
    rid = UUID(resident_id)
    if kind == "award":
        outcome = services.bank.award(cmd, rid, form["rule_code"], count, on, note, minutes=minutes)
    else:
        rule = services.bank.rule(form["rule_code"])
        assert user.actor.community_id is not None
        quantity = rule.quantity_for(user.actor.community_id, count, minutes)
        outcome = services.bank.deduct(cmd, rid, form["rule_code"], quantity, on, note)
    settle(services, outcome)
    return dict(outcome.body)
