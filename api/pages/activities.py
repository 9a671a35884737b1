"""Activities (活动): plan a volunteer activity or council meeting, take attendance from a roster
(search, or the resident card's id or code typed or scanned), and close it, which awards everyone
present in one step; past activities keep who came and what each was awarded."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ServicesDep
from api.pages import PageUser, check_form, command, render, settle
from api.pages.points import require_staff, rule_options, whole
from api.services import Services
from pointsbank.domain.common import DomainError, NotFound
from projections.earning_queries import EarningQueries

router = APIRouter(prefix="/ui/activities", include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
KINDS = {"volunteer": "志愿活动", "council": "居民议事会"}


@router.get("", response_model=None)
def activities_page(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    """Open activities first, then past ones, newest first."""
    require_staff(user)
    rows = EarningQueries(services.db).activities(user.actor.community_id)
    return render(
        request, services, "activities/list.html", user,
        open=[r for r in rows if not r["closed"]], past=[r for r in rows if r["closed"]],
        kinds=KINDS,
    )  # fmt: skip


def _new(
    request: Request, services: Services, user: PageUser, status: int = 200, **ctx: Any
) -> HTMLResponse:
    today = services.now().astimezone(services.settings.zone).date().isoformat()
    form = {"held_on": today, "starts_at": "09:00", "capacity": "30", "organiser": "居委会",
            **ctx.pop("form", {})}  # fmt: skip
    rules = [(r["code"], r["label"]) for r in rule_options(services, "award")]
    return render(
        request, services, "activities/new.html", user, status, form=form, rules=rules, **ctx
    )


@router.get("/new", response_model=None)
def new_activity(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    """The form to plan an activity or a council meeting under a rule."""
    require_staff(user)
    return _new(request, services, user)


@router.post("", response_model=None)
def plan(
    request: Request, services: ServicesDep, user: PageUser,
    rule_code: Text = "", title: Text = "", held_on: Text = "", starts_at: Text = "",
    place: Text = "", capacity: Text = "", organiser: Text = "",
    csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """Plan the activity; then its roster page takes attendance."""
    check_form(request, user, csrf_token)
    require_staff(user)
    form = {"rule_code": rule_code, "title": title.strip(), "held_on": held_on,
            "starts_at": starts_at, "place": place.strip(), "capacity": capacity,
            "organiser": organiser.strip()}  # fmt: skip
    try:
        outcome = _plan(services, user, idempotency_key, form)
    except DomainError as exc:
        errors = {str(exc.extra.get("field", "title")): exc.detail}
        return _new(request, services, user, 422, form=form, errors=errors)
    return RedirectResponse(f"/ui/activities/{outcome.body['activity_id']}", status_code=303)


def _plan(services: Services, user: PageUser, key: str, form: dict[str, str]) -> Any:
    for name, label in (("title", "活动名称"), ("place", "地点"), ("organiser", "组织单位")):
        if not form[name]:
            raise DomainError(f"请填写{label}", field=name)
    try:
        held_on = date.fromisoformat(form["held_on"])
    except ValueError:
        raise DomainError("请填写活动日期，格式如 2026-03-01", field="held_on") from None
    if not TIME.fullmatch(form["starts_at"]):
        raise DomainError("请填写开始时间，格式如 09:30", field="starts_at")
    capacity = whole(form["capacity"], "capacity", "名额须在 1 到 10000 之间", 1, 10_000)
    community = user.actor.community_id
    assert community is not None
    cmd = command(services, user, key, form)
    outcome = services.earning.activities.plan(
        cmd, community, form["rule_code"], form["title"], held_on, form["starts_at"],
        form["place"], capacity, form["organiser"],
    )  # fmt: skip
    settle(services, outcome)
    return outcome


def _activity(services: Services, user: PageUser, activity_id: str) -> dict[str, Any]:
    try:
        row = EarningQueries(services.db).activity(UUID(activity_id))
    except ValueError:
        row = None
    if row is None or row["community_id"] != str(user.actor.community_id):
        raise NotFound("没有找到该活动")
    rule = next((r for r in rule_options(services, "award") if r["code"] == row["rule_code"]), None)
    row["per_hour"] = bool(rule and rule["per_hour"])
    row["rule_label"] = rule["label"] if rule else row["rule_code"]
    row["present"] = [a for a in row["attendees"] if a["attended"]]
    return row


def _roster(
    request: Request, services: Services, user: PageUser, activity_id: str, status: int = 200,
    **ctx: Any,
) -> HTMLResponse:  # fmt: skip
    activity = _activity(services, user, activity_id)
    q = ctx.pop("q", "")
    found = services.queries.find_residents(user.actor.community_id, q, 20) if q else []
    return render(
        request, services, "activities/activity.html", user, status,
        activity=activity, kinds=KINDS, q=q, found=found, form=ctx.pop("form", {}), **ctx,
    )  # fmt: skip


@router.get("/{activity_id}", response_model=None)
def activity_page(
    request: Request, services: ServicesDep, user: PageUser, activity_id: str,
    q: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:  # fmt: skip
    """The roster: who signed up and who came; attendance and the close while it is open."""
    require_staff(user)
    return _roster(request, services, user, activity_id, q=q.strip())


@router.get("/{activity_id}/found", response_model=None)
def found(
    request: Request, services: ServicesDep, user: PageUser, activity_id: str,
    resident: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:  # fmt: skip
    """Residents matching the roster's search box, each with a button to mark them present."""
    require_staff(user)
    activity = _activity(services, user, activity_id)
    q = resident.strip()
    rows = services.queries.find_residents(user.actor.community_id, q, 20) if q else []
    return render(
        request, services, "activities/found.html", user, activity=activity, found=rows, q=q
    )


@router.post("/{activity_id}/attendance", response_model=None)
def attend(
    request: Request, services: ServicesDep, user: PageUser, activity_id: str,
    resident: Text = "", resident_id: Text = "", hours: Text = "", minutes: Text = "",
    csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """Mark a resident present: picked from the search, or by card (id or code) typed or scanned."""
    check_form(request, user, csrf_token)
    require_staff(user)
    activity = _activity(services, user, activity_id)
    form = {"resident": resident, "hours": hours, "minutes": minutes}
    try:
        chosen = _attendee(services, user, resident_id or resident)
        served = _minutes(form) if activity["per_hour"] else None
        cmd = command(services, user, idempotency_key, {"activity": activity_id, "who": chosen,
                                                        "minutes": served})  # fmt: skip
        outcome = services.earning.activities.record_attendance(
            cmd, UUID(activity_id), UUID(chosen), served
        )
        settle(services, outcome)
    except Ambiguous as many:
        return _roster(request, services, user, activity_id, 422, q=many.query, form=form,
                       errors={"resident": many.detail})  # fmt: skip
    except DomainError as exc:
        field = "minutes" if exc.extra.get("field") == "minutes" else "resident"
        return _roster(request, services, user, activity_id, 422, form=form,
                       errors={field: exc.detail})  # fmt: skip
    return _roster(request, services, user, activity_id, notice="已签到")


class Ambiguous(DomainError):
    """The text names several residents: the page lists them to pick one."""

    def __init__(self, text: str) -> None:
        super().__init__("找到多名居民，请在下面的名单中选择", field="resident")
        self.query = text  # `text` is the message lookup of every DomainError


def _attendee(services: Services, user: PageUser, text: str) -> str:
    """The resident id a pick, a scanned or typed card (id or `PB-` code), a name or phone names."""
    text = text.strip()
    if not text:
        raise DomainError("请输入居民姓名、电话或居民卡号", field="resident")
    community = user.actor.community_id
    rows = services.queries.resident_by_card(community, text)
    if not rows:
        rows = services.queries.find_residents(community, text, 20)
    if not rows:
        raise DomainError("没有找到该居民，请核对卡号或换个姓名、电话", field="resident")
    if len(rows) > 1:
        raise Ambiguous(text)
    return str(rows[0]["resident_id"])


def _minutes(form: dict[str, str]) -> int:
    hours = whole(form["hours"], "minutes", "小时数须在 0 到 24 之间", 0, 24)
    minutes = whole(form["minutes"], "minutes", "分钟数须在 0 到 1440 之间")
    total = hours * 60 + minutes
    if not 0 < total <= 1440:
        raise DomainError("按小时计分的活动须填写服务时长（1 分钟到 24 小时）", field="minutes")
    return total


@router.post("/{activity_id}/close", response_model=None)
def close(
    request: Request, services: ServicesDep, user: PageUser, activity_id: str,
    csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """Close the activity: everyone present is awarded in one step; refusals are listed."""
    check_form(request, user, csrf_token)
    require_staff(user)
    _activity(services, user, activity_id)
    try:
        cmd = command(services, user, idempotency_key, {"close": activity_id})
        outcome = services.earning.activities.close(cmd, UUID(activity_id))
        settle(services, outcome)
    except DomainError as exc:
        return _roster(request, services, user, activity_id, 422, error=exc.detail)
    body = outcome.body
    pending, refused = len(body["pending"]), len(body["refused"])
    done = len(body["awarded"]) - pending
    notice = f"活动已结束：{done} 人已入账，{pending} 人待审批，{refused} 人未发放"
    return _roster(request, services, user, activity_id, notice=notice)
