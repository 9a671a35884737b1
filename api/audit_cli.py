"""`pointsbank audit …`: keygen, chain, sign, verify, replay, export and verify-export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from api.auditing import sign_head, trusted_key, verify_all
from api.services import PROJECTIONS, open_services
from pointsbank.digests import UNSIGNED_WARNING, SignedDigest, generate_key
from pointsbank.domain.common import DomainError
from pointsbank.domain.community import Community
from pointsbank.exports import verify_export
from pointsbank.inputs import CODE, InputRefused, clean_text
from pointsbank.settings import Settings
from projections.chain import chained_after
from projections.export import ExportRefused, export_lines
from projections.replay import replay as run_replay

audit_app = typer.Typer(
    help="Audit 审计: replay, hash chain, signed digests, verifiable exports.",
    no_args_is_help=True,
)


@audit_app.command()
def keygen(
    out: Annotated[Path, typer.Option(help="where to write the private key (PEM)")] = Path(
        "./var/signing-key.pem"
    ),
) -> None:
    """Create the street's Ed25519 signing key; prints the public key to publish."""
    try:
        public = generate_key(out)
    except FileExistsError:
        raise typer.BadParameter(f"{out} exists already; refusing to overwrite a key") from None
    typer.echo(f"private key: {out}  (export POINTSBANK_SIGNING_KEY={out})")
    typer.echo(f"public key (publish this): {public}")


@audit_app.command()
def chain() -> None:
    """Bring the hash chain up to the end of the log and print its head."""
    services = open_services(Settings())
    try:
        services.chain.catch_up()
        position, head = services.chain.head()
    finally:
        services.close()
    typer.echo(json.dumps({"position": position, "head": head}))


@audit_app.command()
def sign(
    position: Annotated[int | None, typer.Option(help="log position (default: the head)")] = None,
) -> None:
    """Verify the chain, then sign its head as a digest; stores it and prints it as JSON."""
    services = open_services(Settings())
    try:
        digest = sign_head(services, position)
    except DomainError as exc:
        typer.echo(exc.detail, err=True)
        raise typer.Exit(1) from None
    finally:
        services.close()
    typer.echo(json.dumps(digest.to_json(), ensure_ascii=False))


PublicKey = Annotated[
    str | None,
    typer.Option(
        help="the street's published public key (hex); default POINTSBANK_AUDIT_PUBLIC_KEY "
        "or the signing key's own"
    ),
]
Unsigned = Annotated[
    bool,
    typer.Option(
        "--unsigned",
        help="accept a chain-only check when no key is configured or nothing is anchored "
        "(signatures are then NOT checked)",
    ),
]


@audit_app.command()
def verify(
    digest: Annotated[
        list[Path] | None, typer.Option(help="a published digest (JSON) to check as well")
    ] = None,
    public_key: PublicKey = None,
    unsigned: Unsigned = False,
) -> None:
    """Recompute the chain from the events; check the stored chain and every signed digest."""
    published = [SignedDigest.from_json(json.loads(p.read_text())) for p in digest or []]
    services = open_services(Settings())
    try:
        result = verify_all(services, published, public_key)
        newer = chained_after(services.db, result.anchored_position)
    finally:
        services.close()
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    if not result.ok:
        typer.echo(f"FAILED at position {result.failed_position}: {result.failure}")
        raise typer.Exit(1)
    _judge_trust(result.trust_problem, unsigned)
    typer.echo(
        f"OK: {result.checked} events chained up to position {result.head_position} "
        f"(head {result.head}); {result.digests} digest(s) hold, signatures "
        f"{result.signatures}; anchored up to position {result.anchored_position}, "
        f"{newer} chained event(s) after it not anchored yet; "
        f"{result.unchained} newer event(s) not chained yet"
    )


def _judge_trust(problem: str | None, unsigned: bool) -> None:
    """Refuse an intact but unproven result, unless `--unsigned` accepts it (said out loud)."""
    if problem is None:
        return
    if not unsigned:
        typer.echo(f"NOT VERIFIED 未通过: {problem}")
        raise typer.Exit(1)
    banner = "!" * 72
    for line in (banner, f"WARNING 警告: {problem}", UNSIGNED_WARNING, banner):
        typer.echo(line)
        typer.echo(line, err=True)


@audit_app.command()
def replay() -> None:
    """Rebuild every read model from the log into a scratch area and diff it with live."""
    services = open_services(Settings())
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, TimeRemainingColumn(), transient=True) as bar:
            task = bar.add_task("replaying 重放", total=None)
            report = run_replay(
                services.bank,
                services.db,
                PROJECTIONS,
                lambda done, total: bar.update(task, completed=done, total=total),
            )
    finally:
        services.close()
    for table, side, row in report.shown:
        typer.echo(f"{table}: {side}: {json.dumps(row, ensure_ascii=False, default=str)}")
    rate = report.events / report.seconds if report.seconds else 0.0
    for table, rows in report.rows.items():
        typer.echo(f"{table}: {rows} equal rows, {report.differing[table]} differing")
    typer.echo(
        f"replayed {report.events} events up to position {report.position} "
        f"in {report.seconds:.1f}s ({rate:,.0f} events/s)"
    )
    if not report.ok:
        typer.echo("DIFFERENCES FOUND 重放结果与线上不一致", err=True)
        raise typer.Exit(1)


@audit_app.command()
def export(
    start: Annotated[int, typer.Option(help="first log position")] = 1,
    stop: Annotated[int | None, typer.Option(help="last log position (default: head)")] = None,
    community: Annotated[str | None, typer.Option(help="community code or id")] = None,
    out: Annotated[Path | None, typer.Option(help="file to write (default: stdout)")] = None,
) -> None:
    """Write events with positions and chain hashes as JSON lines."""
    community_id = _community(community) if community else None
    settings = Settings()
    services = open_services(settings)
    stream = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        services.chain.catch_up()
        for line in export_lines(
            services.bank, services.db, settings.street_name, start, stop, community_id
        ):
            stream.write(line + "\n")
    except ExportRefused as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    finally:
        if out:
            stream.close()
        services.close()


def _community(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        pass
    try:
        return Community.id_for(clean_text(text, CODE))
    except InputRefused as refused:
        raise typer.BadParameter(str(refused), param_hint="--community") from None


@audit_app.command("verify-export")
def verify_export_file(
    file: Path, public_key: PublicKey = None, unsigned: Unsigned = False
) -> None:
    """Check an export offline, with no database."""
    with file.open(encoding="utf-8") as lines:
        check = verify_export(lines, trusted_key(Settings(), public_key))
    for note in check.notes:
        typer.echo(f"note: {note}", err=True)
    if not check.ok:
        typer.echo(f"REJECTED at position {check.failed_position}: {check.failure}")
        raise typer.Exit(1)
    _judge_trust(check.trust_problem, unsigned)
    kind = "contiguous chain" if check.contiguous else "individually chained events"
    anchors = ", ".join(map(str, check.anchored_at)) or "none"
    typer.echo(
        f"OK: {check.events} events ({kind}) from {check.first} to {check.last}; "
        f"anchored by signed digests at: {anchors}"
    )
