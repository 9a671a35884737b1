"""The community year aggregate: given events, when a command, then events or a refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, cast
from uuid import UUID, uuid4

from pointsbank.domain.common import Actor, Conflict, Context, DomainError, Role
from pointsbank.domain.year import CommunityYear, YearClosed, require_open
from pointsbank.years import require_years_open_from
from tests.refusals import raises_refusal

if TYPE_CHECKING:
    from pointsbank.application import PointsBank

STAFF = Actor("staff-1", Role.STAFF, uuid4())
ADMIN = Actor("admin-1", Role.ADMIN)


def ctx(actor: Actor = STAFF, today: date = date(2026, 1, 1)) -> Context:
    return Context(actor=actor, at=datetime(2025, 12, 31, 16, 30, tzinfo=UTC), today=today)


def closed_year() -> CommunityYear:
    year = CommunityYear.start(uuid4(), 2025, ctx())
    year.close("d" * 64, 42, {"households": 0}, ctx())
    return year


def test_closing_records_the_digest_and_the_freeze_position() -> None:
    year = closed_year()
    events = year.collect_events()
    assert [type(e) for e in events] == [CommunityYear.Started, CommunityYear.Closed]
    closed = events[1]
    assert isinstance(closed, CommunityYear.Closed)
    assert (closed.digest, closed.up_to_position, closed.year) == ("d" * 64, 42, 2025)
    assert (closed.actor_id, closed.occurred_on) == ("staff-1", date(2026, 1, 1))


def test_a_year_that_has_not_ended_cannot_be_closed() -> None:
    year = CommunityYear.start(uuid4(), 2025, ctx(today=date(2025, 12, 31)))
    with raises_refusal(DomainError, "invalid-command.year-not-ended"):
        year.close("d", 1, {}, ctx(today=date(2025, 12, 31)))


def test_closed_years_refuse_entries_and_reopen_only_with_a_reason() -> None:
    year = closed_year()
    with raises_refusal(Conflict, "conflict.year-already-closed"):
        year.close("d", 1, {}, ctx())
    with raises_refusal(YearClosed, "year-closed") as closed:
        require_open(year, date(2025, 3, 1))
    assert closed.value.extra["year"] == 2025
    with raises_refusal(DomainError, "invalid-command.reopen-reason"):
        year.reopen("  ", ctx(ADMIN))
    year.reopen("补录", ctx(ADMIN))
    require_open(year, date(2025, 3, 1))
    require_open(None, date(2025, 3, 1))
    with raises_refusal(Conflict, "conflict.year-not-closed"):
        year.reopen("again", ctx(ADMIN))


def test_years_outside_the_supported_range_are_refused() -> None:
    with raises_refusal(DomainError, "invalid-command.year-range"):
        CommunityYear.start(uuid4(), 1999, ctx())


class Books:
    """A fake of the bank's look-up: the community years it knows."""

    def __init__(self, *years: CommunityYear) -> None:
        self.years = {year.id: year for year in years}

    def find(self, cls: type[CommunityYear], aggregate_id: UUID) -> CommunityYear | None:
        return self.years.get(aggregate_id)


def test_a_membership_change_effective_in_or_before_a_closed_year_is_refused() -> None:
    year = closed_year()
    books = cast("PointsBank", Books(year))
    for effective_on in (date(2025, 6, 1), date(2024, 6, 1)):  # 2024 spans into 2025
        with raises_refusal(YearClosed, "year-closed") as closed:
            require_years_open_from(books, year.community_id, effective_on, date(2026, 3, 1))
        assert "membership changes dated" in closed.value.text("en")
    require_years_open_from(books, year.community_id, date(2026, 1, 1), date(2026, 3, 1))
    require_years_open_from(books, uuid4(), date(2024, 6, 1), date(2026, 3, 1))
