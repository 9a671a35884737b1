"""`pointsbank backup FILE` and `pointsbank restore FILE`: the whole database with each store's
own tools; a restore is trusted only once its audit chain verifies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.audit_cli import PublicKey, Unsigned
from api.audit_cli import verify as audit_verify
from pointsbank.backups import BackupFailed
from pointsbank.backups import backup as back_up
from pointsbank.backups import restore as load_backup
from pointsbank.settings import Settings

BackupFile = Annotated[Path, typer.Argument(help="the backup file", dir_okay=False)]
NOT_VERIFIED = (
    "恢复的数据库未通过审计核验，请勿使用 THE RESTORED DATABASE DOES NOT VERIFY: do not serve it; "
    "restore an older backup into a fresh database"
)


def backup(file: BackupFile) -> None:
    """Back up the database to FILE while the server runs (SQLite: its online backup API;
    PostgreSQL: pg_dump --format=custom)."""
    try:
        back_up(Settings().database_url, file)
    except BackupFailed as exc:
        typer.echo(f"备份失败 backup failed: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"backed up to {file}")


def restore(file: BackupFile, public_key: PublicKey = None, unsigned: Unsigned = False) -> None:
    """Restore FILE into the fresh database (POINTSBANK_DATABASE_URL), then verify its audit
    chain exactly as `pointsbank audit verify` does; fails loudly if it does not verify."""
    try:
        load_backup(Settings().database_url, file)
    except BackupFailed as exc:
        typer.echo(f"恢复失败 restore failed: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"restored {file}; verifying the audit chain")
    try:
        audit_verify(digest=None, public_key=public_key, unsigned=unsigned)
    except typer.Exit as exc:
        if exc.exit_code:
            banner = "!" * 72
            for line in (banner, NOT_VERIFIED, banner):
                typer.echo(line, err=True)
        raise
