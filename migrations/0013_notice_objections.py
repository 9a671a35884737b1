"""The words of objections to a public notice (公示异议): personal data a resident wrote, kept
out of the event log in a table of their own and erased with the resident (invariant 9). On
PostgreSQL the words are kept out of the column statistics too, as the registry's are (0008)."""

from typing import Any

from yoyo import step

__depends__ = {"0001_foundation"}

TABLE = (
    "CREATE TABLE notice_objections (objection_id TEXT PRIMARY KEY, notice_id TEXT NOT NULL, "
    "resident_id TEXT NOT NULL, reason TEXT, erased_at TEXT)"
)
INDEXES = (
    "CREATE INDEX notice_objections_notice ON notice_objections (notice_id)",
    "CREATE INDEX notice_objections_resident ON notice_objections (resident_id)",
)


def _no_statistics(conn: Any) -> None:
    if not type(conn).__module__.startswith("sqlite3"):
        conn.cursor().execute("ALTER TABLE notice_objections ALTER COLUMN reason SET STATISTICS 0")


steps = [
    step(TABLE, "DROP TABLE notice_objections"),
    *(step(sql) for sql in INDEXES),
    step(_no_statistics),
]
