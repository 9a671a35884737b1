"""Applies the SQL in `migrations/` with yoyo, on SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from yoyo import get_backend, read_migrations

from pointsbank.store import append_only_statements

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _yoyo_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def migrate(url: str) -> list[str]:
    """Apply every pending migration and make the event log append-only; returns the ids applied.

    The event tables must exist already: the application creates them when it starts.
    """
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    backend = get_backend(_yoyo_url(url))
    try:
        migrations = read_migrations(str(MIGRATIONS_DIR))
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
            with backend.transaction():
                for statement in append_only_statements(url):
                    backend.execute(statement)
        return [m.id for m in pending]
    finally:
        backend.connection.close()
