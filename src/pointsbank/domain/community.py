"""A community (社区) of the street and its grids (网格)."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import Context, DomainError, LedgerCreated, LedgerEvent, require

NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/community")


class Community(Aggregate):
    class Registered(LedgerCreated):
        code: str
        name: str

    class GridAdded(LedgerEvent):
        code: str
        name: str

        def apply(self, aggregate: Community) -> None:
            aggregate.grids[self.code] = self.name

    def __init__(self, code: str, name: str) -> None:
        self.code = code
        self.name = name
        self.grids: dict[str, str] = {}

    @staticmethod
    def id_for(code: str) -> UUID:
        return uuid5(NAMESPACE, code)

    @classmethod
    def register(cls, code: str, name: str, ctx: Context) -> Community:
        return cls._create(
            cls.Registered,
            id=cls.id_for(code),
            code=code,
            name=name,
            **ctx.meta(ctx.today, "community registered"),
        )

    def add_grid(self, code: str, name: str, ctx: Context) -> None:
        require(
            code not in self.grids,
            DomainError(
                "invalid-command.grid-exists", {"code": code, "community": self.code}, field="code"
            ),
        )
        self.trigger_event(
            self.GridAdded, code=code, name=name, **ctx.meta(ctx.today, "grid added")
        )

    def require_grid(self, code: str) -> None:
        require(
            code in self.grids,
            DomainError(
                "invalid-command.grid-unknown", {"code": code, "community": self.code}, field="grid"
            ),
        )
