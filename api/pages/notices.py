"""Public notice management (公示管理): staff publish a year's civilised-family candidates for a
notice period, read the objections, record a finding on each, and finalise the list once the
period has ended; the final list prints. Residents' side: api/pages/notice.py."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ServicesDep
from api.pages import PageUser, check_form, command, field_errors, render, settle
from api.pages.points import require_staff
from api.pages.rankings import this_year
from api.services import Services
from pointsbank.domain.common import DomainError
from pointsbank.domain.masking import mask_name
from pointsbank.domain.notice import DEFAULT_DAYS, MAX_DAYS
from pointsbank.domain.year import FIRST_YEAR, LAST_YEAR
from pointsbank.notices import DEFAULT_TOP

router = APIRouter(prefix="/ui/notices", include_in_schema=False)
Text = Annotated[str, Form(max_length=500)]
FormYear = Annotated[int, Form(ge=FIRST_YEAR, le=LAST_YEAR)]
PathYear = Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR)]
Year = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)]
FINDINGS = {None: "待核查", True: "异议成立，已移出名单", False: "异议不成立，保留"}


def latest_year(services: Services, community_id: UUID) -> int:
    """This year's notice, else last year's (published after the year ended), else this year."""
    now = this_year(services)
    return services.notice_queries.latest_year(str(community_id), (now, now - 1)) or now


def find_notice(services: Services, community_id: UUID, year: int) -> dict[str, Any] | None:
    return services.notice_queries.notice(str(community_id), year)


def board(services: Services, notice: dict[str, Any]) -> dict[str, Any]:
    """A notice as a page shows it: state, local end of the period, households with their
    members' names masked (张*华) and the household's name, which carries its door number."""
    ends = datetime.fromisoformat(notice["ends_at"])
    households = []
    for h in notice["households"]:
        members = services.rankings.breakdown(h["household_id"], notice["year"])["by_member"]
        masked = "、".join(mask_name(m["name"]) or "（已删除）" for m in members)
        households.append({**h, "members": masked, "removed": h["removed_reason"]})
    listed = [h for h in households if h["removed"] is None]
    return {
        "notice_id": notice["notice_id"],
        "year": notice["year"],
        "final": notice["final"],
        "state": "已定稿" if notice["final"] else "公示中",
        "ends": _local(services, ends),
        "ended": services.now() >= ends,
        "households": households,
        "listed": listed,
        "options": [(h["household_id"], h["name"]) for h in listed],
    }


def objections(
    services: Services, notice: dict[str, Any], resident_id: UUID | None = None
) -> list[dict[str, Any]]:
    """The notice's objections with their words (only `resident_id`'s, when given) and their
    authors' names for staff, who read them to find."""
    words = services.registry.objection_reasons(UUID(notice["notice_id"]))
    names = {h["household_id"]: h["name"] for h in notice["households"]}
    rows = []
    for o in notice["objections"]:
        if resident_id is not None and o["resident_id"] != str(resident_id):
            continue
        author = services.registry.get(UUID(o["resident_id"])) if resident_id is None else None
        rows.append(
            {
                **o,
                "lodged": _local(services, datetime.fromisoformat(o["lodged_at"])),
                "household": names.get(o["household_id"], ""),
                "author": author.name if author else "（已删除）",
                "words": words.get(o["objection_id"], "（已删除）"),
                "state": FINDINGS[o["upheld"]],
            }
        )
    return rows


def _local(services: Services, moment: datetime) -> str:
    return f"{moment.astimezone(services.settings.zone):%Y-%m-%d %H:%M}"


def _page(
    request: Request,
    services: Services,
    user: PageUser,
    year: int,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    community_id = UUID(str(user.actor.community_id))
    notice = find_notice(services, community_id, year)
    extra: dict[str, Any] = {"board": None, "objections": [], "candidates": []}
    if notice is not None:
        extra.update(board=board(services, notice), objections=objections(services, notice))
    else:
        extra["candidates"] = services.rankings.candidates(
            str(community_id), year, DEFAULT_TOP, None
        )["candidates"]
    return render(
        request,
        services,
        "notices/staff.html",
        user,
        status,
        year=year,
        default_days=DEFAULT_DAYS,
        max_days=MAX_DAYS,
        default_top=DEFAULT_TOP,
        **{**extra, **context},
    )


@router.get("")
def notices_page(
    request: Request, services: ServicesDep, user: PageUser, year: Year = None
) -> HTMLResponse:
    """The community's notice of a year: publish it, or follow its objections to the end."""
    require_staff(user)
    year = year or latest_year(services, UUID(str(user.actor.community_id)))
    return _page(request, services, user, year)


@router.post("/publish", response_model=None)
def publish(
    request: Request, services: ServicesDep, user: PageUser, year: FormYear,
    days: Text = str(DEFAULT_DAYS), top: Text = str(DEFAULT_TOP),
    csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """Publish the year's top candidates for a notice period of `days` days."""
    check_form(request, user, csrf_token)
    require_staff(user)
    errors = {}
    if not days.strip().isdigit():
        errors["days"] = f"请填写 1 至 {MAX_DAYS} 之间的天数"
    if not top.strip().isdigit() or not 1 <= int(top) <= 1000:
        errors["top"] = "请填写 1 至 1000 之间的户数"
    if errors:
        return _page(request, services, user, year, 422, errors=errors)
    fields = {"year": year, "days": days, "top": top}
    try:
        cmd = command(services, user, idempotency_key, fields)
        community_id = UUID(str(user.actor.community_id))
        outcome = services.notices.publish(cmd, community_id, year, int(days), int(top))
        settle(services, outcome)
    except DomainError as exc:
        return _page(request, services, user, year, 422, errors=field_errors(exc, "days"))
    return _page(request, services, user, year, notice=f"{year} 年度候选名单已公示 {days} 天。")


@router.post("/{year}/objections/{objection_id}", response_model=None)
def find(
    request: Request, services: ServicesDep, user: PageUser, year: PathYear, objection_id: UUID,
    upheld: Text = "", reason: Text = "", csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """Record the finding on one objection: upheld removes the household, with the reason."""
    check_form(request, user, csrf_token)
    require_staff(user)
    key = str(objection_id)
    fields = {"objection": key, "upheld": upheld, "reason": reason}
    try:
        if upheld not in ("yes", "no"):
            raise DomainError("请选择异议是否成立", field="upheld")
        if not reason.strip():
            raise DomainError("请写明核查结论的理由", field="reason")
        cmd = command(services, user, idempotency_key, fields)
        community_id = UUID(str(user.actor.community_id))
        outcome = services.notices.record_finding(
            cmd, community_id, year, objection_id, upheld == "yes", reason.strip()
        )
        settle(services, outcome)
    except DomainError as exc:
        row_errors = {key: exc.detail}
        return _page(request, services, user, year, 422, row_errors=row_errors, form=fields)
    return _page(request, services, user, year, notice="核查结论已记录。")


@router.post("/{year}/finalise", response_model=None)
def finalise(
    request: Request, services: ServicesDep, user: PageUser, year: PathYear,
    csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """Make the list final: only once the period has ended and every objection is found."""
    check_form(request, user, csrf_token)
    require_staff(user)
    try:
        cmd = command(services, user, idempotency_key, {"year": year, "finalise": True})
        community_id = UUID(str(user.actor.community_id))
        settle(services, services.notices.finalise(cmd, community_id, year))
    except DomainError as exc:
        return _page(request, services, user, year, 409, errors={"finalise": exc.detail})
    return _page(request, services, user, year, notice=f"{year} 年度文明家庭名单已定稿。")
