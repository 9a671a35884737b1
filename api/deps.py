"""Request dependencies: the services, the acting user, and the command envelope."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Set
from typing import Annotated, Any, ClassVar
from uuid import UUID

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict

from api.auth import CSRF_HEADER, WHILE_MUST_CHANGE, authenticate, require_csrf
from api.problems import ApiProblem
from api.services import Services
from pointsbank.application import Command, Outcome, unknown
from pointsbank.domain.authority import can_see
from pointsbank.domain.common import Actor, Role
from projections.me_queries import MyPoints

MAX_KEY_LENGTH = 200
SECRET_MARK = "password"  # a field so named is a secret, in a JSON body or a page's form


def is_secret(name: str) -> bool:
    return SECRET_MARK in name


def withheld(payload: dict[str, Any], personal: Set[str] = frozenset()) -> dict[str, Any]:
    """What of a request may enter its idempotency fingerprint: never personal data, never a
    secret. The one filter for every entry point that fingerprints a request."""
    return {k: v for k, v in payload.items() if k not in personal and not is_secret(k)}


def fingerprint(*parts: object) -> str:
    canonical = json.dumps(list(parts), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class Body(BaseModel):
    """A request body; `personal_fields` (and every secret field, which joins them by itself)
    are left out of the idempotency fingerprint."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    personal_fields: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.personal_fields = cls.personal_fields | {n for n in cls.model_fields if is_secret(n)}

    def fingerprinted(self) -> dict[str, Any]:
        return withheld(self.model_dump(mode="json"), self.personal_fields)


async def get_services(request: Request) -> Services:
    # async: it does no I/O, so it runs on the event loop instead of taking a worker thread.
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
bearer = HTTPBearer(
    auto_error=False,
    description="a personal API token (created on the account page or by `pointsbank token "
    "create`); pages use the session cookie instead",
)


def get_any_actor(
    request: Request,
    services: ServicesDep,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    csrf_token: Annotated[str | None, Header(alias=CSRF_HEADER, include_in_schema=False)] = None,
) -> Actor:
    """The signed-in account, of any role (residents included), by bearer token or cookie."""
    auth = authenticate(request, services)
    if auth is None:
        raise ApiProblem(
            401, "unauthenticated",
            **{"WWW-Authenticate": "Bearer"},
        )
    require_csrf(request, auth, csrf_token)
    if auth.account.must_change_password and request.url.path not in WHILE_MUST_CHANGE:
        raise ApiProblem(403, "password-change-required")
    return auth.actor


AnyActorDep = Annotated[Actor, Depends(get_any_actor)]


async def get_actor(actor: AnyActorDep) -> Actor:
    """The acting staff-side account; residents read only their own records (ReaderDep)."""
    # async: no I/O here, so no worker thread for it.
    if actor.role is Role.RESIDENT:
        raise ApiProblem(403, "forbidden.resident-api")
    return actor


ActorDep = Annotated[Actor, Depends(get_actor)]
# Routes that read one resident's records: residents too, for themselves and their household.
ReaderDep = AnyActorDep


def readable(services: Services, actor: Actor, resident_id: UUID, what: str, key: UUID) -> None:
    """A resident reads their own and their present household's records; to them every other
    resident's answers exactly as an unknown id does (404). Other roles pass (see `visible`)."""
    if actor.role is not Role.RESIDENT:
        return
    if actor.resident_id is None or not MyPoints(services.read_db).may_read(
        actor.resident_id, resident_id
    ):
        raise unknown(what, key)


def visible(actor: Actor, row: dict[str, Any] | None, what: str, key: UUID) -> dict[str, Any]:
    """Staff and clerks see only their own community (and street-wide rows, whose community is
    null); to them everything else does not exist."""
    community = row and row["community_id"]
    if row is None or not can_see(actor, UUID(str(community)) if community else None):
        raise unknown(what, key)
    return row


class Commander:
    """Builds the command envelope for one state-changing request and answers it."""

    def __init__(self, services: Services, actor: Actor, key: str, request: Request) -> None:
        self.services = services
        self.actor = actor
        self.key = key
        self.request = request

    def __call__(self, body: Body | None = None) -> Command:
        payload = body.fingerprinted() if body is not None else {}
        return Command(
            ctx=self.services.context(self.actor),
            key=self.key,
            fingerprint=fingerprint(self.request.method, self.request.url.path, payload),
        )

    def respond(self, outcome: Outcome) -> JSONResponse:
        """The command's own result; once recorded, nothing after can turn it into an error."""
        return JSONResponse(outcome.body, status_code=outcome.status, headers=self._settle(outcome))

    def acknowledge(self, outcome: Outcome) -> Response:
        """A 204 for a command whose recorded body is for the record only."""
        return Response(status_code=204, headers=self._settle(outcome))

    def _settle(self, outcome: Outcome) -> dict[str, str]:
        """The headers that say it was a replay; the response's position (set by the position
        middleware) lets a later read wait for this change, so this one waits for nothing."""
        self.services.written(outcome.position)
        return {"Idempotent-Replayed": "true"} if outcome.replayed else {}


async def get_commander(
    request: Request,
    services: ServicesDep,
    actor: ActorDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="a fresh unique key (e.g. a UUID) per intended change; "
            "resend the same key when retrying",
        ),
    ] = None,
) -> Commander:
    # async: no I/O, so no worker thread for it (each is a trip through the pool).
    return commander(request, services, actor, idempotency_key)


def commander(
    request: Request, services: Services, actor: Actor, idempotency_key: str | None
) -> Commander:
    """The envelope of one change under the request's idempotency key."""
    key = (idempotency_key or "").strip()
    if not key:
        raise ApiProblem(400, "idempotency-key-missing")
    if len(key) > MAX_KEY_LENGTH:
        raise ApiProblem(
            400, "idempotency-key-invalid", {"max": MAX_KEY_LENGTH}
        )
    return Commander(services, actor, key, request)


CommanderDep = Annotated[Commander, Depends(get_commander)]
