"""What the annual-points and audit reads answer: rankings, statements, checks and replays."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from api.views import Moment, StatementEntry, View


class RankedResident(View):
    resident_id: UUID
    community_id: UUID
    grid: str
    party_member: bool
    without_hukou: bool
    points: int
    name: str | None
    rank: int


class RankedHousehold(View):
    household_id: UUID
    community_id: UUID
    name: str
    points: int
    rank: int


class ResidentRanking(View):
    year: int
    rows: list[RankedResident]
    next: str | None = Field(None, description="`after` for the next page; null on the last")


class HouseholdRanking(View):
    year: int
    rows: list[RankedHousehold]
    next: str | None = Field(None, description="`after` for the next page; null on the last")


class MemberPoints(View):
    resident_id: UUID
    name: str | None
    points: int
    by_category: dict[str, int]


class Candidate(RankedHousehold):
    by_category: dict[str, int]
    by_member: list[MemberPoints]


class Disqualifying(View):
    resident_id: UUID
    version: int
    rule_code: str | None
    occurred_on: date
    reason: str
    net: int


class Excluded(RankedHousehold):
    deductions: list[Disqualifying]


class Candidates(View):
    year: int
    community_id: UUID
    top: int | None
    threshold: int | None
    candidates: list[Candidate]
    excluded: list[Excluded] = Field(description="ranked high enough but disqualified")


class AnnualEntry(View):
    resident_id: UUID
    version: int
    position: int
    kind: str
    occurred_on: date
    points: int
    rule_code: str | None
    category: str | None
    corrects_version: int | None
    reason: str
    recorded_at: Moment
    actor_id: str
    running_total: int


class HouseholdAnnualEntry(AnnualEntry):
    name: str | None


class ResidentAnnual(View):
    resident_id: UUID
    year: int
    points: int
    by_category: dict[str, int]
    entries: list[AnnualEntry]


class HouseholdAnnual(View):
    name: str
    household_id: UUID
    year: int
    points: int
    by_category: dict[str, int]
    by_member: dict[str, int] = Field(description="resident id -> points while a member")
    entries: list[HouseholdAnnualEntry]


class Verification(View):
    ok: bool = Field(
        description="the chain holds and a digest signed by the published key anchors it"
    )
    chain_ok: bool
    signatures: str = Field(description="unchecked (no published key), failed, none or verified")
    trusted_key: str | None
    trust_problem: str | None
    anchored_position: int
    unanchored: int = Field(description="chained events after the last anchored position")
    failed_position: int | None
    failure: str | None
    checked: int
    head_position: int
    head: str
    digests: int
    unchained: int
    notes: list[str]


class ChainHead(View):
    position: int
    head: str


class ChainHash(View):
    position: int
    hash: str


class SignedDigest(View):
    format: str
    street: str
    position: int
    head: str
    signed_at: str
    public_key: str
    signature: str


class Difference(View):
    table: str
    side: str
    row: dict[str, object]


class Replay(View):
    ok: bool
    position: int
    events: int
    seconds: float
    rows: dict[str, int]
    differing: dict[str, int]
    differences: list[Difference]


class AsOf(View):
    position: int | None
    at: str | None


class BalanceAsOf(View):
    resident_id: UUID
    community_id: UUID
    as_of: AsOf
    balance: int
    last_position: int | None
    totals: dict[str, int]


class StatementAsOf(BalanceAsOf):
    entries: list[StatementEntry]


class RankingsAsOf(View):
    up_to_position: int
    year: int
    community_id: UUID | None
    households: list[RankedHousehold]
    residents: list[RankedResident]


class ActorEvent(View):
    position: int
    recorded_at: Moment
    occurred_on: date | None
    actor_role: str
    event: str
    originator_id: UUID
    originator_version: int
    reason: str | None


class ActorActivity(View):
    actor_id: str
    since: date
    until: date
    events: list[ActorEvent]
