"""Annual points: rankings, civilised-family candidates, annual statements and their exports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import StreamingResponse

from api import report_views as reports
from api import routes
from api.deps import ActorDep, ServicesDep, visible
from api.exports import MEDIA_TYPES, Column, Format, export
from api.fields import Code
from api.openapi import files, refusals
from api.services import Services
from pointsbank.domain.common import Actor, DomainError, Forbidden, Role
from pointsbank.domain.year import FIRST_YEAR, LAST_YEAR
from projections.rankings import RankCursor, Scope

router = routes.router(tags=["annual points"])
Year = Annotated[int, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="calendar year, local time")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
Limit = Annotated[int, Query(ge=1, le=1000)]
After = Annotated[
    str | None,
    Query(
        pattern=r"^-?[0-9]{1,18}:[0-9a-f-]{36}$",
        description="the previous page's `next` (keyset paging; faster than `offset` deep in a "
        "ranking, and stable while points change); `offset` then counts from it",
    ),
]
FormatQuery = Annotated[Format, Query(description="csv or xlsx")]
DOWNLOAD: dict[str, Any] = {
    "response_class": StreamingResponse,
    "responses": files(*(media.split(";")[0] for media in MEDIA_TYPES.values())),
}
DOWNLOAD_WITH_403: dict[str, Any] = {
    **DOWNLOAD,
    "responses": {**DOWNLOAD["responses"], **refusals(403)},
}

RESIDENT_COLUMNS: list[Column] = [
    ("名次", "rank"),
    ("居民编号", "resident_id"),
    ("姓名", "name"),
    ("社区编号", "community_id"),
    ("网格", "grid"),
    ("党员", "party_member"),
    ("非户籍", "without_hukou"),
    ("年度积分", "points"),
]
HOUSEHOLD_COLUMNS: list[Column] = [
    ("名次", "rank"),
    ("家庭编号", "household_id"),
    ("家庭名称", "name"),
    ("社区编号", "community_id"),
    ("年度积分", "points"),
]
ENTRY_COLUMNS: list[Column] = [
    ("日期", "occurred_on"),
    ("类型", "kind"),
    ("规则", "rule_code"),
    ("类别", "category"),
    ("积分", "points"),
    ("年度累计", "running_total"),
    ("事由", "reason"),
    ("记录时间", "recorded_at"),
    ("版本", "version"),
]
HOUSEHOLD_ENTRY_COLUMNS: list[Column] = [
    ("居民编号", "resident_id"),
    ("姓名", "name"),
    *ENTRY_COLUMNS,
]


def community_scope(
    actor: Actor, community_id: UUID | None, *, required: bool = False
) -> str | None:
    """Staff and clerks see their own community; admins and auditors any, or the whole street."""
    if actor.role in (Role.STAFF, Role.CLERK):
        if community_id is not None and community_id != actor.community_id:
            raise Forbidden("forbidden.other-community-annual")
        return str(actor.community_id)
    if required and community_id is None:
        raise DomainError("invalid-command.community-required", field="community_id")
    return str(community_id) if community_id is not None else None


def visible_household(services: Services, actor: Actor, household_id: UUID) -> dict[str, Any]:
    return visible(actor, services.queries.household(household_id), "household", household_id)


def resident_rows(
    services: Services,
    actor: Actor,
    year: int,
    community_id: UUID | None,
    party_member: bool | None,
    grid: str | None,
) -> Iterator[dict[str, Any]]:
    scope = Scope(year, community_scope(actor, community_id), party_member, grid)
    return services.rankings.residents(scope)


@router.get("/rankings/residents", response_model=reports.ResidentRanking, responses=refusals(403))
def resident_ranking(
    services: ServicesDep,
    actor: ActorDep,
    year: Year,
    community_id: UUID | None = None,
    party_member: bool | None = None,
    grid: Annotated[Code | None, Query()] = None,
    offset: Offset = 0,
    limit: Limit = 100,
    after: After = None,
) -> dict[str, Any]:
    """Residents ranked by annual points (1-2-2-4; ties listed by resident id)."""
    scope = Scope(year, community_scope(actor, community_id), party_member, grid)
    rows = services.rankings.resident_page(scope, offset, limit, cursor(after))
    return {"year": year, "rows": rows, "next": next_cursor(rows, limit, "resident_id")}


@router.get("/rankings/residents/export", **DOWNLOAD_WITH_403)
def export_resident_ranking(
    services: ServicesDep,
    actor: ActorDep,
    year: Year,
    format: FormatQuery = Format.XLSX,
    community_id: UUID | None = None,
    party_member: bool | None = None,
    grid: Annotated[Code | None, Query()] = None,
) -> StreamingResponse:
    """Download the residents' ranking as CSV or XLSX (streamed)."""
    rows = resident_rows(services, actor, year, community_id, party_member, grid)
    return export(format, f"居民年度积分排名-{year}", "居民排名", RESIDENT_COLUMNS, rows)


@router.get(
    "/rankings/households", response_model=reports.HouseholdRanking, responses=refusals(403)
)
def household_ranking(
    services: ServicesDep,
    actor: ActorDep,
    year: Year,
    community_id: UUID | None = None,
    offset: Offset = 0,
    limit: Limit = 100,
    after: After = None,
) -> dict[str, Any]:
    """Households ranked by annual points (1-2-2-4; ties listed by household id)."""
    scope = Scope(year, community_scope(actor, community_id))
    rows = services.rankings.household_page(scope, offset, limit, cursor(after))
    return {"year": year, "rows": rows, "next": next_cursor(rows, limit, "household_id")}


def cursor(after: str | None) -> RankCursor | None:
    return RankCursor.parse(after) if after else None


def next_cursor(rows: list[dict[str, Any]], limit: int, id_column: str) -> str | None:
    """The keyset cursor of the page after this one; None on the last page."""
    if len(rows) < limit:
        return None
    return str(RankCursor(int(rows[-1]["points"]), str(rows[-1][id_column])))


@router.get("/rankings/households/export", **DOWNLOAD_WITH_403)
def export_household_ranking(
    services: ServicesDep,
    actor: ActorDep,
    year: Year,
    format: FormatQuery = Format.XLSX,
    community_id: UUID | None = None,
) -> StreamingResponse:
    """Download the households' ranking as CSV or XLSX (streamed)."""
    rows = services.rankings.households(Scope(year, community_scope(actor, community_id)))
    return export(format, f"家庭年度积分排名-{year}", "家庭排名", HOUSEHOLD_COLUMNS, rows)


@router.get("/rankings/candidates", response_model=reports.Candidates, responses=refusals(403))
def civilised_family_candidates(
    services: ServicesDep,
    actor: ActorDep,
    year: Year,
    community_id: UUID | None = None,
    top: Annotated[int | None, Query(ge=1, le=1000)] = None,
    threshold: Annotated[int | None, Query(ge=0, le=1_000_000_000)] = None,
) -> dict[str, Any]:
    """Civilised-family (文明家庭) candidates: top N or at/above a threshold, none disqualified."""
    community = community_scope(actor, community_id, required=True)
    assert community is not None
    if top is None and threshold is None:
        top = 10
    return services.rankings.candidates(community, year, top, threshold)


@router.get("/residents/{resident_id}/annual", response_model=reports.ResidentAnnual)
def resident_annual(
    resident_id: UUID, services: ServicesDep, actor: ActorDep, year: Year
) -> dict[str, Any]:
    """A resident's annual points by category, with every entry and the running total."""
    visible(actor, services.queries.resident(resident_id), "resident", resident_id)
    return services.statements.resident(str(resident_id), year)


@router.get("/residents/{resident_id}/annual/export", **DOWNLOAD)
def export_resident_annual(
    resident_id: UUID,
    services: ServicesDep,
    actor: ActorDep,
    year: Year,
    format: FormatQuery = Format.XLSX,
) -> StreamingResponse:
    """Download a resident's annual statement as CSV or XLSX."""
    visible(actor, services.queries.resident(resident_id), "resident", resident_id)
    rows = services.statements.resident_entries(str(resident_id), year)
    return export(format, f"居民年度积分明细-{year}", "积分明细", ENTRY_COLUMNS, rows)


@router.get("/households/{household_id}/statement", response_model=reports.HouseholdAnnual)
def household_statement(
    household_id: UUID, services: ServicesDep, actor: ActorDep, year: Year
) -> dict[str, Any]:
    """A household's annual statement: members' entries while members, totals, running total."""
    household = visible_household(services, actor, household_id)
    return {"name": household["name"], **services.statements.household(str(household_id), year)}


@router.get("/households/{household_id}/statement/export", **DOWNLOAD)
def export_household_statement(
    household_id: UUID,
    services: ServicesDep,
    actor: ActorDep,
    year: Year,
    format: FormatQuery = Format.XLSX,
) -> StreamingResponse:
    """Download a household's annual statement as CSV or XLSX."""
    visible_household(services, actor, household_id)
    rows = services.statements.household_entries(str(household_id), year)
    return export(format, f"家庭年度积分明细-{year}", "积分明细", HOUSEHOLD_ENTRY_COLUMNS, rows)
