"""Backing up and restoring the whole database (event log, read models, audit chain, registry)
with each store's own tools: SQLite's online backup API, PostgreSQL's pg_dump and pg_restore.

Both copy a consistent snapshot while the server keeps running. A restore goes into a fresh
database only: it refuses one that already holds events, rather than mix two histories.
"""

from __future__ import annotations

import glob
import shutil
import sqlite3
import subprocess
from pathlib import Path

import psycopg

from pointsbank.store import events_table


class BackupFailed(Exception):
    """The store's tool refused, or the target is not fresh; the message says why."""


def backup(url: str, file: Path) -> None:
    """Write a consistent copy of the database at `url` to `file` (replaced if it exists)."""
    partial = file.with_name(file.name + ".partial")
    if _is_sqlite(url):
        _sqlite_copy(_sqlite_path(url), partial)
    else:
        _run([_pg_tool("pg_dump"), "--format=custom", f"--file={partial}", f"--dbname={url}"])
    partial.replace(file)  # a crash midway never leaves a half backup under the real name


def restore(url: str, file: Path) -> None:
    """Load `file` (made by `backup` from the same kind of store) into the fresh database."""
    if not file.is_file():
        raise BackupFailed(f"no backup at {file}")
    if _holds_events(url):
        raise BackupFailed("the target database holds events already: restore into a fresh one")
    if _is_sqlite(url):
        _sqlite_copy(str(file), Path(_sqlite_path(url)))
        return
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={url}",
            str(file),
        ]
    )


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:///")


def _sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def _sqlite_copy(source: str, target: Path) -> None:
    """SQLite's online backup: page by page, restarting if a writer changes the source, so the
    copy is one consistent state even while the server writes."""
    if not Path(source).is_file():
        raise BackupFailed(f"no SQLite database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)  # not read-only: a WAL database may need its -shm made
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(f"{source} is not a usable SQLite database: {exc}") from exc
    finally:
        dst.close()
        src.close()


def _holds_events(url: str) -> bool:
    table = events_table(url)
    if _is_sqlite(url):
        path = Path(_sqlite_path(url))
        if not path.exists() or path.stat().st_size == 0:
            return False
        with sqlite3.connect(path) as conn:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()
            return found is not None and bool(conn.execute(f"SELECT 1 FROM {table}").fetchone())
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
        if not row or not row[0]:
            return False
        return conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None


def _pg_tool(name: str) -> str:
    """The newest installed client (as scripts/ensure-postgres.sh finds the server), else PATH:
    pg_dump refuses a server newer than itself."""
    installed = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parent.parent.name.split(".")[0]),
    )
    found = installed[-1] if installed else shutil.which(name)
    if found is None:
        raise BackupFailed(f"{name} not found: install PostgreSQL's client tools")
    return found


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupFailed(f"{Path(args[0]).name} failed: {done.stderr.strip() or done.stdout}")
