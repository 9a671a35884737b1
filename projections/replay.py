"""Replays the whole log into a scratch copy of the read models and diffs it with the live ones.

The live side is read in one snapshot (its projected position is read in that snapshot too),
the scratch side is projected from the log alone up to exactly that position with the same
projection handlers, and each table is compared as two streams ordered the same way, so memory
does not grow with the number of events or rows.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

from pointsbank.application import PointsBank
from pointsbank.db import Database, PostgresDatabase, SQLiteDatabase
from projections.projector import REBUILD_BATCH, TRACKING_NAME, Projection, project
from projections.snapshot import Snapshot, open_snapshot

Progress = Callable[[int, int], None]
SHOWN_PER_TABLE = 20


@dataclass
class ReplayReport:
    position: int
    events: int = 0
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    differing: dict[str, int] = field(default_factory=dict)
    shown: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(self.differing.values())


def replay(
    bank: PointsBank,
    db: Database,
    projections: Sequence[Projection],
    on_progress: Progress | None = None,
    batch_size: int = REBUILD_BATCH,
) -> ReplayReport:
    """Rebuild `projections` from the log into a scratch area and compare them with live."""
    tables = [table for projection in projections for table in projection.tables]
    started = time.perf_counter()
    with scratch_area(db, tables) as scratch, open_snapshot(db) as live:
        position = live.position(TRACKING_NAME)
        report = ReplayReport(position)
        report.events = _project(bank, scratch, projections, position, on_progress, batch_size)
        with open_snapshot(scratch) as rebuilt:
            for table in tables:
                _compare(table, live, rebuilt, report)
    report.seconds = time.perf_counter() - started
    return report


@contextmanager
def scratch_area(db: Database, tables: Sequence[str]) -> Iterator[Database]:
    """Empty copies of `tables`: a temp SQLite file, or a scratch PostgreSQL schema."""
    if isinstance(db, SQLiteDatabase):
        with tempfile.TemporaryDirectory(prefix="replay-", dir=Path(db.path).parent) as tmp:
            scratch = SQLiteDatabase(str(Path(tmp) / "replay.sqlite3"))
            names = ", ".join("?" * len(tables))
            ddl = db.query(
                f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({names}) AND sql IS NOT NULL "
                "ORDER BY type DESC",
                tables,
            )
            with scratch.transaction() as cur:
                for row in ddl:
                    cur.execute(row["sql"])
            _tune_scratch(scratch)
            yield scratch
        return
    assert isinstance(db, PostgresDatabase)
    schema = f"pointsbank_replay_{uuid4().hex[:12]}"
    with db.transaction() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
        for table in tables:
            cur.execute(f"CREATE TABLE {schema}.{table} (LIKE {table} INCLUDING ALL)")
    separator = "&" if "?" in db.url else "?"
    scratch_db = PostgresDatabase(f"{db.url}{separator}options=-csearch_path%3D{schema}", 2)
    try:
        yield scratch_db
    finally:
        scratch_db.close()
        db.execute(f"DROP SCHEMA {schema} CASCADE")


def _tune_scratch(scratch: SQLiteDatabase) -> None:
    """A throw-away file needs no fsync; a fixed 64 MB page cache keeps its B-trees warm."""
    connection = scratch._connection()
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -65536")


def _project(
    bank: PointsBank,
    scratch: Database,
    projections: Sequence[Projection],
    until: int,
    on_progress: Progress | None,
    batch_size: int,
) -> int:
    count, after = 0, 0
    while after < until:
        batch = bank.recorder.select_notifications(
            start=after, limit=batch_size, stop=until, inclusive_of_start=False
        )
        if not batch:
            break
        events = [(n.id, bank.mapper.to_domain_event(n)) for n in batch]
        with scratch.transaction() as cur:
            project(cur, projections, events)
        count += len(batch)
        after = batch[-1].id
        if on_progress is not None:
            on_progress(after, until)
    return count


def _key(row: tuple[Any, ...]) -> tuple[tuple[int, str], ...]:
    return tuple((0, "") if value is None else (1, str(value)) for value in row)


def _compare(table: str, live: Snapshot, rebuilt: Snapshot, report: ReplayReport) -> None:
    columns = live.columns(table)
    live_rows, rebuilt_rows = live.ordered(table, columns), rebuilt.ordered(table, columns)
    a, b = next(live_rows, None), next(rebuilt_rows, None)
    report.rows[table], report.differing[table] = 0, 0
    while a is not None or b is not None:
        if a is not None and a == b:
            report.rows[table] += 1
            a, b = next(live_rows, None), next(rebuilt_rows, None)
        elif b is None or (a is not None and _key(a) < _key(b)):
            _differ(report, table, "live only 仅在线上", columns, a)
            a = next(live_rows, None)
        elif a is None or _key(b) < _key(a):
            _differ(report, table, "replay only 仅在重放", columns, b)
            b = next(rebuilt_rows, None)
        else:
            report.rows[table] += 1
            a, b = next(live_rows, None), next(rebuilt_rows, None)


def _differ(report: ReplayReport, table: str, side: str, columns: list[str], row: Any) -> None:
    report.differing[table] += 1
    if report.differing[table] <= SHOWN_PER_TABLE:
        report.shown.append((table, side, dict(zip(columns, row, strict=True))))
