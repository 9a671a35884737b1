"""Accounts over HTTP: open, list, change role, disable, reset; one's own password and tokens."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field, StringConstraints

from api.deps import (
    ActorDep,
    AnyActorDep,
    Body,
    Commander,
    CommanderDep,
    ServicesDep,
    get_commander,
)
from api.fields import Code, Moment, Name, PersonName
from api.problems import ApiProblem
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Actor, NotFound, Role
from pointsbank.domain.community import Community

router = APIRouter(tags=["accounts"])
UserName = Annotated[str, Field(min_length=1, max_length=64)]
# Passwords are taken exactly as typed: spaces are part of a passphrase.
Password = Annotated[
    str, StringConstraints(strip_whitespace=False), Field(min_length=1, max_length=128)
]


class NewAccount(Body):
    personal_fields: ClassVar[frozenset[str]] = frozenset({"password"})
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
    personal_fields: ClassVar[frozenset[str]] = frozenset({"password"})
    password: Password


class PasswordChange(Body):
    personal_fields: ClassVar[frozenset[str]] = frozenset({"current_password", "new_password"})
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


def get_self_commander(
    request: Request,
    services: ServicesDep,
    actor: AnyActorDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Commander:
    """The command envelope for a change to one's own account, which residents make too."""
    return get_commander(request, services, actor, idempotency_key)


SelfCommanderDep = Annotated[Commander, Depends(get_self_commander)]


@router.get("/accounts")
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


@router.post("/accounts", status_code=201)
def open_account(body: NewAccount, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Open an account (admin; staff open residents' accounts of their community)."""
    scope = community_scope(services, body.community)
    outcome = services.accounts.open(
        cmd(body), body.name, body.display_name, body.role, scope, body.resident_id, body.password
    )
    return cmd.respond(outcome)


@router.post("/accounts/{user_id}/role")
def change_role(
    user_id: UUID, body: RoleChange, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Change an account's role and community (admin)."""
    scope = community_scope(services, body.community)
    return cmd.respond(services.accounts.change_role(cmd(body), str(user_id), body.role, scope))


@router.post("/accounts/{user_id}/disable")
def disable(user_id: UUID, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Disable an account; its sessions and tokens stop working at once."""
    return cmd.respond(services.accounts.disable(cmd(), str(user_id)))


@router.post("/accounts/{user_id}/enable")
def enable(user_id: UUID, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Re-enable a disabled account."""
    return cmd.respond(services.accounts.enable(cmd(), str(user_id)))


@router.post("/accounts/{user_id}/password-reset")
def reset_password(
    user_id: UUID, body: PasswordReset, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Set a new password that its holder must change at next sign-in."""
    outcome = services.accounts.reset_password(cmd(body), str(user_id), body.password)
    return cmd.respond(outcome)


@router.post("/account/password")
def change_password(
    body: PasswordChange, services: ServicesDep, cmd: SelfCommanderDep, request: Request
) -> JSONResponse:
    """Change one's own password; one's other sessions end."""
    from api.auth import COOKIE

    outcome = services.accounts.change_password(
        cmd(body), body.current_password, body.new_password, request.cookies.get(COOKIE)
    )
    return cmd.respond(outcome)


@router.get("/account/tokens")
def list_tokens(services: ServicesDep, actor: AnyActorDep) -> list[dict[str, Any]]:
    """One's own API tokens (never their secrets)."""
    return services.accounts.tokens.of(actor.user_id)


@router.post("/account/tokens", status_code=201)
def create_token(body: NewToken, services: ServicesDep, actor: AnyActorDep) -> dict[str, Any]:
    """Create a personal API token; its secret is shown this once."""
    now = services.now()
    if body.expires_at is not None and (body.expires_at.tzinfo is None or body.expires_at <= now):
        raise ApiProblem(422, "invalid-expiry")
    issued = services.accounts.tokens.create(actor.user_id, body.label, now, body.expires_at)
    return {"token_id": issued.token_id, "token": issued.token, "label": body.label}


@router.delete("/account/tokens/{token_id}", status_code=204)
def revoke_token(token_id: UUID, services: ServicesDep, actor: AnyActorDep) -> None:
    """Revoke one of one's own tokens; it is refused at once."""
    if not services.accounts.tokens.revoke(actor.user_id, str(token_id), services.now()):
        raise NotFound("not-found.token", token_id=str(token_id))


@router.get("/sign-ins")
def sign_ins(
    services: ServicesDep,
    actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Recent sign-ins, failures and lock-outs, newest first (admin and auditor)."""
    require_role(actor, Role.ADMIN, Role.AUDITOR)
    return services.account_queries.sign_ins(limit)
