"""The auditor's page (审计): verify the chain and digests, replay the log against the read
models, balances and rankings as of a date, and a verifiable export; all read-only (GET)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.auditing import verify_all
from api.deps import ServicesDep
from api.exports import cell
from api.pages import PageUser, render
from api.pages.jobs import Jobs
from api.pages.rankings import Year, this_year
from api.services import PROJECTIONS, Services
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Role
from pointsbank.registry import PersonalDataRegistry
from pointsbank.sheet_people import SEPARATORS
from projections.audit_queries import AsOf
from projections.rankings import Scope
from projections.replay import replay as run_replay
from projections.year_replay import rankings_as_of

router = APIRouter(prefix="/ui/audit", include_in_schema=False)
Text = Annotated[str, Query(max_length=64)]
TOP = 20


def _jobs(request: Request) -> Jobs:
    if not hasattr(request.app.state, "page_jobs"):
        request.app.state.page_jobs = Jobs()
    jobs: Jobs = request.app.state.page_jobs
    return jobs


@router.get("")
def audit_page(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    contact: Text = "",
    on: Text = "",
    year: Year = None,
    community: Text = "",
    what: Text = "",
) -> HTMLResponse:
    require_role(user.actor, Role.AUDITOR, Role.ADMIN)
    communities = services.queries.communities()
    context: dict[str, Any] = {"errors": {}}
    if what:
        context = _point_in_time(services, communities, what, contact, on, year, community)
    return render(
        request,
        services,
        "audit/index.html",
        user,
        422 if context["errors"] else 200,
        contact=contact,
        on=on,
        year=year or this_year(services),
        community=community,
        what=what,
        community_options=[("", "全街道")] + [(c["code"], c["name"]) for c in communities],
        export_options=communities,
        **context,
    )


def _day_end(services: Services, on: str) -> datetime | None:
    """The end of a local day, as the moment entries recorded by then are counted up to."""
    try:
        day = date.fromisoformat(on.strip())
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=1), time(), services.settings.zone)


def _point_in_time(
    services: Services,
    communities: list[Any],
    what: str,
    contact: str,
    on: str,
    year: int | None,
    community: str,
) -> dict[str, Any]:
    moment = _day_end(services, on)
    if moment is None:
        return {"errors": {"on": "请填写日期，如 2026-06-30"}}
    point = AsOf(at=moment)
    if what == "balance":
        resident_id = _resident(services.registry, communities, contact)
        if resident_id is None:
            return {"errors": {"contact": "找不到这个手机号或身份证号的居民，请核对"}}
        person = services.registry.get(resident_id)
        balance = services.audit.balance_as_of(resident_id, point)
        return {"errors": {}, "balance": balance, "person": person}
    chosen = next((c["community_id"] for c in communities if c["code"] == community), None)
    position = services.audit.position_of(point, services.projector.position())
    scope = Scope(year or moment.year, chosen)
    ranking = rankings_as_of(services.bank, PROJECTIONS, scope, position, 0, TOP)
    return {"errors": {}, "ranking": ranking}


def _resident(registry: PersonalDataRegistry, communities: list[Any], contact: str) -> UUID | None:
    wanted = SEPARATORS.sub("", contact)
    for community in communities:
        found = registry.residents_by_contact(UUID(community["community_id"]), wanted)
        if found:
            return found[0]
    return None


@router.get("/run/{kind}")
def run(request: Request, services: ServicesDep, user: PageUser, kind: str) -> HTMLResponse:
    """Start a verification or a replay; the fragment returned polls until it is done."""
    require_role(user.actor, Role.AUDITOR, Role.ADMIN)
    work = {"verify": lambda: _verify(services), "replay": lambda: _replay(services)}
    if kind not in work:
        kind = "verify"
    job_id = _jobs(request).start(kind, work[kind])
    return _job_fragment(request, services, user, job_id)


@router.get("/jobs/{job_id}")
def job(request: Request, services: ServicesDep, user: PageUser, job_id: str) -> HTMLResponse:
    require_role(user.actor, Role.AUDITOR, Role.ADMIN)
    return _job_fragment(request, services, user, job_id)


def _job_fragment(
    request: Request, services: Services, user: PageUser, job_id: str
) -> HTMLResponse:
    found = _jobs(request).get(job_id)
    return render(
        request,
        services,
        "audit/job.html",
        user,
        job=found,
        job_id=job_id,
        table_names=TABLE_NAMES,
        cell=cell,
    )


def _verify(services: Services) -> dict[str, Any]:
    services.chain.catch_up()
    result = verify_all(services)
    return {
        "ok": result.ok,
        "verified": result.verified,
        "signatures": result.signatures,
        "checked": result.checked,
        "head_position": result.head_position,
        "head": result.head,
        "digests": result.digests,
        "anchored_position": result.anchored_position,
        "failed_position": result.failed_position,
        "unchained": result.unchained,
    }


def _replay(services: Services) -> dict[str, Any]:
    report = run_replay(services.bank, services.db, PROJECTIONS)
    return {
        "ok": report.ok,
        "events": report.events,
        "position": report.position,
        "seconds": round(report.seconds, 1),
        "rows": report.rows,
        "differing": report.differing,
        "shown": report.shown,
    }


TABLE_NAMES = {
    "annual_residents": "个人年度积分",
    "annual_resident_categories": "个人分类积分",
    "annual_households": "家庭年度积分",
    "annual_contributions": "家庭成员贡献",
    "community_years": "年度结算",
    "rule_terms": "规则条款",
    "rule_overrides": "社区规则调整",
    "pending_approvals": "待审批",
    "activities": "活动",
    "activity_attendees": "活动签到",
    "sheet_imports": "导入记录",
    "communities": "社区",
    "grids": "网格",
    "rules": "积分规则",
    "residents": "居民余额",
    "households": "家庭",
    "household_members": "家庭成员",
    "statement_entries": "积分流水",
    "goods": "商品",
    "receipts": "兑换小票",
    "receipt_lines": "小票明细",
    "stock_movements": "库存变动",
    "actor_activity": "操作记录",
    "accounts": "账户",
}
