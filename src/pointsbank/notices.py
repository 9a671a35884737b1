"""Public notice of the annual candidates (公示): publish, object, find, finalise.

The candidate list comes from the read models (the rankings' civilised-family candidates), so it
is passed in as a function, as the year close's freeze is. Every step is refused once the
notice's year is closed; an objection's words go to the erasable registry, never to an event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from pointsbank.commands import Command, CommandLoop, Decision, Outcome
from pointsbank.domain.authority import require_community, require_role
from pointsbank.domain.common import Conflict, DomainError, Role
from pointsbank.domain.community import Community
from pointsbank.domain.notice import DEFAULT_DAYS, Notice
from pointsbank.domain.resident import Resident
from pointsbank.domain.year import CommunityYear, check_year, require_open
from pointsbank.inputs import NOTE, InputRefused, clean_text

# (community id, year, how many) -> households: household_id, name, points, rank
Candidates = Callable[[UUID, int, int], list[dict[str, Any]]]
DEFAULT_TOP = 10


class NoticeBook:
    def __init__(self, bank: CommandLoop, candidates: Candidates) -> None:
        self.bank = bank
        self.candidates = candidates

    def publish(
        self,
        cmd: Command,
        community_id: UUID,
        year: int,
        days: int = DEFAULT_DAYS,
        top: int = DEFAULT_TOP,
    ) -> Outcome:
        """Publish the year's top candidate households for `days` days; once per year."""
        require_role(cmd.ctx.actor, Role.STAFF)
        require_community(cmd.ctx.actor, community_id)
        check_year(year)

        def decide() -> Decision:
            self.bank.get(Community, community_id, "community")
            self._require_year_open(community_id, year, cmd)
            if self.find(community_id, year) is not None:
                raise Conflict("conflict.notice-published", {"year": year})
            households = self.candidates(community_id, year, top)
            notice = Notice.publish(community_id, year, households, days, cmd.ctx)
            return [notice], 201, status(notice)

        return self.bank.execute(cmd, decide)

    def object(self, cmd: Command, year: int, household_id: UUID, reason: str) -> Outcome:
        """A resident of the community objects to a listed household, in their own words."""
        actor = cmd.ctx.actor
        require_role(actor, Role.RESIDENT)
        try:
            words = clean_text(reason, kind=NOTE)
        except InputRefused as refused:
            raise DomainError("invalid-command.objection-reason", field="reason") from refused
        objection_id = Notice.objection_id_for(actor.user_id, cmd.key)
        lodged: list[Notice] = []

        def decide() -> Decision:
            resident_id = actor.resident_id or UUID(int=0)  # an unlinked account: nobody's
            resident = self.bank.load(actor, Resident, resident_id, "resident")
            notice = self._load(cmd, resident.community_id, year)
            notice.lodge_objection(objection_id, household_id, resident.id, cmd.ctx)
            lodged[:] = [notice]
            return [notice], 201, {**status(notice), "objection_id": str(objection_id)}

        def keep_words() -> None:
            resident_id = UUID(lodged[0].objections[str(objection_id)]["resident_id"])
            self.bank.registry.keep_objection(objection_id, lodged[0].id, resident_id, words)

        return self.bank.execute(cmd, decide, keep_words)

    def record_finding(
        self,
        cmd: Command,
        community_id: UUID,
        year: int,
        objection_id: UUID,
        upheld: bool,
        reason: str,
    ) -> Outcome:
        """Staff's finding on one objection; upheld removes the household from the list."""
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            notice = self._load(cmd, community_id, year)
            notice.record_finding(objection_id, upheld, reason, cmd.ctx)
            return [notice], 200, status(notice)

        return self.bank.execute(cmd, decide)

    def finalise(self, cmd: Command, community_id: UUID, year: int) -> Outcome:
        """The list becomes final once the period has ended and every objection is found."""
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            notice = self._load(cmd, community_id, year)
            notice.finalise(cmd.ctx)
            return [notice], 200, status(notice)

        return self.bank.execute(cmd, decide)

    def find(self, community_id: UUID, year: int) -> Notice | None:
        return self.bank.find(Notice, Notice.id_for(community_id, year))

    def _load(self, cmd: Command, community_id: UUID, year: int) -> Notice:
        check_year(year)
        notice_id = Notice.id_for(community_id, year)
        notice = self.bank.load(cmd.ctx.actor, Notice, notice_id, "notice")
        self._require_year_open(community_id, year, cmd)
        return notice

    def _require_year_open(self, community_id: UUID, year: int, cmd: Command) -> None:
        book = self.bank.find(CommunityYear, CommunityYear.id_for(community_id, year))
        require_open(book, cmd.ctx.today, "public notice steps")


def status(notice: Notice) -> dict[str, Any]:
    return {
        "notice_id": str(notice.id),
        "community_id": str(notice.community_id),
        "year": notice.year,
        "ends_at": notice.ends_at.isoformat(),
        "final": notice.final,
        "households": [h["household_id"] for h in notice.final_list()],
        "removed": sorted(notice.removed),
        "open_objections": len(notice.open_objections()),
    }


def require_final_if_published(bank: CommandLoop, community_id: UUID, year: int) -> Notice | None:
    """The year close waits for a running notice: closing would cut the residents' right to
    object short, so the list must be final first. Returns the final notice, if any."""
    notice = bank.find(Notice, Notice.id_for(community_id, year))
    if notice is not None and not notice.final:
        raise Conflict("conflict.notice-not-final", {"year": year})
    return notice
