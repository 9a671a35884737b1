"""The read model of public notices (公示): each notice, its households (and why one was removed)
and its objections' states. The objections' words are not here: they are personal data in the
erasable registry (src/pointsbank/registry.py), never in an event, so never in a projection."""

from __future__ import annotations

from pointsbank.db import Cursor
from pointsbank.domain.notice import Notice
from projections.projector import Projection

notices = Projection("notices", tables=("notices", "notice_households", "notice_objection_states"))


@notices.on(Notice.Published)
def _published(cur: Cursor, e: Notice.Published, position: int) -> None:
    cur.execute(
        "INSERT INTO notices (notice_id, community_id, year, ends_at, published_at, "
        "published_by) VALUES (?, ?, ?, ?, ?, ?)",
        (
            str(e.originator_id),
            str(e.community_id),
            e.year,
            e.ends_at.isoformat(),
            e.timestamp.isoformat(),
            e.actor_id,
        ),
    )
    cur.executemany(
        "INSERT INTO notice_households (notice_id, household_id, name, points, rank) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (str(e.originator_id), h["household_id"], h["name"], h["points"], h["rank"])
            for h in e.households
        ],
    )


@notices.on(Notice.ObjectionLodged)
def _lodged(cur: Cursor, e: Notice.ObjectionLodged, position: int) -> None:
    cur.execute(
        "INSERT INTO notice_objection_states (objection_id, notice_id, household_id, "
        "resident_id, lodged_at, position) VALUES (?, ?, ?, ?, ?, ?)",
        (
            str(e.objection_id),
            str(e.originator_id),
            str(e.household_id),
            str(e.resident_id),
            e.timestamp.isoformat(),
            position,  # objections lodged in one instant keep the log's order
        ),
    )


@notices.on(Notice.FindingRecorded)
def _found(cur: Cursor, e: Notice.FindingRecorded, position: int) -> None:
    cur.execute(
        "UPDATE notice_objection_states SET upheld = ?, finding = ?, found_at = ?, found_by = ? "
        "WHERE objection_id = ?",
        (int(e.upheld), e.reason, e.timestamp.isoformat(), e.actor_id, str(e.objection_id)),
    )
    if e.upheld:  # the first upheld finding on a household is the reason it left the list
        cur.execute(
            "UPDATE notice_households SET removed_reason = ? WHERE notice_id = ? AND "
            "removed_reason IS NULL AND household_id = (SELECT household_id FROM "
            "notice_objection_states WHERE objection_id = ?)",
            (e.reason, str(e.originator_id), str(e.objection_id)),
        )


@notices.on(Notice.Finalised)
def _finalised(cur: Cursor, e: Notice.Finalised, position: int) -> None:
    cur.execute(
        "UPDATE notices SET final = 1, finalised_at = ? WHERE notice_id = ?",
        (e.timestamp.isoformat(), str(e.originator_id)),
    )
