"""`pointsbank account …` and `pointsbank token create`: the first admin, and accounts for scripts.

Passwords are read from standard input when it is not a terminal (one line), else prompted for.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated
from uuid import UUID

import typer

from api.services import Services, open_services
from pointsbank.accounts import OPERATOR
from pointsbank.application import Command
from pointsbank.domain.account import Account
from pointsbank.domain.common import DomainError, Role
from pointsbank.domain.community import Community
from pointsbank.inputs import CODE, NAME, PERSON_NAME, InputRefused, TextKind, clean_text
from pointsbank.settings import Settings

account_app = typer.Typer(help="Manage accounts 账户.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
RoleOption = Annotated[Role, typer.Option(help="admin, staff, clerk, auditor or resident")]
CommunityOption = Annotated[
    str | None, typer.Option(help="community code (staff, clerks and residents)")
]
ResidentOption = Annotated[
    str | None, typer.Option(help="the resident id of this person, if they live in the street")
]


@contextmanager
def operating() -> Iterator[Services]:
    """The services, with domain errors turned into a clear message and exit status 1."""
    services = open_services(Settings())
    try:
        yield services
    except DomainError as exc:
        typer.echo(f"refused: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    finally:
        services.close()


def command(services: Services, what: str) -> Command:
    return Command(services.context(OPERATOR), key=f"cli:{what}:{uuid.uuid4()}", fingerprint=what)


def read_password(prompt: str) -> str:
    if sys.stdin.isatty():
        return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\n")


def clean(value: str, kind: TextKind) -> str:
    """The input policy, as for every other entry point; a refusal is a usage error (exit 2)."""
    try:
        return clean_text(value, kind)
    except InputRefused as refused:
        raise typer.BadParameter(str(refused)) from None


def scope(services: Services, code: str | None) -> list[UUID]:
    code = clean(code, CODE) if code else None
    if code and services.bank.find(Community, Community.id_for(code)) is None:
        raise DomainError(
            "invalid-command.community-code-unknown", {"code": code}, field="community"
        )
    return [Community.id_for(code)] if code else []


def resident(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        raise DomainError(
            "invalid-command.resident-id-not-uuid", {"value": value}, field="resident_id"
        ) from None


def by_name(services: Services, name: str) -> str:
    user_id = str(Account.id_for(name))
    if services.accounts.find(user_id) is None:
        raise DomainError("invalid-command.account-name-unknown", {"name": name}, field="name")
    return user_id


@account_app.command("create")
def account_create(
    name: Annotated[str, typer.Option(help="the unique user name, e.g. zhang.wei")],
    role: RoleOption,
    community: CommunityOption = None,
    resident_id: Annotated[
        str | None, typer.Option("--resident", help="linked resident id")
    ] = None,
    display_name: Annotated[str | None, typer.Option(help="the person's name")] = None,
) -> None:
    """Open an account; the initial password comes from stdin (or a prompt on a terminal)."""
    name = clean(name, NAME)
    display_name = clean(display_name, PERSON_NAME) if display_name else None
    with operating() as services:
        password = read_password("初始密码 initial password")
        cmd = command(services, f"open:{name}")
        outcome = services.accounts.open(
            cmd,
            name,
            display_name or name,
            role,
            scope(services, community),
            resident(resident_id),
            password,
        )
        services.projector.catch_up()
        typer.echo(f"opened {outcome.body['name']} ({role.value}) {outcome.body['user_id']}")


@account_app.command("list")
def account_list() -> None:
    """List every account: name, role, community, state."""
    with operating() as services:
        services.projector.catch_up()
        page, total = 1, 1
        while (page - 1) * 20 < total:
            rows, total = services.account_queries.page(None, "", page)
            for r in rows:
                state = "disabled" if r["disabled"] else "active"
                typer.echo(f"{r['name']}\t{r['role']}\t{r['community'] or '-'}\t{state}")
            page += 1


def _change(name: str, act: Callable[[Services, Command, str], object], done: str) -> None:
    name = clean(name, NAME)
    with operating() as services:
        user_id = by_name(services, name)
        act(services, command(services, f"{done}:{name}"), user_id)
        services.projector.catch_up()
        typer.echo(f"{done} {name}")


@account_app.command("disable")
def account_disable(name: Annotated[str, typer.Argument(help="user name")]) -> None:
    """Disable an account: its sessions and tokens stop working at once."""
    _change(name, lambda s, cmd, uid: s.accounts.disable(cmd, uid), "disabled")


@account_app.command("enable")
def account_enable(name: Annotated[str, typer.Argument(help="user name")]) -> None:
    """Re-enable a disabled account."""
    _change(name, lambda s, cmd, uid: s.accounts.enable(cmd, uid), "enabled")


@account_app.command("reset-password")
def account_reset(name: Annotated[str, typer.Argument(help="user name")]) -> None:
    """Set a new password (stdin or prompt), to be changed at the next sign-in."""
    password = read_password("新密码 new password")
    _change(
        name, lambda s, cmd, uid: s.accounts.reset_password(cmd, uid, password), "reset password of"
    )


@token_app.command("create")
def token_create(
    role: RoleOption,
    name: Annotated[str, typer.Option(help="the account's unique name, e.g. zhang.wei")],
    community: CommunityOption = None,
    resident_id: ResidentOption = None,
) -> None:
    """Open the account if it is new, and print a fresh personal API token for it once."""
    name = clean(name, NAME)
    with operating() as services:
        community_id = next(iter(scope(services, community)), None)
        issued = services.accounts.issue(
            name, role, services.now(), community_id, resident(resident_id)
        )
        services.projector.catch_up()
        typer.echo(issued.token)
