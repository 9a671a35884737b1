"""Keeps personal data out of PostgreSQL's column statistics (pg_statistic), where ANALYZE would
copy sample names and phones that no erasure of the registry reaches. SQLite keeps none."""

from typing import Any

from yoyo import step

__depends__ = {"0001_foundation"}

COLUMNS = ("name", "phone", "id_card")


def _statistics(target: int) -> Any:
    def apply(conn: Any) -> None:
        if type(conn).__module__.startswith("sqlite3"):
            return
        cursor = conn.cursor()
        for column in COLUMNS:
            cursor.execute(
                f"ALTER TABLE personal_data ALTER COLUMN {column} SET STATISTICS {target}"
            )

    return apply


steps = [step(_statistics(0), _statistics(-1))]
