"""The auditor's API: read-only integrity checks, point-in-time views, activity and exports.

Every route here only reads. `install_read_only_guard` makes the auditor role unable to change
anything anywhere: any request of an auditor's token other than GET/HEAD/OPTIONS is refused.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, FastAPI, Path, Query
from fastapi.responses import StreamingResponse

from api import report_views as reports
from api import routes
from api.auditing import verify_all
from api.deps import ActorDep, ServicesDep
from api.fields import Day, Moment, Name
from api.fields import Position as LogPosition
from api.openapi import files, refusals
from api.read_only import AuditorsReadOnly
from api.services import PROJECTIONS
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Actor, DomainError, NotFound, Role
from projections.audit_queries import AsOf
from projections.chain import chained_after, stored_digests
from projections.export import export_lines
from projections.rankings import Scope
from projections.replay import replay as run_replay
from projections.year_replay import rankings_as_of as replay_rankings


async def auditor(actor: ActorDep) -> Actor:
    # async: no I/O, so no worker thread for it.
    require_role(actor, Role.AUDITOR, Role.ADMIN)
    return actor


router = routes.router(
    prefix="/audit", tags=["audit"], dependencies=[Depends(auditor)], responses=refusals(403)
)
Position = Annotated[int | None, Query(ge=0, le=2**62, description="as of this log position")]
At = Annotated[Moment | None, Query(description="as of this moment (ISO 8601, UTC if no zone)")]


async def as_of(position: Position = None, at: At = None) -> AsOf:
    if position is not None and at is not None:
        raise DomainError("invalid-command.position-or-at", field="at")
    return AsOf(position=position, at=at)


AsOfDep = Annotated[AsOf, Depends(as_of)]


@router.get("/verify", response_model=reports.Verification)
def verify(services: ServicesDep) -> dict[str, Any]:
    """Recompute the hash chain from the events; check the stored chain and signed digests.

    `ok` holds only when the chain is intact and anchored by a digest signed with the street's
    published key; `chain_ok` alone means the records agree with their chain, nothing more."""
    result = verify_all(services)
    return {
        "ok": result.verified,
        "chain_ok": result.ok,
        "signatures": result.signatures,
        "trusted_key": result.trusted_key,
        "trust_problem": result.trust_problem,
        "anchored_position": result.anchored_position,
        "unanchored": chained_after(services.db, result.anchored_position),
        "failed_position": result.failed_position,
        "failure": result.failure,
        "checked": result.checked,
        "head_position": result.head_position,
        "head": result.head,
        "digests": result.digests,
        "unchained": result.unchained,
        "notes": result.notes,
    }


@router.get("/chain", response_model=reports.ChainHead)
def chain_head(services: ServicesDep) -> dict[str, Any]:
    """The hash chain's head: the last chained position and its hash."""
    position, head = services.chain.head()
    return {"position": position, "head": head}


@router.get("/chain/{position}", response_model=reports.ChainHash)
def chain_hash(
    position: Annotated[int, Path(ge=0, le=2**62)], services: ServicesDep
) -> dict[str, Any]:
    """The chain hash stored at a log position (to check an export or digest against)."""
    found = services.audit.chain_hash(position)
    if found is None:
        raise NotFound("not-found.position", position=position)
    return {"position": position, "hash": found}


@router.get("/digests", response_model=list[reports.SignedDigest])
def digests(services: ServicesDep) -> list[dict[str, Any]]:
    """Every signed digest of the chain's head published so far."""
    return [d.to_json() for d in stored_digests(services.db)]


@router.get("/replay", response_model=reports.Replay)
def replay(services: ServicesDep) -> dict[str, Any]:
    """Rebuild every read model from the log into a scratch area and diff it with live."""
    report = run_replay(services.bank, services.db, PROJECTIONS)
    return {
        "ok": report.ok,
        "position": report.position,
        "events": report.events,
        "seconds": round(report.seconds, 3),
        "rows": report.rows,
        "differing": report.differing,
        "differences": [
            {"table": table, "side": side, "row": row} for table, side, row in report.shown
        ],
    }


@router.get("/residents/{resident_id}/balance", response_model=reports.BalanceAsOf)
def balance_as_of(resident_id: UUID, services: ServicesDep, point: AsOfDep) -> dict[str, Any]:
    """A resident's balance and totals as of a log position or a moment."""
    row = services.audit.balance_as_of(resident_id, point)
    if row is None:
        raise NotFound("not-found.resident", resident_id=str(resident_id))
    return row


@router.get("/residents/{resident_id}/statement", response_model=reports.StatementAsOf)
def statement_as_of(
    resident_id: UUID,
    services: ServicesDep,
    point: AsOfDep,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> dict[str, Any]:
    """A resident's statement as it stood at a log position or a moment."""
    row = balance_as_of(resident_id, services, point)
    entries = services.audit.statement_as_of(resident_id, point, limit)
    return {**row, "entries": entries}


@router.get("/rankings", response_model=reports.RankingsAsOf)
def rankings_as_of(
    services: ServicesDep,
    point: AsOfDep,
    year: Annotated[int, Query(ge=2000, le=2100)],
    community_id: UUID | None = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Household and resident rankings of a year as they stood at a log position or a moment,
    replayed from the event log alone."""
    position = services.audit.position_of(point, services.projector.position())
    scope = Scope(year, str(community_id) if community_id else None)
    return replay_rankings(services.bank, PROJECTIONS, scope, position, offset, limit)


@router.get("/actors/{actor_id}/activity", response_model=reports.ActorActivity)
def activity(
    actor_id: Name,
    services: ServicesDep,
    since: Annotated[Day, Query(description="first day (street's time zone)")],
    until: Annotated[Day, Query(description="last day, inclusive")],
    after: Annotated[LogPosition, Query(description="continue after this position")] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> dict[str, Any]:
    """Everything an actor did between two dates, in log order."""
    zone = services.settings.zone
    start = datetime.combine(since, time(), zone)
    end = datetime.combine(until + timedelta(days=1), time(), zone)
    rows = services.audit.activity(actor_id, start, end, after, limit)
    return {"actor_id": actor_id, "since": since, "until": until, "events": rows}


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses=files("application/x-ndjson"),
)
def export(
    services: ServicesDep,
    start: Annotated[LogPosition, Query(ge=1)] = 1,
    stop: Annotated[LogPosition | None, Query(ge=1)] = None,
    community_id: UUID | None = None,
) -> StreamingResponse:
    """Events with positions and chain hashes as JSON lines (`pointsbank audit verify-export`)."""
    lines = export_lines(
        services.bank, services.db, services.settings.street_name, start, stop, community_id
    )
    return StreamingResponse((line + "\n" for line in lines), media_type="application/x-ndjson")


def install_read_only_guard(app: FastAPI) -> None:
    """Refuse every change requested with an auditor's token, whatever the route."""
    app.add_middleware(AuditorsReadOnly)
