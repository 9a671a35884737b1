"""What each command answers on success: the response models of the state-changing routes.

The body is the one recorded with the idempotency key, so a replay answers exactly the same.
Members not declared here may follow (models allow extra members), never fewer.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class Outcome(BaseModel):
    model_config = ConfigDict(extra="allow")


class CommunityRegistered(Outcome):
    community_id: UUID
    code: str


class GridAdded(Outcome):
    community_id: UUID
    grid: str


class RuleVersion(Outcome):
    rule_code: str
    rule_version: int
    active: bool = True


class ResidentEnrolled(Outcome):
    resident_id: UUID


class PersonalDataErased(Outcome):
    resident_id: UUID
    erased: bool


class HouseholdCreated(Outcome):
    household_id: UUID


class Membership(Outcome):
    household_id: UUID
    resident_id: UUID


class Entry(Outcome):
    """An entry on a resident's account, with the balance after it."""

    resident_id: UUID
    version: int = Field(description="the entry's version on the resident's account")
    balance: int
    pending: bool = Field(
        default=False, description="present (true) while the entry awaits a second approver"
    )


class ActivityPlanned(Outcome):
    activity_id: UUID


class Participation(Outcome):
    activity_id: UUID
    resident_id: UUID


class ActivityClosed(Outcome):
    activity_id: UUID
    awarded: dict[str, int] = Field(description="resident id -> the award's entry version")
    pending: list[UUID] = Field(description="residents whose award awaits a second approver")
    refused: dict[str, str] = Field(description="resident id -> why no award was made")


class ImportedEntry(Outcome):
    row: int
    resident_id: UUID
    version: int
    pending: bool


class SheetImported(Outcome):
    import_id: UUID
    rows: int
    entries: list[ImportedEntry]


class GoodsState(Outcome):
    goods_id: UUID
    community_id: UUID | None
    name: str
    price: int
    stock: int
    household_limit: int
    active: bool
    version: int


class ReceiptLine(Outcome):
    goods_id: UUID
    name: str
    quantity: int
    price: int
    points: int


class Redeemed(Outcome):
    receipt_id: UUID
    number: str
    resident_id: UUID
    items: list[ReceiptLine]
    points: int
    balance_after: int
    issued_at: str = Field(description="ISO 8601 moment, UTC")
    issued_on: date
    clerk: str


class RedemptionCancelled(Outcome):
    receipt_id: UUID
    number: str
    cancelled: bool
    points_refunded: int
    balance_after: int
    reason: str


class YearState(Outcome):
    community_id: UUID
    year: int
    closed: bool
    digest: str | None
    up_to_position: int | None
    summary: dict[str, object] = Field(description="the frozen ranking's totals and leaders")
