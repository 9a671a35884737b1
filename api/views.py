"""What each read answers: the response models of the GET routes, as the read models give them.

Models allow extra members, so a projection may add a column without breaking clients; what is
declared here is always there, with the type said. Timestamps are ISO 8601 text in UTC.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.outcomes import GoodsState, ReceiptLine


class View(BaseModel):
    model_config = ConfigDict(extra="allow")


Moment = str  # ISO 8601 text, UTC, as recorded


class Health(View):
    status: str


class Readiness(View):
    status: str
    log_position: int
    projected_position: int
    lag_events: int
    lag_seconds: float


class Me(View):
    user_id: str
    name: str | None
    role: str
    community_id: UUID | None
    street: str
    timezone: str
    today: date


class Grid(View):
    code: str
    name: str


class Community(View):
    community_id: UUID
    code: str
    name: str
    grids: list[Grid]


class RuleSummary(View):
    code: str
    version: int
    name: str
    category: str
    points: int
    active: bool


class RuleOverride(View):
    community_id: UUID
    points: int | None
    cap_day: int | None
    cap_month: int | None
    cap_year: int | None
    approval_above: int | None
    cap_pair_month: int | None = None


class Rule(RuleSummary):
    mode: str | None
    cap_day: int | None
    cap_month: int | None
    cap_year: int | None
    approval_above: int | None
    cap_pair_month: int | None = None
    disqualifies: bool
    in_force_from: date | None
    in_force_until: date | None
    overrides: list[RuleOverride]


class Resident(View):
    resident_id: UUID
    community_id: UUID
    grid: str
    party_member: bool
    without_hukou: bool
    household_id: UUID | None
    enrolled_on: date
    balance: int
    name: str | None = Field(description="null or 已删除 once erased")
    phone: str | None


class Balance(View):
    resident_id: UUID
    community_id: UUID
    balance: int
    totals: dict[str, int] = Field(description="points by kind of entry")


class StatementEntry(View):
    version: int
    position: int
    kind: str
    rule_code: str | None
    rule_version: int | None
    quantity: int | None
    points: int
    balance_after: int
    corrects_version: int | None
    occurred_on: date
    recorded_at: Moment
    actor_id: str
    actor_role: str
    reason: str


class Statement(View):
    resident_id: UUID
    balance: int
    entries: list[StatementEntry]
    next: int | None = Field(None, description="`after` for the next page; null on the last")


class Member(View):
    resident_id: UUID
    joined_on: date
    left_on: date | None
    name: str | None


class HouseholdSummary(View):
    household_id: UUID
    community_id: UUID
    name: str
    created_on: date


class Household(HouseholdSummary):
    members: list[Member]


class PendingEntry(View):
    resident_id: UUID
    request_version: int
    kind: str
    rule_code: str | None
    rule_version: int | None
    quantity: int | None
    points: int
    occurred_on: date
    requested_by: str
    requested_at: Moment
    reason: str
    community_id: UUID
    name: str | None


class ActivitySummary(View):
    activity_id: UUID
    community_id: UUID
    rule_code: str
    kind: str
    title: str
    held_on: date
    starts_at: str
    place: str
    capacity: int
    organiser: str
    closed: bool


class Attendee(View):
    resident_id: UUID
    name: str | None
    signed_up: int
    attended: int
    minutes: int | None
    awarded_version: int | None
    refused: str | None


class Activity(ActivitySummary):
    closed_by: str | None
    attendees: list[Attendee]


class SheetImport(View):
    import_id: UUID
    community_id: UUID
    rows_applied: int
    applied_at: Moment
    actor_id: str


class Goods(GoodsState):
    listed_on: date


class StockMovement(View):
    version: int
    kind: str
    quantity: int
    stock_after: int
    receipt_id: UUID | None
    occurred_on: date
    recorded_at: Moment
    actor_id: str | None
    reason: str


class GoodsDetail(Goods):
    movements: list[StockMovement]


class ReceiptSummary(View):
    receipt_id: UUID
    number: str
    community_id: UUID
    resident_id: UUID
    clerk_id: str
    clerk: str | None
    issued_at: Moment
    issued_on: date
    points: int
    balance_after: int
    cancelled_on: date | None
    cancelled_at: Moment | None
    cancelled_by: str | None
    cancel_reason: str | None


class Receipt(ReceiptSummary):
    items: list[ReceiptLine]


class CounterItem(View):
    goods_id: UUID
    name: str
    quantity_redeemed: int
    quantity_returned: int
    points_in: int
    stock_out: int
    reconciled: bool


class CounterReport(View):
    day: date
    counter: str
    counter_name: str | None
    receipts: int
    cancellations: int
    points_taken: int
    points_refunded: int
    points_in: int
    points_in_ledger: int
    items: list[CounterItem]
    reconciled: bool


class CounterReports(View):
    community_id: UUID
    day: date
    counters: list[CounterReport]


class YearStatus(View):
    community_id: UUID
    year: int
    closed: bool
    digest: str | None = None
    up_to_position: int | None = None
    summary: dict[str, Any] = Field(default={}, description="the frozen ranking's totals")
    late_entries: list[dict[str, Any]] = Field(
        default=[], description="entries dated in the closed year, recorded after the freeze"
    )


class YearVerification(View):
    community_id: UUID
    year: int
    up_to_position: int
    digest: str
    reproduced_digest: str
    matches: bool
