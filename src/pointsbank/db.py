"""A thin SQL port over SQLite and PostgreSQL for read models and registries.

Queries are written once with `?` placeholders; psycopg gets them as `%s`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import psycopg
import psycopg.errors
import psycopg.sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

Row = dict[str, Any]
BUSY_TIMEOUT_MS = 30000
COMPACT_WAIT_SECONDS = 5
COPY_MIN_ROWS = 16


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...
    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class Database:
    """One database, either an SQLite file or a PostgreSQL server."""

    dialect: str
    # Called before every read-only transaction: where reads wait to include a request's writes.
    before_read: Callable[[], None] | None = None

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        raise NotImplementedError
        yield

    def _reading(self, write: bool) -> None:
        if not write and self.before_read is not None:
            self.before_read()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.transaction(write=False) as cur:
            cur.execute(sql, params)
            return [dict(row) for row in cur.fetchall()]

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def peek(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """One row of one statement, read outside any transaction of ours: a single round trip,
        for the hottest small reads (a request's credential check)."""
        return self.query_one(sql, params)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.transaction() as cur:
            cur.execute(sql, params)
            return cur.rowcount

    def compact(self, table: str, wait: float = COMPACT_WAIT_SECONDS) -> bool:
        """Make rows deleted or overwritten in `table` unrecoverable from the database files;
        False when it could not finish within about `wait` seconds (then run it again)."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class _PgCursor:
    """Adapts `?` placeholders to psycopg's `%s`."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cursor.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any:
        return self._cursor.executemany(sql.replace("?", "%s"), params)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        statement = psycopg.sql.SQL("COPY {} ({}) FROM STDIN").format(
            psycopg.sql.Identifier(table),
            psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, columns)),
        )
        with self._cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def insert_rows(
    cur: Cursor, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert many rows in one go: COPY on PostgreSQL (several times faster than a pipelined
    executemany here, though slower for a handful of rows), executemany on SQLite."""
    if not rows:
        return
    if isinstance(cur, _PgCursor) and len(rows) >= COPY_MIN_ROWS:
        cur.copy_rows(table, columns, rows)
        return
    marks = ", ".join("?" * len(columns))
    cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def apply_rows(
    cur: Cursor, columns: Sequence[tuple[str, str]], sql: str, rows: Sequence[Sequence[Any]]
) -> None:
    """Run `sql`, which reads its input from the relation `given` (`columns`: name and SQL
    type), over all `rows` at once. On PostgreSQL that is one statement over `unnest` of an
    array per column instead of one pipelined statement per row (a rebuild of the annual sums
    measured 11.9k -> 12.5k events/s). On SQLite, in process, the statement runs once per row."""
    if not rows:
        return
    names = ", ".join(name for name, _ in columns)
    if isinstance(cur, _PgCursor):
        arrays = ", ".join(f"?::{kind}[]" for _, kind in columns)
        source = f"SELECT * FROM unnest({arrays})"
        arrays_of_rows = [list(column) for column in zip(*rows, strict=True)]
        cur.execute(f"WITH given ({names}) AS ({source}) {sql}", arrays_of_rows)
        return
    marks = ", ".join("?" * len(columns))
    cur.executemany(f"WITH given ({names}) AS (VALUES ({marks})) {sql}", rows)


def empty_tables(cur: Cursor, tables: Sequence[str]) -> None:
    """Delete every row of `tables`. On PostgreSQL one TRUNCATE: a DELETE would fire the score
    tables' row triggers once per row and leave every row dead behind it (measured on a
    1M-event street: 40 s for annual_residents alone, and slower on each rebuild after).
    TRUNCATE fires their statement triggers instead, which empty the scores."""
    if isinstance(cur, _PgCursor):
        cur.execute(f"TRUNCATE {', '.join(tables)}")
        return
    for table in tables:
        cur.execute(f"DELETE FROM {table}")


def select_in(cur: Cursor, sql: str, keys: Sequence[Any], chunk: int = 500) -> list[Any]:
    """Rows of `sql` (which ends in `IN`) for every key, a bounded number of keys at a time."""
    found: list[Any] = []
    for i in range(0, len(keys), chunk):
        part = keys[i : i + chunk]
        cur.execute(f"{sql} ({', '.join('?' * len(part))})", part)
        found.extend(cur.fetchall())
    return found


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, url: str, max_size: int = 10, min_size: int = 1) -> None:
        self.url = url
        self.pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url,
            min_size=min(min_size, max_size),
            max_size=max_size,
            kwargs={"row_factory": dict_row},
            open=True,
        )

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        self._reading(write)
        with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            yield _PgCursor(cur)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        # One statement is its own snapshot: autocommit spares the BEGIN and COMMIT round
        # trips a transaction would add (measured: balance reads under load 533 -> 721/s).
        self._reading(write=False)
        return self._autocommit(sql, params)

    def peek(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = self._autocommit(sql, params)
        return rows[0] if rows else None

    def _autocommit(self, sql: str, params: Sequence[Any]) -> list[Row]:
        with self.pool.connection() as conn:
            conn.autocommit = True
            try:
                rows: list[Row] = conn.execute(sql.replace("?", "%s"), params).fetchall()
            finally:
                conn.autocommit = False
            return rows

    def compact(self, table: str, wait: float = COMPACT_WAIT_SECONDS) -> bool:
        """VACUUM FULL writes the live rows to new files and drops the old ones (an UPDATE
        leaves the old row version in place). It keeps an old version that an open snapshot
        may still see, so it first waits for such snapshots to end; and as it locks the table,
        it gives up rather than queue every reader behind a long transaction."""
        with self.pool.connection() as conn:
            conn.autocommit = True
            try:
                if not _older_snapshots_end(conn, wait):
                    return False
                conn.execute(f"SET lock_timeout = '{max(1, int(wait * 1000))}ms'")  # 0: no limit
                conn.execute(
                    psycopg.sql.SQL("VACUUM FULL {}").format(psycopg.sql.Identifier(table))
                )
            except psycopg.errors.LockNotAvailable:
                return False
            finally:
                conn.execute("RESET lock_timeout")
                conn.autocommit = False
        return True

    def close(self) -> None:
        self.pool.close()


def _older_snapshots_end(conn: psycopg.Connection[Any], wait: float) -> bool:
    """Wait until no other session holds a snapshot taken before now; False on time-out."""
    row = conn.execute("SELECT pg_current_xact_id()::text AS xid").fetchone()
    assert row is not None
    deadline = time.monotonic() + wait
    while True:
        older = conn.execute(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            "AND backend_xmin IS NOT NULL AND age(backend_xmin) >= age(xid(%s::xid8))",
            (row["xid"],),
        ).fetchone()
        if older is None or not older["n"]:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


class SQLiteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        self.path = path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # Deleted and overwritten content is zeroed, not left in free space (erasure).
            conn.execute("PRAGMA secure_delete=ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        self._reading(write)
        conn = self._connection()
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield cur
        except BaseException:
            conn.rollback()
            raise
        else:
            conn.commit()
        finally:
            cur.close()

    def peek(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self._connection().execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def compact(self, table: str, wait: float = COMPACT_WAIT_SECONDS) -> bool:
        """With secure_delete the database pages hold no erased bytes; their old images live
        on in the write-ahead log until a checkpoint copies it back and truncates it."""
        conn = self._connection()
        conn.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
        try:
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return not busy


def open_database(url: str, pool_min: int = 1, pool_max: int = 10) -> Database:
    """The database at `url`; on PostgreSQL with a pool of `pool_min` to `pool_max`
    connections (SQLite keeps one connection per thread)."""
    if url.startswith("sqlite:///"):
        return SQLiteDatabase(url.removeprefix("sqlite:///"))
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(url, max_size=pool_max, min_size=pool_min)
    raise ValueError(f"unsupported database url {url!r}: use sqlite:///path or postgresql://…")
