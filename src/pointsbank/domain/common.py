"""What every aggregate shares: who acts, when, the base event and the domain errors."""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from pointsbank.domain.messages import DEFAULT, Language, render

MAX_POINTS_PER_EVENT = 10_000


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    CLERK = "clerk"
    AUDITOR = "auditor"
    RESIDENT = "resident"


@dataclass(frozen=True)
class Actor:
    """The authenticated user behind a command."""

    user_id: str
    role: Role
    community_id: UUID | None = None
    resident_id: UUID | None = None


@dataclass(frozen=True)
class Context:
    """Who acts and when: recorded time in UTC and today's date in the street's time zone, and
    the street's first day (nothing in its ledger happened before it)."""

    actor: Actor
    at: datetime
    today: date
    opened_on: date = date.min

    def meta(self, occurred_on: date, reason: str) -> dict[str, Any]:
        """The attributes every event carries (invariant 4)."""
        return {
            "timestamp": self.at,
            "actor_id": self.actor.user_id,
            "actor_role": self.actor.role.value,
            "occurred_on": occurred_on,
            "reason": reason,
        }


class LedgerEvent(Aggregate.Event):
    """Says who (actor and role), when it happened (occurred_on) and why (reason)."""

    actor_id: str
    actor_role: str
    occurred_on: date
    reason: str


class LedgerCreated(Aggregate.Created):
    actor_id: str
    actor_role: str
    occurred_on: date
    reason: str


class DomainError(Exception):
    """A command refused by the domain; `code` names the refusal for clients."""

    status = 422
    code = "invalid-command"

    def __init__(self, key: str, params: Mapping[str, Any] | None = None, /, **extra: Any) -> None:
        """`key` names the message in the catalogue; its placeholders are filled from `params`
        and the extension members `extra` (which also travel to clients as they are)."""
        self.key = key
        self.params = {**extra, **(params or {})}
        self.extra = extra
        # The message is rendered when read, not when raised: `require` builds its error before
        # knowing it is needed, and a sheet of 100k rows checks each row many times.
        super().__init__(key)

    def __str__(self) -> str:
        return self.detail

    @property
    def detail(self) -> str:
        """The message in the default language (zh-CN), for pages, logs and the command line."""
        return self.text(DEFAULT)

    def text(self, language: Language) -> str:
        return render(self.key, self.params, language)


class NotFound(DomainError):
    status = 404
    code = "not-found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


def require(condition: bool, error: DomainError) -> None:
    if not condition:
        raise error


def check_occurred_on(occurred_on: date, ctx: Context, *, field: str = "occurred_on") -> None:
    """A day something happened: not after the street's today, not before the street opened."""
    require(
        occurred_on <= ctx.today,
        DomainError(
            "invalid-command.date-in-future", {"day": occurred_on, "today": ctx.today},
            field=field,
        ),
    )
    require(
        occurred_on >= ctx.opened_on,
        DomainError(
            "invalid-command.date-before-opening", {"day": occurred_on, "opened": ctx.opened_on},
            field=field,
        ),
    )


def check_points(points: int, *, field: str = "points") -> None:
    require(
        0 < points <= MAX_POINTS_PER_EVENT,
        DomainError("invalid-command.points-range", {"max": MAX_POINTS_PER_EVENT}, field=field),
    )


Copied = TypeVar("Copied", bound=Aggregate)


def copy_sharing(aggregate: Copied, memo: dict[int, Any], maps: frozenset[str]) -> Copied:
    """`copy.deepcopy` of an aggregate, except that the maps named in `maps` are copied one
    level only and share their values: right only where the aggregate replaces those values and
    never changes them in place. The library's cache gives every command a deep copy of the
    aggregate; this keeps that copy's cost from growing with the aggregate's history."""
    copied: Copied = type(aggregate).__new__(type(aggregate))
    memo[id(aggregate)] = copied
    for name, value in aggregate.__dict__.items():
        copied.__dict__[name] = dict(value) if name in maps else deepcopy(value, memo)
    return copied
