"""How a rule computes and limits points: mode, caps per period, approval threshold, dates in force.

Terms travel inside rule events as plain dicts (dates as ISO text), so they can grow new keys
without breaking stored events: a missing key takes its default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any

from pointsbank.domain.common import DomainError, require

MAX_MINUTES = 24 * 60
PERIODS = ("day", "month", "year")  # their words are in the message catalogue
OVERRIDABLE = frozenset(
    {"points", "cap_day", "cap_month", "cap_year", "approval_above", "cap_pair_month"}
)


class Mode(StrEnum):
    FIXED = "fixed"
    PER_HOUR = "per_hour"
    PER_ATTENDANCE = "per_attendance"


@dataclass(frozen=True)
class Terms:
    mode: str = Mode.FIXED.value
    cap_day: int | None = None
    cap_month: int | None = None
    cap_year: int | None = None
    approval_above: int | None = None
    # Points a month one resident may propose for the same other resident (help confirmed
    # between neighbours): repeated help between the same two residents is capped.
    cap_pair_month: int | None = None
    disqualifies: bool = False
    in_force_from: date | None = None
    in_force_until: date | None = None

    @classmethod
    def from_event(cls, data: dict[str, Any] | None) -> Terms:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in (data or {}).items() if k in known}
        for key in ("in_force_from", "in_force_until"):
            if isinstance(values.get(key), str):
                values[key] = date.fromisoformat(values[key])
        return cls(**values)

    def to_event(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("in_force_from", "in_force_until"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    def check(self) -> Terms:
        require(
            self.mode in {m.value for m in Mode},
            DomainError("invalid-command.mode-unknown", {"mode": self.mode}, field="mode"),
        )
        for name in ("cap_day", "cap_month", "cap_year", "approval_above", "cap_pair_month"):
            value = getattr(self, name)
            require(
                value is None or 0 < value <= 1_000_000,
                DomainError("invalid-command.terms-points", {"name": name}, field=name),
            )
        require(
            not (self.in_force_from and self.in_force_until)
            or self.in_force_from <= self.in_force_until,
            DomainError("invalid-command.in-force-order", field="in_force_until"),
        )
        return self

    def overridden(self, overrides: dict[str, Any]) -> Terms:
        return replace(
            self, **{k: v for k, v in overrides.items() if k in OVERRIDABLE - {"points"}}
        )

    def caps(self) -> list[tuple[str, int]]:
        return [(p, v) for p in PERIODS if (v := getattr(self, f"cap_{p}")) is not None]

    def require_in_force(self, code: str, occurred_on: date) -> None:
        since, until = self.in_force_from, self.in_force_until
        require(
            (since is None or since <= occurred_on) and (until is None or occurred_on <= until),
            DomainError(
                "invalid-command.rule-not-in-force",
                {
                    "rule_code": code,
                    "day": occurred_on,
                    "since": since or "…",
                    "until": until or "…",
                },
                field="occurred_on",
            ),
        )

    def needs_approval(self, points: int, deduction: bool) -> bool:
        return deduction or (self.approval_above is not None and points > self.approval_above)


class CapExceeded(DomainError):
    code = "cap-exceeded"


def period_key(period: str, day: str) -> str:
    return {"day": day, "month": day[:7], "year": day[:4]}[period]


def check_caps(
    terms: Terms,
    rule_code: str,
    occurred_on: date,
    points: int,
    counted: Iterable[tuple[str | None, str, int]],
) -> None:
    """Refuse `points` more by this rule if any period's cap would be passed.

    `counted` holds (rule code, occurred_on ISO, points) of what the resident already has,
    pending requests included, so two pending awards cannot together pass a cap.
    """
    caps = terms.caps()
    if not caps:
        return  # no cap: the resident's history need not be read at all
    counted = list(counted)
    day = occurred_on.isoformat()
    for period, limit in caps:
        key = period_key(period, day)
        already = sum(
            p for code, on, p in counted if code == rule_code and period_key(period, on) == key
        )
        if already + points > limit:
            raise CapExceeded(
                f"cap-exceeded.{period}",
                cap=period,
                limit=limit,
                already=already,
                requested=points,
                rule_code=rule_code,
            )
