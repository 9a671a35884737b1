"""Many aggregates loaded with a few queries instead of two per aggregate.

A sheet of 100k rows names thousands of residents; loading each through the repository costs
a snapshot query and an events query apiece. Here the latest snapshot of every aggregate and
the events after it are read a chunk of ids at a time, decoded with the application's own
mapper, and folded as the repository folds them, so the aggregates are the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, project_aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder
from psycopg.sql import SQL, Identifier

CHUNK = 500  # ids per query: well under SQLite's limit on bound parameters


def load_many(app: Application[UUID], ids: Iterable[UUID]) -> dict[UUID, Any]:
    """Every aggregate among `ids` that exists, by id; unknown ids are left out."""
    unique = list(dict.fromkeys(ids))
    found: dict[UUID, Any] = {}
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        snapshots = _latest(app, chunk)
        after = {i: s.originator_version for i, s in snapshots.items()}
        stored: dict[UUID, list[StoredEvent]] = {}
        for event in _select(app.recorder, chunk, after):
            stored.setdefault(_uuid(event.originator_id), []).append(event)
        for aggregate_id in chunk:
            events = [app.mapper.to_domain_event(s) for s in stored.get(aggregate_id, [])]
            first = [snapshots[aggregate_id]] if aggregate_id in snapshots else []
            if first or events:
                found[aggregate_id] = project_aggregate(None, [*first, *events])
    return found


def _latest(app: Application[UUID], ids: Sequence[UUID]) -> dict[UUID, Any]:
    if app.snapshots is None:
        return {}
    latest: dict[UUID, StoredEvent] = {}
    for snapshot in _select(app.snapshots.recorder, ids, {}):  # in version order
        latest[_uuid(snapshot.originator_id)] = snapshot
    return {i: app.mapper.to_domain_event(s) for i, s in latest.items()}


def _select(recorder: Any, ids: Sequence[UUID], after: dict[UUID, int]) -> list[StoredEvent]:
    """The stored events of `ids` in version order, past each id's `after` version."""
    if isinstance(recorder, PostgresAggregateRecorder):
        rows = _select_postgres(recorder, ids, after)
    elif isinstance(recorder, SQLiteAggregateRecorder):
        rows = _select_sqlite(recorder, ids, after)
    else:
        raise TypeError(f"no bulk load for {type(recorder).__name__}")
    return [
        StoredEvent(r["originator_id"], r["originator_version"], r["topic"], r["state"])
        for r in rows
    ]


def _select_postgres(
    recorder: PostgresAggregateRecorder, ids: Sequence[UUID], after: dict[UUID, int]
) -> list[Any]:
    statement = SQL(
        "SELECT e.* FROM {schema}.{table} e "
        "JOIN unnest(%s::uuid[], %s::bigint[]) AS a(id, after) ON e.originator_id = a.id "
        "WHERE e.originator_version > a.after ORDER BY e.originator_id, e.originator_version"
    ).format(schema=Identifier(recorder.datastore.schema), table=Identifier(
        recorder.events_table_name
    ))  # fmt: skip
    with recorder.datastore.transaction(commit=False) as cur:
        cur.execute(statement, (list(ids), [after.get(i, 0) for i in ids]))
        return cur.fetchall()


def _select_sqlite(
    recorder: SQLiteAggregateRecorder, ids: Sequence[UUID], after: dict[UUID, int]
) -> list[Any]:
    values = ", ".join("(?, ?)" for _ in ids)
    statement = (
        f"WITH a(id, after) AS (VALUES {values}) SELECT e.* FROM {recorder.events_table_name} e "
        "JOIN a ON e.originator_id = a.id WHERE e.originator_version > a.after "
        "ORDER BY e.originator_id, e.originator_version"
    )
    params = [p for i in ids for p in (i.hex, after.get(i, 0))]
    with recorder.datastore.transaction(commit=False) as cur:
        cur.execute(statement, params)
        rows: list[Any] = cur.fetchall()
        return rows


def _uuid(originator_id: UUID | str) -> UUID:
    return originator_id if isinstance(originator_id, UUID) else UUID(originator_id)
