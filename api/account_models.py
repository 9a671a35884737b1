"""What the account routes answer: accounts, one's own tokens, and the sign-in log.

Like api/outcomes.py and api/views.py, models allow extra members; what is declared is always
there. No model holds a password, a hash or a token's secret, except `TokenIssued.token`, which
only the first answer to a token's creation carries.
"""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.outcomes import Outcome
from api.views import Moment, View


class AccountState(Outcome):
    """An account after a change to it."""

    user_id: UUID
    name: str
    display_name: str
    role: str
    community_ids: list[UUID]
    resident_id: UUID | None
    disabled: bool
    must_change_password: bool


class AccountRow(View):
    user_id: UUID
    name: str
    display_name: str
    role: str
    community_id: UUID | None
    community: str | None = Field(description="the community's code")
    resident_id: UUID | None
    disabled: bool
    must_change_password: bool
    opened_at: Moment


class AccountPage(View):
    accounts: list[AccountRow]
    total: int
    page: int


class TokenIssued(Outcome):
    token_id: UUID
    label: str
    expires_at: Moment | None
    token: str | None = Field(
        default=None,
        description="the secret, shown once: only in the first answer, never in a replay of "
        "its Idempotency-Key, and never stored (only its SHA-256 is)",
    )


class TokenRow(View):
    token_id: UUID
    label: str
    created_at: Moment
    expires_at: Moment | None
    revoked_at: Moment | None


class SignInEntry(View):
    at: Moment
    user_name: str
    user_id: str | None = Field(description="the account's id, when the name was known")
    address: str
    outcome: str
