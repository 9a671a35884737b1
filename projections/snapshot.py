"""One consistent, read-only snapshot of a database, streamed row by row (server-side cursors).

Rows come ordered by every column as text in code-point order on both stores (SQLite's BINARY
collation; PostgreSQL's "C" collation), so two snapshots can be merged in Python.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from typing import Any

import psycopg

from pointsbank.db import Database, PostgresDatabase, SQLiteDatabase

FETCH = 2000


class Snapshot:
    def columns(self, table: str) -> list[str]:
        raise NotImplementedError

    def rows(self, sql: str) -> Iterator[tuple[Any, ...]]:
        raise NotImplementedError

    def order_term(self, column: str) -> str:
        raise NotImplementedError

    def ordered(self, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
        order = ", ".join(self.order_term(c) for c in columns)
        return self.rows(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")

    def position(self, tracking_name: str) -> int:
        rows = list(
            self.rows(f"SELECT position FROM projection_tracking WHERE name = '{tracking_name}'")
        )
        return int(rows[0][0]) if rows else 0


class SQLiteSnapshot(Snapshot):
    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("BEGIN")

    def columns(self, table: str) -> list[str]:
        cursor = self.conn.execute(f"SELECT * FROM {table} LIMIT 0")
        return [d[0] for d in cursor.description]

    def rows(self, sql: str) -> Iterator[tuple[Any, ...]]:
        yield from self.conn.execute(sql)

    def order_term(self, column: str) -> str:
        return f"CAST({column} AS TEXT)"

    def close(self) -> None:
        self.conn.rollback()
        self.conn.close()


class PostgresSnapshot(Snapshot):
    def __init__(self, url: str) -> None:
        self.conn = psycopg.connect(url)
        self.conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        self.conn.read_only = True
        self._names = count()

    def columns(self, table: str) -> list[str]:
        with self.conn.cursor() as cur:
            cur.execute(f"SELECT * FROM {table} LIMIT 0")
            return [d.name for d in cur.description or ()]

    def rows(self, sql: str) -> Iterator[tuple[Any, ...]]:
        with self.conn.cursor(name=f"snapshot_{next(self._names)}") as cur:
            cur.itersize = FETCH
            cur.execute(sql)
            yield from cur

    def order_term(self, column: str) -> str:
        return f'CAST({column} AS TEXT) COLLATE "C" NULLS FIRST'

    def close(self) -> None:
        self.conn.rollback()
        self.conn.close()


@contextmanager
def open_snapshot(db: Database) -> Iterator[Snapshot]:
    snapshot: SQLiteSnapshot | PostgresSnapshot
    if isinstance(db, SQLiteDatabase):
        snapshot = SQLiteSnapshot(db.path)
    else:
        assert isinstance(db, PostgresDatabase)
        snapshot = PostgresSnapshot(db.url)
    try:
        yield snapshot
    finally:
        snapshot.close()
