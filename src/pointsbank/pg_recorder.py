"""The PostgreSQL event recorder, made to lose expected races quietly.

A rival's write that came first (a copy of the request under the same idempotency key, a version
conflict) is detected with `INSERT … ON CONFLICT DO NOTHING` and the whole transaction rolled
back, rather than raised as a unique violation that PostgreSQL logs as an ERROR. The caller still
gets the library's IntegrityError, and the events of one save still commit all or none.

A bulk save (a sheet import: thousands of events) is COPYed into a temporary staging table and
inserted from there with one statement, under the same table lock and conflict check.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

import psycopg
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

PIPELINE_MAX_EVENTS = 1000
STAGING = "pointsbank_staged_events"


class QuietApplicationRecorder(PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.insert_events_statement = SQL(
            "INSERT INTO {schema}.{table} AS t (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state "
            "FROM unnest(%s::{schema}.{stored_event_type}[]) "
            "ON CONFLICT DO NOTHING RETURNING notification_id"
        ).format(
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
            stored_event_type=Identifier(self.stored_event_type_name),
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if self.datastore.enable_db_functions or not stored_events:
            inserted: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return inserted
        ids: list[int] = []
        # One round trip for a usual save; a bulk one (thousands of events: a sheet import)
        # goes without the pipeline, which was seen to deadlock on such large statements with
        # their many returned ids (both ends waiting to read: psycopg issue #685).
        pipelined = len(stored_events) <= PIPELINE_MAX_EVENTS
        with (
            self.datastore.get_connection() as conn,
            conn.pipeline() if pipelined else nullcontext() as pipeline,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            # Takes the table lock first, so the conflict check sees every earlier write.
            if pipeline is not None:
                self._insert_stored_events(curs, stored_events, **kwargs)
                pipeline.sync()
            else:
                self._copy_stored_events(curs, stored_events)
            # One statement under the table lock takes consecutive ids in insert order.
            ids = sorted(row["notification_id"] for row in curs.fetchall())
            if len(ids) != len(stored_events):
                raise psycopg.Rollback  # leaves the transaction, rolled back, without an error
        if len(ids) != len(stored_events):
            raise IntegrityError("a rival write to the same aggregate version came first")
        return ids

    def _copy_stored_events(self, curs: Any, stored_events: Sequence[StoredEvent]) -> None:
        """COPY into a staging table, then one INSERT … SELECT in the events' own order
        (measured: a 100k-event save in about a third of the time of the library's unnest)."""
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} (seq int, originator_id uuid, "
            "originator_version bigint, topic text, state bytea) ON COMMIT DELETE ROWS"
        )
        with curs.copy(
            f"COPY {STAGING} (seq, originator_id, originator_version, topic, state) FROM STDIN"
        ) as copy:
            for seq, event in enumerate(stored_events):
                copy.write_row(
                    (seq, event.originator_id, event.originator_version, event.topic, event.state)
                )
        curs.execute(
            SQL(
                "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
                "SELECT originator_id, originator_version, topic, state FROM {staging} "
                "ORDER BY seq ON CONFLICT DO NOTHING RETURNING notification_id"
            ).format(
                schema=Identifier(self.datastore.schema),
                table=Identifier(self.events_table_name),
                staging=Identifier(STAGING),
            )
        )
