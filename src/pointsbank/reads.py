"""Read-your-writes by log position: on the primary's read models, and on a streaming replica.

A write does not wait for the projector; its response carries the change's log position (a
command also sets it for its own request's later reads). A request that must see a change names
that position: before its first read, `ProjectedReads` waits, bounded, for the primary's read
models to project it, and `ReplicaReads` waits for the replica to replay it, else reads the
primary. A read that names no position reads the read models as they stand.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import psycopg

from pointsbank.db import Cursor, Database

TRACKING_NAME = "read_models"
POLL_SECONDS = 0.002


class ReadAfter:
    """The log position a request's reads must include (0: none); one per request, shared by
    the request's threads so that the entry point sees what a command required."""

    def __init__(self, position: int = 0) -> None:
        self.position = position
        self.primary_for = 0  # the replica was too slow for this position: waited once already
        self.projected = 0  # the primary's read models were seen to include this position
        self.lagging = False  # they could not include `position` within the bound


_required: ContextVar[ReadAfter | None] = ContextVar("pointsbank_read_after", default=None)


def begin_request(position: int = 0) -> ReadAfter:
    """Start a request's read requirement (at `position`, from the client) and return it."""
    holder = ReadAfter(position)
    _required.set(holder)
    return holder


def require_position(position: int | None) -> None:
    """Reads from here on in this request must see the event at `position`."""
    holder = _required.get()
    if holder is None:
        holder = begin_request()
    holder.position = max(holder.position, position or 0)


def projecting(position: int) -> None:
    """This request brings the read models to `position` itself: its reads (the projector's
    own among them) must not wait for it."""
    holder = _required.get()
    if holder is not None:
        holder.projected = max(holder.projected, position)


def required_position() -> int:
    holder = _required.get()
    return holder.position if holder else 0


def _needs_primary(holder: ReadAfter | None) -> bool:
    return holder is not None and 0 < holder.position <= holder.primary_for


class ProjectedReads:
    """Installed as a database's `before_read`: the request's first read waits (bounded) until
    the read models include the position the request must see. `settle(position)` does the
    waiting and answers whether they got there; when not, the request's reads go on as the
    read models stand and the response says they lag."""

    def __init__(self, settle: Callable[[int], bool]) -> None:
        self.settle = settle

    def __call__(self) -> None:
        holder = _required.get()
        if holder is None or holder.position <= holder.projected:
            return
        position = holder.position
        holder.projected = position  # first: the settling's own reads must not wait again
        holder.lagging = not self.settle(position)


class ReplicaReads(Database):
    """Reads from `replica` when it has replayed far enough, else from `primary`; writes to
    the primary."""

    def __init__(self, primary: Database, replica: Database, wait_seconds: float) -> None:
        self.dialect = primary.dialect
        self.primary = primary
        self.replica = replica
        self.wait_seconds = wait_seconds
        self._seen = 0  # the highest position the replica was seen to have replayed
        self.fallbacks = 0  # reads the primary answered because the replica was behind

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        with self._source(write).transaction(write=write) as cur:
            yield cur

    def _source(self, write: bool) -> Database:
        holder = _required.get()
        if write or _needs_primary(holder):
            return self.primary
        if holder is None or self._caught_up(holder.position):
            return self.replica
        holder.primary_for = holder.position  # the request's other reads: no second wait
        return self.primary

    def _caught_up(self, position: int) -> bool:
        """True once the replica's read models include `position`; False after the wait."""
        deadline = time.monotonic() + self.wait_seconds
        while position > self._seen:
            try:
                row = self.replica.query_one(
                    "SELECT position FROM projection_tracking WHERE name = ?", (TRACKING_NAME,)
                )
            except psycopg.OperationalError:
                row = None  # the replica is away: the primary answers
                deadline = 0.0
            self._seen = max(self._seen, int(row["position"]) if row else 0)
            if position <= self._seen:
                break
            if time.monotonic() >= deadline:
                self.fallbacks += 1
                return False
            time.sleep(POLL_SECONDS)
        return True

    def compact(self, table: str, wait: float = 5) -> bool:
        return self.primary.compact(table, wait)

    def close(self) -> None:
        self.replica.close()
