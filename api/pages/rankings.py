"""The rankings page (排名): household and individual rankings of any year and community,
civilised-family candidates with why each household was left out, charts, printable exports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from api.deps import ServicesDep
from api.exports import CATEGORIES, Column, Format, export
from api.pages import PageUser, render
from api.services import Services
from pointsbank.domain.common import Forbidden, Role
from pointsbank.domain.year import FIRST_YEAR, LAST_YEAR
from projections.charts import YearCharts
from projections.rankings import Scope

router = APIRouter(prefix="/ui/rankings", include_in_schema=False)
PAGE_SIZE = 50
VIEWS = {"households": "家庭排名", "residents": "个人排名", "candidates": "文明家庭候选"}
VIEWS["charts"] = "图表"
Year = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)]
HOUSEHOLD_COLUMNS: list[Column] = [("名次", "rank"), ("家庭", "name"), ("年度积分", "points")]
RESIDENT_COLUMNS: list[Column] = [("名次", "rank"), ("姓名", "name"), ("网格", "grid")]
RESIDENT_COLUMNS += [("党员", "party_member"), ("非户籍", "without_hukou"), ("年度积分", "points")]
ID_COLUMNS = {"households": ("家庭编号", "household_id"), "residents": ("居民编号", "resident_id")}


def scope_of(services: Services, user: PageUser, community: str) -> tuple[str | None, list[Any]]:
    """Staff see their own community; the admin and auditors any community or the whole street."""
    communities = services.queries.communities()
    if user.actor.role is Role.STAFF:
        own = str(user.actor.community_id)
        return own, [c for c in communities if c["community_id"] == own]
    if user.actor.role not in (Role.ADMIN, Role.AUDITOR):
        raise Forbidden("只有社区工作人员、街道管理员和审计可以查看排名")
    chosen = next((c["community_id"] for c in communities if c["code"] == community), None)
    return chosen, communities


def this_year(services: Services) -> int:
    return services.now().astimezone(services.settings.zone).year


@router.get("")
def rankings(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    year: Year = None,
    community: Annotated[str, Query(max_length=64)] = "",
    view: Annotated[str, Query(max_length=20)] = "households",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    top: Annotated[int, Query(ge=1, le=1000)] = 10,
) -> HTMLResponse:
    community_id, communities = scope_of(services, user, community)
    year = year or this_year(services)
    view = view if view in VIEWS else "households"
    if view == "candidates" and community_id is None:
        community_id = communities[0]["community_id"] if communities else None
        community = communities[0]["code"] if communities else ""
    context: dict[str, Any] = {"rows": [], "total": 0}
    if view in ("households", "residents"):
        context = _ranking(services, view, Scope(year, community_id), page)
    elif view == "candidates" and community_id is not None:
        context = {"candidates": _candidates(services, community_id, year, top)}
    elif view == "charts":
        context = _charts(services, year, community_id)
    return render(
        request,
        services,
        "rankings/index.html",
        user,
        year=year,
        community=community,
        community_options=_options(user, communities),
        view=view,
        views=VIEWS,
        page=page,
        page_size=PAGE_SIZE,
        top=top,
        categories=CATEGORIES,
        **context,
    )


def _options(user: PageUser, communities: list[Any]) -> list[tuple[str, str]]:
    street = [("", "全街道")] if user.actor.role is not Role.STAFF else []
    return street + [(c["code"], c["name"]) for c in communities]


def _rows(services: Services, view: str, scope: Scope) -> Iterator[dict[str, Any]]:
    if view == "households":
        return services.rankings.households(scope)
    return services.rankings.residents(scope)


def _ranking(services: Services, view: str, scope: Scope, page: int) -> dict[str, Any]:
    rows = list(_rows(services, view, scope))
    start = (page - 1) * PAGE_SIZE
    return {"rows": rows[start : start + PAGE_SIZE], "total": len(rows)}


def _candidates(services: Services, community_id: str, year: int, top: int) -> dict[str, Any]:
    """Candidates, and each excluded household's disqualifying deductions with who incurred them."""
    found = services.rankings.candidates(community_id, year, top, None)
    for household in found["excluded"]:
        for deduction in household["deductions"]:
            person = services.registry.get(UUID(deduction["resident_id"]))
            deduction["name"] = person.name if person else "（已删除）"
    return found


def _charts(services: Services, year: int, community_id: str | None) -> dict[str, Any]:
    charts = YearCharts(services.db)
    months = charts.by_month(year, community_id)
    categories = charts.by_category(year, community_id)
    return {
        "months": months,
        "by_category": categories,
        "residents": charts.residents(community_id),
        "most_points": max([abs(int(m["points"])) for m in months] + [1]),
        "most_category": max([abs(int(c["points"])) for c in categories] + [1]),
    }


@router.get("/export")
def export_ranking(
    services: ServicesDep,
    user: PageUser,
    year: Year = None,
    community: Annotated[str, Query(max_length=64)] = "",
    view: Annotated[str, Query(max_length=20)] = "households",
    ids: bool = False,
) -> StreamingResponse:
    """The ranking as an XLSX ready to print; internal ids only when asked for."""
    community_id, communities = scope_of(services, user, community)
    year = year or this_year(services)
    view = view if view in ID_COLUMNS else "households"
    columns = list(HOUSEHOLD_COLUMNS if view == "households" else RESIDENT_COLUMNS)
    if ids:
        columns.insert(1, ID_COLUMNS[view])
    name = next((c["name"] for c in communities if c["community_id"] == community_id), "全街道")
    title = f"{name}{year}年度{VIEWS[view]}"
    rows = _rows(services, view, Scope(year, community_id))
    return export(Format.XLSX, title, VIEWS[view], columns, rows)
