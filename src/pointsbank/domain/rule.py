"""A rule of the points catalogue (积分细则): what an occurrence of some conduct is worth."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import Context, DomainError, LedgerCreated, LedgerEvent, require
from pointsbank.domain.terms import MAX_MINUTES, OVERRIDABLE, Mode, Terms

NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/rule")


class Category(StrEnum):
    VOLUNTEER = "volunteer"
    COUNCIL = "council"
    NEIGHBOURLY = "neighbourly"
    CIVIC = "civic"
    DEDUCTION = "deduction"
    OTHER = "other"


class Rule(Aggregate):
    class Defined(LedgerCreated):
        code: str
        name: str
        category: str
        points: int

    class Revised(LedgerEvent):
        name: str
        points: int

        def apply(self, aggregate: Rule) -> None:
            aggregate.name = self.name
            aggregate.points = self.points
            aggregate.revision += 1

    class Retired(LedgerEvent):
        def apply(self, aggregate: Rule) -> None:
            aggregate.active = False

    class Established(LedgerCreated):
        """A rule defined with its full terms (mode, caps, approval, dates in force)."""

        code: str
        name: str
        category: str
        points: int
        terms: dict[str, Any]

    class Configured(LedgerEvent):
        terms: dict[str, Any]

        def apply(self, aggregate: Rule) -> None:
            aggregate.terms = self.terms
            aggregate.revision += 1

    class Overridden(LedgerEvent):
        """A community's own points, caps or threshold; empty overrides remove them."""

        community_id: str
        overrides: dict[str, Any]

        def apply(self, aggregate: Rule) -> None:
            overrides = aggregate.overrides_by_community()
            if self.overrides:
                overrides[self.community_id] = self.overrides
            else:
                overrides.pop(self.community_id, None)
            aggregate.revision += 1

    def __init__(
        self, code: str, name: str, category: str, points: int, terms: dict[str, Any] | None = None
    ) -> None:
        self.code = code
        self.name = name
        self.category = Category(category)
        self.points = points
        self.revision = 1
        self.active = True
        self.terms: dict[str, Any] = terms or {}
        self.overrides: dict[str, dict[str, Any]] = {}

    @staticmethod
    def id_for(code: str) -> UUID:
        return uuid5(NAMESPACE, code)

    @classmethod
    def define(cls, code: str, name: str, category: Category, points: int, ctx: Context) -> Rule:
        check_rule_points(points)
        return cls._create(
            cls.Defined,
            id=cls.id_for(code),
            code=code,
            name=name,
            category=category.value,
            points=points,
            **ctx.meta(ctx.today, "rule defined"),
        )

    @classmethod
    def establish(
        cls, code: str, name: str, category: Category, points: int, terms: Terms, ctx: Context
    ) -> Rule:
        check_rule_points(points)
        return cls._create(
            cls.Established,
            id=cls.id_for(code),
            code=code,
            name=name,
            category=category.value,
            points=points,
            terms=terms.check().to_event(),
            **ctx.meta(ctx.today, "rule defined"),
        )

    def configure(self, terms: Terms, reason: str, ctx: Context) -> None:
        self.trigger_event(
            self.Configured, terms=terms.check().to_event(), **ctx.meta(ctx.today, reason)
        )

    def override(
        self, community_id: UUID, overrides: dict[str, Any], reason: str, ctx: Context
    ) -> None:
        unknown = set(overrides) - OVERRIDABLE
        require(
            not unknown,
            DomainError(
                "invalid-command.override-unknown",
                {"names": ", ".join(sorted(unknown))},
                field="overrides",
            ),
        )
        if "points" in overrides:
            check_rule_points(overrides["points"])
        self.standard_terms().overridden(overrides).check()
        self.trigger_event(
            self.Overridden,
            community_id=str(community_id),
            overrides=overrides,
            **ctx.meta(ctx.today, reason),
        )

    def revise(self, name: str, points: int, effective_on: date, reason: str, ctx: Context) -> None:
        """A new rate for awards from now on; past awards keep the version they were made under."""
        check_rule_points(points)
        require(
            effective_on <= ctx.today,
            DomainError(
                "invalid-command.revision-in-future",
                {"day": effective_on, "today": ctx.today},
                field="effective_on",
            ),
        )
        self.trigger_event(self.Revised, name=name, points=points, **ctx.meta(effective_on, reason))

    def retire(self, reason: str, ctx: Context) -> None:
        require(
            self.active,
            DomainError("invalid-command.rule-already-retired", {"rule_code": self.code}),
        )
        self.trigger_event(self.Retired, **ctx.meta(ctx.today, reason))

    @property
    def is_deduction(self) -> bool:
        return self.category is Category.DEDUCTION

    def overrides_by_community(self) -> dict[str, dict[str, Any]]:
        # Rules restored from snapshots taken before overrides existed lack the attribute.
        overrides: dict[str, dict[str, Any]] = self.__dict__.setdefault("overrides", {})
        return overrides

    def standard_terms(self) -> Terms:
        return Terms.from_event(self.__dict__.get("terms"))

    def terms_for(self, community_id: UUID) -> Terms:
        standard = self.__dict__.get("terms") or {}
        overrides = self.overrides_by_community().get(str(community_id), {})
        try:
            return _terms(tuple(standard.items()), tuple(overrides.items()))
        except TypeError:  # an unhashable value: build the terms afresh
            return Terms.from_event(standard).overridden(overrides)

    def points_for(self, community_id: UUID) -> int:
        points: int = (
            self.overrides_by_community().get(str(community_id), {}).get("points", self.points)
        )
        return points

    def quantity_for(self, community_id: UUID, quantity: int, minutes: int | None) -> int:
        """What `compute` counts: minutes served for per-hour rules, else occurrences."""
        if self.terms_for(community_id).mode != Mode.PER_HOUR:
            return quantity
        require(
            minutes is not None,
            DomainError(
                "invalid-command.minutes-needed",
                {"rule_code": self.code},
                field="minutes",
            ),
        )
        assert minutes is not None
        return minutes

    def compute(self, community_id: UUID, quantity: int) -> int:
        """Points for `quantity` occurrences, attendances, or minutes served (per-hour rules)."""
        rate = self.points_for(community_id)
        if self.terms_for(community_id).mode == Mode.PER_HOUR:
            require(
                0 < quantity <= MAX_MINUTES,
                DomainError("invalid-command.minutes-range", {"max": MAX_MINUTES}, field="minutes"),
            )
            points = rate * quantity // 60
            require(
                points > 0,
                DomainError(
                    "invalid-command.minutes-too-few",
                    {"minutes": quantity, "rate": rate},
                    field="minutes",
                ),
            )
            return points
        return rate * quantity


def check_rule_points(points: int) -> None:
    require(
        0 < points <= 1000,
        DomainError("invalid-command.rule-points-range", field="points"),
    )


@lru_cache(maxsize=1024)
def _terms(standard: tuple[tuple[str, Any], ...], overrides: tuple[tuple[str, Any], ...]) -> Terms:
    """Terms are immutable, so one instance serves every row of a sheet that names the rule."""
    return Terms.from_event(dict(standard)).overridden(dict(overrides))
