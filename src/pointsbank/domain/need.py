"""Needs and offers between neighbours (互帮互助): who asks, who helps, in which state.

What residents write about a need or offer (description, when, where) is personal data and
never enters these events; they carry ids, category, grid, states, actors and dates only.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import (
    Conflict,
    Context,
    DomainError,
    Forbidden,
    LedgerCreated,
    LedgerEvent,
    require,
)
from pointsbank.domain.resident import Resident

# The fixed categories, shared by needs and offers; the pages show the Chinese labels.
CATEGORIES = {
    "repair": "维修",
    "errand": "代购",
    "care": "陪护",
    "elderly": "助老",
    "tutoring": "家教",
    "other": "其他",
}
OFFER_KINDS = {"skill": "技能", "item": "闲置物品"}
OFFER_TERMS = {"help": "帮忙", "lend": "借用", "give": "赠送"}


class NeedState(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    DONE = "done"
    NOT_DONE = "not-done"
    WITHDRAWN = "withdrawn"
    HIDDEN = "hidden"


class OfferState(StrEnum):
    OPEN = "open"
    WITHDRAWN = "withdrawn"
    HIDDEN = "hidden"


def check_category(category: str) -> None:
    require(
        category in CATEGORIES,
        DomainError("invalid-command.sharing-category", {"category": category}, field="category"),
    )


def _require_poster(poster_id: UUID, ctx: Context) -> None:
    require(ctx.actor.resident_id == poster_id, Forbidden("forbidden.sharing-not-poster"))


def _require_hide_reason(reason: str) -> None:
    require(
        bool(reason.strip()), DomainError("invalid-command.sharing-hide-reason", field="reason")
    )


class Need(Aggregate):
    class Posted(LedgerCreated):
        community_id: UUID
        grid: str
        category: str
        poster_id: UUID

    class Taken(LedgerEvent):
        helper_id: UUID

        def apply(self, aggregate: Need) -> None:
            aggregate.helper_id = self.helper_id
            aggregate.state = NeedState.TAKEN

    class Closed(LedgerEvent):
        """Confirmed done, said not done, withdrawn or hidden: the need's last state."""

        state: str

        def apply(self, aggregate: Need) -> None:
            aggregate.state = NeedState(self.state)

    def __init__(self, community_id: UUID, grid: str, category: str, poster_id: UUID) -> None:
        self.community_id = community_id
        self.grid = grid
        self.category = category
        self.poster_id = poster_id
        self.helper_id: UUID | None = None
        self.state = NeedState.OPEN

    @classmethod
    def post(cls, need_id: UUID, poster: Resident, category: str, ctx: Context) -> Need:
        _require_poster(poster.id, ctx)
        check_category(category)
        return cls._create(
            cls.Posted,
            id=need_id,
            community_id=poster.community_id,
            grid=poster.grid,
            category=category,
            poster_id=poster.id,
            **ctx.meta(ctx.today, "need posted"),
        )

    def take(self, helper: Resident, poster: Resident, ctx: Context) -> None:
        """A neighbour takes an open need; never one of the poster's own household."""
        require(ctx.actor.resident_id == helper.id, Forbidden("forbidden.sharing-not-poster"))
        self._require_state(NeedState.OPEN)
        require(helper.id != self.poster_id, Forbidden("forbidden.sharing-own-need"))
        require(
            not helper.households(ctx.today) & poster.households(ctx.today),
            Forbidden("forbidden.sharing-own-household"),
        )
        self.trigger_event(self.Taken, helper_id=helper.id, **ctx.meta(ctx.today, "need taken"))

    def confirm(self, done: bool, ctx: Context) -> None:
        """The poster says whether the helper did it."""
        _require_poster(self.poster_id, ctx)
        self._require_state(NeedState.TAKEN)
        state = NeedState.DONE if done else NeedState.NOT_DONE
        self._close(state, "need confirmed done" if done else "need said not done", ctx)

    def withdraw(self, ctx: Context) -> None:
        _require_poster(self.poster_id, ctx)
        self._require_state(NeedState.OPEN, NeedState.TAKEN)
        self._close(NeedState.WITHDRAWN, "need withdrawn", ctx)

    def hide(self, reason: str, ctx: Context) -> None:
        """Staff hide an improper post, with a reason; a confirmed need's help stays recorded."""
        _require_hide_reason(reason)
        require(self.state != NeedState.HIDDEN, Conflict("conflict.sharing-state"))
        self._close(NeedState.HIDDEN, reason, ctx)

    def _close(self, state: NeedState, reason: str, ctx: Context) -> None:
        self.trigger_event(self.Closed, state=state.value, **ctx.meta(ctx.today, reason))

    def _require_state(self, *states: NeedState) -> None:
        require(self.state in states, Conflict("conflict.sharing-state", state=self.state.value))


class Offer(Aggregate):
    class Posted(LedgerCreated):
        community_id: UUID
        grid: str
        category: str
        kind: str
        terms: str
        poster_id: UUID

    class Closed(LedgerEvent):
        state: str

        def apply(self, aggregate: Offer) -> None:
            aggregate.state = OfferState(self.state)

    def __init__(
        self, community_id: UUID, grid: str, category: str, kind: str, terms: str, poster_id: UUID
    ) -> None:
        self.community_id = community_id
        self.grid = grid
        self.category = category
        self.kind = kind
        self.terms = terms
        self.poster_id = poster_id
        self.state = OfferState.OPEN

    @classmethod
    def post(
        cls, offer_id: UUID, poster: Resident, category: str, kind: str, terms: str, ctx: Context
    ) -> Offer:
        """A skill to help with, or an idle item to lend or give."""
        _require_poster(poster.id, ctx)
        check_category(category)
        require(kind in OFFER_KINDS, DomainError("invalid-command.offer-kind", field="kind"))
        require(terms in OFFER_TERMS, DomainError("invalid-command.offer-terms", field="terms"))
        return cls._create(
            cls.Posted,
            id=offer_id,
            community_id=poster.community_id,
            grid=poster.grid,
            category=category,
            kind=kind,
            terms=terms,
            poster_id=poster.id,
            **ctx.meta(ctx.today, "offer posted"),
        )

    def withdraw(self, ctx: Context) -> None:
        _require_poster(self.poster_id, ctx)
        self._close(OfferState.WITHDRAWN, "offer withdrawn", ctx)

    def hide(self, reason: str, ctx: Context) -> None:
        _require_hide_reason(reason)
        self._close(OfferState.HIDDEN, reason, ctx)

    def _close(self, state: OfferState, reason: str, ctx: Context) -> None:
        require(
            self.state == OfferState.OPEN,
            Conflict("conflict.sharing-state", state=self.state.value),
        )
        self.trigger_event(self.Closed, state=state.value, **ctx.meta(ctx.today, reason))
