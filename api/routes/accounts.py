"""Accounts over HTTP: open, list, change role, disable, reset; one's own password and tokens."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field, StringConstraints

from api import account_models as models
from api import routes
from api.deps import (
    ActorDep,
    AnyActorDep,
    Body,
    Commander,
    CommanderDep,
    ServicesDep,
    commander,
)
from api.fields import Code, Moment, Name, PersonName
from api.openapi import refusals
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Actor, NotFound, Role
from pointsbank.domain.community import Community

router = routes.router(tags=["accounts"])
UserName = Annotated[str, Field(min_length=1, max_length=64)]
# Passwords are taken exactly as typed: spaces are part of a passphrase.
Password = Annotated[
    str, StringConstraints(strip_whitespace=False), Field(min_length=1, max_length=128)
]


class NewAccount(Body):
    name: UserName
    display_name: PersonName
    role: Role
    community: Code | None = None
    resident_id: UUID | None = None
    password: Password


class RoleChange(Body):
    role: Role
    community: Code | None = None


class PasswordReset(Body):
    password: Password


class PasswordChange(Body):
    current_password: Password
    new_password: Password


class NewToken(Body):
    label: Name
    expires_at: Moment | None = None


def community_scope(services: Any, code: str | None) -> list[UUID]:
    """The community named by `code` (which must exist), as an account's scope."""
    if not code:
        return []
    community_id = Community.id_for(code)
    if services.bank.find(Community, community_id) is None:
        raise NotFound("not-found.community", {"community_id": code}, field="community")
    return [community_id]


async def get_self_commander(
    request: Request,
    services: ServicesDep,
    actor: AnyActorDep,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", description="as for every change: a fresh unique key"),
    ] = None,
) -> Commander:
    """The command envelope for a change to one's own account, which residents make too."""
    return commander(request, services, actor, idempotency_key)


SelfCommanderDep = Annotated[Commander, Depends(get_self_commander)]


@router.get("/accounts", response_model=models.AccountPage, responses=refusals(403))
def list_accounts(
    services: ServicesDep,
    actor: ActorDep,
    q: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> dict[str, Any]:
    """List accounts, searchable and paged (admin and auditor all; staff their community's)."""
    require_role(actor, Role.ADMIN, Role.AUDITOR, Role.STAFF)
    rows, total = services.account_queries.page(scope_of(actor), q, page)
    return {"accounts": rows, "total": total, "page": page}


def scope_of(actor: Actor) -> str | None:
    return str(actor.community_id) if actor.role is Role.STAFF else None


@router.post("/accounts", status_code=201, response_model=models.AccountState)
def open_account(body: NewAccount, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Open an account (admin; staff open residents' accounts of their community)."""
    scope = community_scope(services, body.community)
    outcome = services.accounts.open(
        cmd(body), body.name, body.display_name, body.role, scope, body.resident_id, body.password
    )
    return cmd.respond(outcome)


@router.post("/accounts/{user_id}/role", response_model=models.AccountState)
def change_role(
    user_id: UUID, body: RoleChange, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Change an account's role and community (admin)."""
    scope = community_scope(services, body.community)
    return cmd.respond(services.accounts.change_role(cmd(body), str(user_id), body.role, scope))


@router.post("/accounts/{user_id}/disable", response_model=models.AccountState)
def disable(user_id: UUID, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Disable an account; its sessions and tokens stop working at once."""
    return cmd.respond(services.accounts.disable(cmd(), str(user_id)))


@router.post("/accounts/{user_id}/enable", response_model=models.AccountState)
def enable(user_id: UUID, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Re-enable a disabled account."""
    return cmd.respond(services.accounts.enable(cmd(), str(user_id)))


@router.post("/accounts/{user_id}/password-reset", response_model=models.AccountState)
def reset_password(
    user_id: UUID, body: PasswordReset, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Set a new password that its holder must change at next sign-in."""
    outcome = services.accounts.reset_password(cmd(body), str(user_id), body.password)
    return cmd.respond(outcome)


@router.post("/account/password", response_model=models.AccountState)
def change_password(
    body: PasswordChange, services: ServicesDep, cmd: SelfCommanderDep, request: Request
) -> JSONResponse:
    """Change one's own password; one's other sessions end."""
    from api.auth import COOKIE

    outcome = services.accounts.change_password(
        cmd(body), body.current_password, body.new_password, request.cookies.get(COOKIE)
    )
    return cmd.respond(outcome)


@router.get("/account/tokens", response_model=list[models.TokenRow])
def list_tokens(services: ServicesDep, actor: AnyActorDep) -> list[dict[str, Any]]:
    """One's own API tokens (never their secrets)."""
    return services.accounts.tokens.of(actor.user_id)


@router.post("/account/tokens", status_code=201, response_model=models.TokenIssued)
def create_token(body: NewToken, services: ServicesDep, cmd: SelfCommanderDep) -> JSONResponse:
    """Create a personal API token; its secret is shown once.

    Only the first answer carries the secret (`token`); it is never stored, only its SHA-256.
    A retry with the same Idempotency-Key answers the same `token_id` and `label` *without*
    the secret and makes no second token: if the first answer was lost, revoke that token and
    create another.
    """
    outcome = services.accounts.create_token(cmd(body), body.label, body.expires_at)
    return cmd.respond(outcome)


@router.delete("/account/tokens/{token_id}", status_code=204, response_class=Response)
def revoke_token(token_id: UUID, services: ServicesDep, cmd: SelfCommanderDep) -> Response:
    """Revoke one of one's own tokens; it is refused at once (another's answers 404)."""
    return cmd.acknowledge(services.accounts.revoke_token(cmd(), token_id))


@router.get("/sign-ins", response_model=list[models.SignInEntry], responses=refusals(403))
def sign_ins(
    services: ServicesDep,
    actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Recent sign-ins, failures and lock-outs, newest first (admin and auditor)."""
    require_role(actor, Role.ADMIN, Role.AUDITOR)
    return services.account_queries.sign_ins(limit)
