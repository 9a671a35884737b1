"""Closing and reopening a community's year, and the check every points entry makes.

How a close stays sound against a concurrent award. An award reads the community's year
aggregate in its own decision and is refused once the year is closed. A version check cannot
protect the other order (an award decided just before the close commits, saved just after),
because the award does not change the year aggregate. So the close freezes the ranking at an
explicit log position instead: `up_to_position` is the projection position at which the
ranking was read (read models held still while reading), the digest covers exactly the log up
to that position, and reproducing the ranking replays the log up to that position and nothing
after it. An entry dated in the year that lands after the freeze (at most one in-flight
decision per writer) is never folded silently into the published ranking: the year's status
reports it as a late entry, and an administrator may reopen and staff close again to include it.
Whatever lands after the freeze and changes the year's figures (a late entry, or a membership
change decided before the close) also makes the year's verification fail, since it replays
the whole log as well as the frozen prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from pointsbank.commands import Command, CommandLoop, Decision, Outcome
from pointsbank.domain.authority import require_community, require_role
from pointsbank.domain.common import Role
from pointsbank.domain.community import Community
from pointsbank.domain.resident import Resident
from pointsbank.domain.year import FIRST_YEAR, CommunityYear, check_year, require_open
from pointsbank.notices import require_final_if_published


@dataclass(frozen=True)
class FrozenRanking:
    """A community's ranking for a year as read at one log position."""

    digest: str
    up_to_position: int
    summary: dict[str, Any]


Freezer = Callable[[UUID, int], FrozenRanking]


def require_year_open(bank: CommandLoop, community_id: UUID, occurred_on: date) -> None:
    """Refuse an award, deduction or correction dated in a closed year of the community."""
    year = bank.find(CommunityYear, CommunityYear.id_for(community_id, occurred_on.year))
    require_open(year, occurred_on)


def require_years_open_from(
    bank: CommandLoop, community_id: UUID, effective_on: date, today: date
) -> None:
    """A membership change moves a resident's household points in every year from its
    effective date on: refuse it while any of those years is closed."""
    for year in range(max(effective_on.year, FIRST_YEAR), today.year + 1):
        book = bank.find(CommunityYear, CommunityYear.id_for(community_id, year))
        require_open(book, effective_on, "membership changes")


def require_year_open_for(bank: CommandLoop, resident: Resident, corrects_version: int) -> None:
    """A correction belongs to the year of the entry it corrects."""
    entry = resident.entries.get(str(corrects_version))
    if entry is not None:
        occurred_on = date.fromisoformat(entry["occurred_on"])
        require_year_open(bank, resident.community_id, occurred_on)


class YearBook:
    """Closes a community's year with its frozen ranking; an administrator reopens it."""

    def __init__(self, bank: CommandLoop, freeze: Freezer) -> None:
        self.bank = bank
        self.freeze = freeze

    def close(self, cmd: Command, community_id: UUID, year: int) -> Outcome:
        require_role(cmd.ctx.actor, Role.STAFF, Role.ADMIN)
        require_community(cmd.ctx.actor, community_id)
        check_year(year)

        def decide() -> Decision:
            self.bank.get(Community, community_id, "community")
            book = self.find(community_id, year) or CommunityYear.start(community_id, year, cmd.ctx)
            notice = require_final_if_published(self.bank, community_id, year)
            frozen = self.freeze(community_id, year)
            summary = frozen.summary
            if notice is not None:  # the final civilised-family list is frozen with the year
                final = {"notice_id": str(notice.id), "households": notice.final_list()}
                summary = {**summary, "final_list": final}
            book.close(frozen.digest, frozen.up_to_position, summary, cmd.ctx)
            return [book], 201, _status(book, summary)

        return self.bank.execute(cmd, decide)

    def reopen(self, cmd: Command, community_id: UUID, year: int, reason: str) -> Outcome:
        require_role(cmd.ctx.actor, Role.ADMIN)
        check_year(year)

        def decide() -> Decision:
            book = self.bank.get(
                CommunityYear, CommunityYear.id_for(community_id, year), "community year"
            )
            book.reopen(reason, cmd.ctx)
            return [book], 200, _status(book, {})

        return self.bank.execute(cmd, decide)

    def find(self, community_id: UUID, year: int) -> CommunityYear | None:
        return self.bank.find(CommunityYear, CommunityYear.id_for(community_id, year))


def _status(book: CommunityYear, summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "community_id": str(book.community_id),
        "year": book.year,
        "closed": book.closed,
        "digest": book.digest,
        "up_to_position": book.up_to_position,
        "summary": summary,
    }
