"""Public notices of candidates (公示): the read model of Notice events (notices, their
households, their objections' states), and the words of objections, which are personal data a
resident wrote: kept out of the event log in a table of their own and erased with the resident
(invariant 9); on PostgreSQL kept out of the column statistics too, as the registry's are (0008).
"""

from typing import Any

from yoyo import step

__depends__ = {"0001_foundation"}

TABLE = (
    "CREATE TABLE notice_objections (objection_id TEXT PRIMARY KEY, notice_id TEXT NOT NULL, "
    "resident_id TEXT NOT NULL, reason TEXT, erased_at TEXT)"
)
READ_MODEL = (
    "CREATE TABLE notices (notice_id TEXT PRIMARY KEY, community_id TEXT NOT NULL, "
    "year INTEGER NOT NULL, ends_at TEXT NOT NULL, published_at TEXT NOT NULL, "
    "published_by TEXT NOT NULL, final INTEGER NOT NULL DEFAULT 0, finalised_at TEXT, "
    "UNIQUE (community_id, year))",
    "CREATE TABLE notice_households (notice_id TEXT NOT NULL, household_id TEXT NOT NULL, "
    "name TEXT NOT NULL, points BIGINT NOT NULL, rank INTEGER NOT NULL, removed_reason TEXT, "
    "PRIMARY KEY (notice_id, household_id))",
    "CREATE TABLE notice_objection_states (objection_id TEXT PRIMARY KEY, "
    "notice_id TEXT NOT NULL, household_id TEXT NOT NULL, resident_id TEXT NOT NULL, "
    "lodged_at TEXT NOT NULL, position BIGINT NOT NULL, upheld INTEGER, finding TEXT, found_at TEXT, found_by TEXT)",
    "CREATE INDEX notice_objection_states_notice ON notice_objection_states (notice_id)",
)
INDEXES = (
    "CREATE INDEX notice_objections_notice ON notice_objections (notice_id)",
    "CREATE INDEX notice_objections_resident ON notice_objections (resident_id)",
)


def _no_statistics(conn: Any) -> None:
    if not type(conn).__module__.startswith("sqlite3"):
        conn.cursor().execute("ALTER TABLE notice_objections ALTER COLUMN reason SET STATISTICS 0")


steps = [
    *(step(sql) for sql in READ_MODEL),
    step(TABLE, "DROP TABLE notice_objections"),
    *(step(sql) for sql in INDEXES),
    step(_no_statistics),
]
