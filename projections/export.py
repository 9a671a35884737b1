"""Writes verifiable exports: the stored events of a position range or a community, as JSON lines.

Each event carries its predecessor's chain hash and its own, as the stored chain holds them;
the export refuses to continue past a record that no longer hashes to its stored chain hash
(run `pointsbank audit verify`). Only chained events are exported.
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from pointsbank.application import PointsBank
from pointsbank.chain import Record, link
from pointsbank.db import Database
from pointsbank.exports import digest_line, event_line, header_line
from projections.chain import ChainFollower, chain_rows, log_records, stored_digests


class ExportRefused(Exception):
    pass


def export_lines(
    bank: PointsBank,
    db: Database,
    street: str,
    start: int = 1,
    stop: int | None = None,
    community: UUID | None = None,
) -> Iterator[str]:
    follower = ChainFollower(bank, db)
    head = follower.position()
    stop = head if stop is None else min(stop, head)
    yield header_line(street, start, stop, str(community) if community else None)
    members = _members(db, community) if community else set()
    previous = follower.hash_before(start)
    chain = chain_rows(db, after=start - 1, stop=stop)
    for record in log_records(bank, after=start - 1, stop=stop):
        row = next(chain, None)
        current = link(previous, record)
        if row is None or row != (record.position, current):
            raise ExportRefused(f"链在 {record.position} 处不符 chain broken at {record.position}")
        if community is None or _belongs(bank, record, members, community):
            yield event_line(record, previous, current)
        previous = current
    for digest in stored_digests(db):
        if start <= digest.position <= stop:
            yield digest_line(digest)


def _members(db: Database, community: UUID) -> set[str]:
    """Every aggregate of the community known to the read models."""
    rows = db.query(
        "SELECT resident_id AS id FROM residents WHERE community_id = ? "
        "UNION SELECT household_id FROM households WHERE community_id = ?",
        (str(community), str(community)),
    )
    return {str(community)} | {str(row["id"]) for row in rows}


def _belongs(bank: PointsBank, record: Record, members: set[str], community: UUID) -> bool:
    if record.originator_id in members:
        return True
    if b"community_id" not in record.state:
        return False
    stored = StoredEvent(
        originator_id=UUID(record.originator_id),
        originator_version=record.originator_version,
        topic=record.topic,
        state=record.state,
    )
    return getattr(bank.mapper.to_domain_event(stored), "community_id", None) == community
