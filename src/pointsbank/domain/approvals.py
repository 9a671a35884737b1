"""Maker-checker on a resident's account: a deduction, an award above the rule's approval
threshold, and help a neighbour proposes wait as pending requests until a second staff member
approves or refuses them; and the rule's monthly cap on what one proposer asks for one resident.

A part of `Resident` (its events are `Resident.ApprovalRequested/Granted/Refused`), kept apart
so that each module reads as one concern.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pointsbank.domain.common import (
    Context,
    DomainError,
    Forbidden,
    LedgerEvent,
    NotFound,
    require,
)
from pointsbank.domain.rule import Rule
from pointsbank.domain.terms import CapExceeded

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate as Part
else:
    Part = object


class Approvals(Part):
    if TYPE_CHECKING:
        community_id: UUID
        entries: dict[str, dict[str, Any]]
        ApprovalRequested: type[LedgerEvent]
        ApprovalGranted: type[LedgerEvent]
        ApprovalRefused: type[LedgerEvent]

        def _points_for(
            self, rule: Rule, quantity: int, occurred_on: date, ctx: Context
        ) -> int: ...

    def pending_requests(self) -> dict[str, dict[str, Any]]:
        # Residents restored from snapshots taken before approvals existed lack the attribute.
        pending: dict[str, dict[str, Any]] = self.__dict__.setdefault("pending", {})
        return pending

    def is_pending(self, version: int) -> bool:
        return str(version) in self.pending_requests()

    def propose_award(
        self, rule: Rule, quantity: int, occurred_on: date, reason: str, ctx: Context
    ) -> int:
        """An award that waits for staff approval whatever the rule's threshold: proposed by
        someone who may not award points themselves (a resident confirming a neighbour's help)."""
        require(
            not rule.is_deduction,
            DomainError("invalid-command.rule-is-deduction", {"rule_code": rule.code}),
        )
        points = self._points_for(rule, quantity, occurred_on, ctx)
        self._check_pair_cap(rule, occurred_on, points, ctx.actor.user_id)
        return self._request("award", rule, quantity, points, occurred_on, reason, ctx)

    def _check_pair_cap(self, rule: Rule, occurred_on: date, points: int, proposer: str) -> None:
        """The rule's cap on what one proposer may propose for this resident in a month."""
        limit = rule.terms_for(self.community_id).cap_pair_month
        if limit is None:
            return
        month = occurred_on.isoformat()[:7]
        already = sum(
            abs(item.get("net", item.get("points", 0)))
            for item in [*self.entries.values(), *self.pending_requests().values()]
            if item.get("requested_by") == proposer
            and item.get("rule_code") == rule.code
            and item["occurred_on"][:7] == month
        )
        if already + points > limit:
            raise CapExceeded(
                "cap-exceeded.pair-month", cap="pair-month", limit=limit, already=already,
                requested=points, rule_code=rule.code,
            )  # fmt: skip

    def deduct(
        self, rule: Rule, quantity: int, occurred_on: date, reason: str, ctx: Context
    ) -> int:
        require(
            rule.is_deduction,
            DomainError("invalid-command.rule-not-deduction", {"rule_code": rule.code}),
        )
        require(
            bool(reason.strip()), DomainError("invalid-command.deduction-reason", field="reason")
        )
        points = self._points_for(rule, quantity, occurred_on, ctx)
        return self._request("deduction", rule, quantity, points, occurred_on, reason, ctx)

    def _request(
        self,
        kind: str,
        rule: Rule,
        quantity: int,
        points: int,
        occurred_on: date,
        reason: str,
        ctx: Context,
    ) -> int:
        self.trigger_event(
            self.ApprovalRequested,
            kind=kind,
            rule_code=rule.code,
            rule_version=rule.revision,
            quantity=quantity,
            points=points,
            disqualifies=rule.terms_for(self.community_id).disqualifies,
            **ctx.meta(occurred_on, reason),
        )
        return self.version

    def approve(self, request_version: int, rule: Rule, ctx: Context) -> int:
        """A second staff member approves a pending request; only now do its points count.

        Whether a deduction disqualifies the household is the rule's setting now, when the
        deduction takes effect, not when it was requested."""
        request = self.pending_request(request_version)
        require(
            request["requested_by"] != ctx.actor.user_id,
            Forbidden("forbidden.maker-approves"),
        )
        require(rule.code == request["rule_code"], DomainError("invalid-command.request-rule"))
        self.trigger_event(
            self.ApprovalGranted,
            request_version=request_version,
            kind=request["kind"],
            rule_code=request["rule_code"],
            rule_version=request["rule_version"],
            quantity=request["quantity"],
            points=request["points"],
            disqualifies=rule.terms_for(self.community_id).disqualifies,
            requested_by=request["requested_by"],
            **ctx.meta(date.fromisoformat(request["occurred_on"]), request["reason"]),
        )
        return self.version

    def refuse(self, request_version: int, reason: str, ctx: Context) -> int:
        self.pending_request(request_version)
        require(
            bool(reason.strip()), DomainError("invalid-command.rejection-reason", field="reason")
        )
        self.trigger_event(
            self.ApprovalRefused, request_version=request_version, **ctx.meta(ctx.today, reason)
        )
        return self.version

    def pending_request(self, request_version: int) -> dict[str, Any]:
        request = self.pending_requests().get(str(request_version))
        if request is None:
            raise NotFound(
                "not-found.pending-request",
                {"version": request_version},
                field="request_version",
            )
        return request
