"""A rule of the points catalogue (积分细则): what an occurrence of some conduct is worth."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import Context, DomainError, LedgerCreated, LedgerEvent, require

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

    def __init__(self, code: str, name: str, category: str, points: int) -> None:
        self.code = code
        self.name = name
        self.category = Category(category)
        self.points = points
        self.revision = 1
        self.active = True

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

    def revise(self, name: str, points: int, effective_on: date, reason: str, ctx: Context) -> None:
        check_rule_points(points)
        self.trigger_event(self.Revised, name=name, points=points, **ctx.meta(effective_on, reason))

    def retire(self, reason: str, ctx: Context) -> None:
        require(self.active, DomainError(f"rule {self.code} is already retired"))
        self.trigger_event(self.Retired, **ctx.meta(ctx.today, reason))

    @property
    def is_deduction(self) -> bool:
        return self.category is Category.DEDUCTION


def check_rule_points(points: int) -> None:
    require(
        0 < points <= 1000,
        DomainError("a rule is worth between 1 and 1000 points", field="points"),
    )
