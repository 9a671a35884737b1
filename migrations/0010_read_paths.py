"""Read paths for a million residents: indexes for per-resident and point-in-time reads, and
score tables (how many residents or households hold each annual score) kept by triggers, so a
ranking page's competition rank is a sum over distinct scores, never a count from the top.

Triggers rather than projection handlers: the annual tables are written by set-based and
row-by-row projectors, by rebuilds and bulk loads alike, and every one of them keeps the score
tables right without knowing they exist.
"""

from typing import Any

from yoyo import step

__depends__ = {"0005_annual", "0006_audit"}

INDEXES = (
    # A resident's statement in a year, and as of a position or a moment, without a scan.
    "CREATE INDEX statement_entries_resident_day ON statement_entries "
    "(resident_id, occurred_on, position)",
    "CREATE INDEX statement_entries_resident_position ON statement_entries (resident_id, position)",
    # `position_of(at=…)`: the last event recorded by a moment.
    "CREATE INDEX actor_activity_recorded ON actor_activity (recorded_at, position)",
)
DROP_INDEXES = (
    "DROP INDEX statement_entries_resident_day",
    "DROP INDEX statement_entries_resident_position",
    "DROP INDEX actor_activity_recorded",
)
# (score table, source table, count column)
SCORED = (
    ("annual_resident_scores", "annual_residents", "residents"),
    ("annual_household_scores", "annual_households", "households"),
)

SCORE_TABLE = """CREATE TABLE {score} (
    year INTEGER NOT NULL,
    community_id TEXT NOT NULL,
    points BIGINT NOT NULL,
    {count} BIGINT NOT NULL,
    PRIMARY KEY (year, community_id, points)
)"""
BACKFILL = (
    "INSERT INTO {score} (year, community_id, points, {count}) "
    "SELECT year, community_id, points, COUNT(*) FROM {source} GROUP BY year, community_id, points"
)
ADD = (
    "INSERT INTO {score} (year, community_id, points, {count}) VALUES "
    "({row}.year, {row}.community_id, {row}.points, 1) ON CONFLICT (year, community_id, points) "
    "DO UPDATE SET {count} = {score}.{count} + 1"
)
_AT_OLD = "WHERE year = {row}.year AND community_id = {row}.community_id AND points = {row}.points"
REMOVE = (
    "UPDATE {score} SET {count} = {count} - 1 " + _AT_OLD + "; "
    "DELETE FROM {score} " + _AT_OLD + " AND {count} = 0"
)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER {source}_scored_insert AFTER INSERT ON {source} BEGIN {add_new}; END",
    "CREATE TRIGGER {source}_scored_delete AFTER DELETE ON {source} BEGIN {remove_old}; END",
    "CREATE TRIGGER {source}_scored_update AFTER UPDATE OF year, community_id, points "
    "ON {source} BEGIN {remove_old}; {add_new}; END",
)
POSTGRES_TRIGGERS = (
    """CREATE FUNCTION {source}_scored() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {remove_old}; END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN {add_new}; END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER {source}_scored AFTER INSERT OR DELETE OR UPDATE OF year, community_id, "
    "points ON {source} FOR EACH ROW EXECUTE FUNCTION {source}_scored()",
    # TRUNCATE fires no row trigger: empty the scores with the table (a rebuild may truncate).
    """CREATE FUNCTION {source}_unscored() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN DELETE FROM {score}; RETURN NULL; END $$""",
    "CREATE TRIGGER {source}_unscored AFTER TRUNCATE ON {source} "
    "FOR EACH STATEMENT EXECUTE FUNCTION {source}_unscored()",
)


def _is_sqlite(conn: Any) -> bool:
    return type(conn).__module__.startswith("sqlite3")


def _apply(conn: Any) -> None:
    cursor = conn.cursor()
    for statement in INDEXES:
        cursor.execute(statement)
    triggers = SQLITE_TRIGGERS if _is_sqlite(conn) else POSTGRES_TRIGGERS
    for score, source, count in SCORED:
        names = {"score": score, "source": source, "count": count}
        cursor.execute(SCORE_TABLE.format(**names))
        cursor.execute(BACKFILL.format(**names))
        names["add_new"] = ADD.format(row="NEW", **names)
        names["remove_old"] = REMOVE.format(row="OLD", **names)
        for trigger in triggers:
            cursor.execute(trigger.format(**names))


def _rollback(conn: Any) -> None:
    cursor = conn.cursor()
    for statement in DROP_INDEXES:
        cursor.execute(statement)
    for score, source, _ in SCORED:
        if _is_sqlite(conn):
            for suffix in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER {source}_scored_{suffix}")
        else:
            cursor.execute(f"DROP TRIGGER {source}_scored ON {source}")
            cursor.execute(f"DROP TRIGGER {source}_unscored ON {source}")
            cursor.execute(f"DROP FUNCTION {source}_scored()")
            cursor.execute(f"DROP FUNCTION {source}_unscored()")
        cursor.execute(f"DROP TABLE {score}")


steps = [step(_apply, _rollback)]
