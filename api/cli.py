"""The `pointsbank` command line: serve, migrate, demo, account, token, project, rebuild."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from api import serving
from api.account_cli import account_app, token_app
from api.audit_cli import audit_app
from api.backup_cli import backup, restore
from api.services import open_services
from pointsbank.settings import Settings
from projections.migrate import migrate as apply_migrations

app = typer.Typer(
    help="pointsbank 积分银行: an event-sourced volunteer points bank.\n\n"
    "The store is chosen by POINTSBANK_DATABASE_URL (default: the SQLite file "
    "./var/pointsbank.sqlite3; or postgresql://user:password@host:port/dbname).",
    no_args_is_help=True,
)
app.add_typer(account_app, name="account")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.command()(backup)
app.command()(restore)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
    workers: Annotated[int, typer.Option(help="server processes")] = 1,
    access_log: Annotated[bool, typer.Option(help="log every request")] = True,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    settings = Settings()
    open_services(settings).close()
    serving.serve(
        serving.config(host or settings.host, port or settings.port, workers, access_log)
    )


@app.command()
def migrate() -> None:
    """Create or upgrade the read-model tables."""
    settings = Settings()
    services = open_services(settings, apply_migrations=False)
    try:
        applied = apply_migrations(settings.database_url)
    finally:
        services.close()
    typer.echo(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")


@app.command()
def demo() -> None:
    """Seed a demo street: 2 communities, 50 residents, awards, goods; safe to rerun."""
    from api.demo import seed

    services = open_services(Settings())
    try:
        for line in seed(services):
            typer.echo(line)
    finally:
        services.close()


@app.command()
def project() -> None:
    """Run the projector (read models and audit chain) in this process until interrupted."""
    settings = Settings()
    services = open_services(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    typer.echo("projecting; Ctrl-C to stop")
    try:
        services.follow_log(stop)
    except KeyboardInterrupt:
        pass
    finally:
        services.close()


@app.command()
def rebuild() -> None:
    """Rebuild every read model from the event log alone."""
    services = open_services(Settings())
    try:
        position = services.projector.rebuild()
    finally:
        services.close()
    typer.echo(f"rebuilt read models up to log position {position}")


@app.command("erase-compact")
def erase_compact() -> None:
    """Rid the database files of erased personal data; every erasure runs it, rerun it if it
    reported that it could not finish (PostgreSQL: VACUUM FULL personal_data)."""
    services = open_services(Settings())
    try:
        done = services.registry.compact()
    finally:
        services.close()
    if not done:
        typer.echo(
            "数据库忙，未完成 the database is busy: run `pointsbank erase-compact` again", err=True
        )
        raise typer.Exit(1)
    typer.echo("已清除 erased personal data is gone from the database files")


def main() -> None:
    app()
