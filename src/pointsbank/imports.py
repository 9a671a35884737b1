"""Bulk import of a points sheet: validated as a whole, applied in one atomic decision or not
at all, with a row-by-row error report; the same sheet twice applies once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from pointsbank.application import Command, Decision, Outcome, PointsBank, unknown
from pointsbank.bulk_load import load_many
from pointsbank.domain.authority import can_see, require_disinterested, require_role
from pointsbank.domain.common import Conflict, DomainError, Role
from pointsbank.domain.resident import MAX_QUANTITY, Resident
from pointsbank.domain.rule import Rule
from pointsbank.domain.sheet_import import SheetImport
from pointsbank.domain.terms import MAX_MINUTES
from pointsbank.domain.year import CommunityYear, require_open
from pointsbank.inputs import CODE, NOTE, InputRefused, clean_text, parse_day, parse_whole
from pointsbank.sheet_people import identify
from pointsbank.sheets import read_sheet

K = TypeVar("K")
V = TypeVar("V")


class SheetRejected(DomainError):
    code = "sheet-rejected"


class SheetAlreadyImported(Conflict):
    code = "sheet-already-imported"


@dataclass(frozen=True)
class Line:
    row: int
    resident_id: UUID
    rule_code: str
    occurred_on: date
    quantity: int
    minutes: int | None
    note: str


class Imports:
    def __init__(self, bank: PointsBank) -> None:
        self.bank = bank

    def apply(self, cmd: Command, content: bytes) -> Outcome:
        require_role(cmd.ctx.actor, Role.STAFF)
        community_id = cmd.ctx.actor.community_id
        assert community_id is not None, "staff accounts always belong to a community"
        lines, errors = self._lines(community_id, content)
        digest = sheet_digest(lines)

        def decide() -> Decision:
            found = self.bank.find(SheetImport, SheetImport.id_for(community_id, digest))
            if found is not None:
                raise SheetAlreadyImported(
                    "sheet-already-imported", {"at": f"{found.applied_at:%Y-%m-%d %H:%M}"},
                    import_id=str(found.id),
                )
            residents, entries, refusals = self._decide_rows(cmd, lines)
            report = sorted(errors + refusals, key=lambda e: int(e["row"]))
            if report:
                raise SheetRejected(
                    "sheet-rejected", {"count": len(report)},
                    errors=report,
                )
            sheet = SheetImport.apply_sheet(community_id, digest, entries, cmd.ctx)
            body = {
                "import_id": str(sheet.id),
                "rows": len(entries),
                "entries": entries,
            }
            return [sheet, *residents.values()], 201, body

        return self.bank.execute(cmd, decide)

    def preview(self, cmd: Command, content: bytes) -> dict[str, Any]:
        """The same checks as `apply`, writing nothing: the rows, each row's problems, and
        the earlier import of the same sheet if there was one."""
        require_role(cmd.ctx.actor, Role.STAFF)
        community_id = cmd.ctx.actor.community_id
        assert community_id is not None, "staff accounts always belong to a community"
        lines, errors = self._lines(community_id, content)
        earlier = self.bank.find(SheetImport, SheetImport.id_for(community_id, sheet_digest(lines)))
        _, entries, refusals = self._decide_rows(cmd, lines)
        report = sorted(errors + refusals, key=lambda e: int(e["row"]))
        return {"lines": lines, "entries": entries, "errors": report, "earlier": earlier}

    def _lines(self, community_id: UUID, content: bytes) -> tuple[list[Line], list[dict[str, Any]]]:
        rows, unknown = identify(self.bank.registry, community_id, read_sheet(content))
        lines, errors = parse_lines(rows)
        return lines, errors + unknown

    def _decide_rows(
        self, cmd: Command, lines: list[Line]
    ) -> tuple[dict[UUID, Resident], list[dict[str, Any]], list[dict[str, Any]]]:
        """Decide every row against state loaded once per resident, rule and year: a sheet of
        100k rows names far fewer of each, and loading is what a row costs most."""
        loaded = _Loaded(self.bank, cmd, {line.resident_id for line in lines})
        entries: list[dict[str, Any]] = []
        refusals: list[dict[str, Any]] = []
        for line in lines:
            try:
                resident = loaded.beneficiary(line.resident_id, line.occurred_on)
                loaded.require_year_open(resident.community_id, line.occurred_on)
                rule = loaded.rule(line.rule_code)
                quantity = rule.quantity_for(resident.community_id, line.quantity, line.minutes)
                decide = resident.deduct if rule.is_deduction else resident.award
                version = decide(rule, quantity, line.occurred_on, line.note, cmd.ctx)
            except DomainError as refusal:
                refusals.append(_error(line.row, _field(refusal), refusal.detail))
                continue
            entries.append(
                {
                    "row": line.row,
                    "resident_id": str(resident.id),
                    "version": version,
                    "pending": resident.is_pending(version),
                }
            )
        return loaded.changed(), entries, refusals


class _Loaded:
    """Residents, rules and year books a sheet names, each loaded once for the whole sheet
    (the residents all together, with a few queries)."""

    def __init__(self, bank: PointsBank, cmd: Command, resident_ids: set[UUID]) -> None:
        self.bank, self.actor = bank, cmd.ctx.actor
        self.own = bank.actor_resident(self.actor)
        self.preloaded = load_many(bank, resident_ids)
        self.residents: dict[UUID, Resident | DomainError] = {}
        self.rules: dict[str, Rule | DomainError] = {}
        self.years: dict[tuple[UUID, int], CommunityYear | None] = {}
        self.touched: dict[UUID, Resident] = {}

    def beneficiary(self, resident_id: UUID, occurred_on: date) -> Resident:
        """As `PointsBank.beneficiary`, with the resident kept as the sheet changes it."""
        resident = _once(self.residents, resident_id, lambda: self._visible(resident_id))
        require_disinterested(self.actor, resident, self.own, occurred_on)
        self.touched[resident.id] = resident
        return resident

    def _visible(self, resident_id: UUID) -> Resident:
        """As `PointsBank.load`: another community's resident answers as an unknown id."""
        found = self.preloaded.get(resident_id)
        if not isinstance(found, Resident) or not can_see(self.actor, found.community_id):
            raise unknown("resident", resident_id)
        return found

    def rule(self, code: str) -> Rule:
        return _once(self.rules, code, lambda: self.bank.rule(code))

    def require_year_open(self, community_id: UUID, occurred_on: date) -> None:
        key = (community_id, occurred_on.year)
        if key not in self.years:
            self.years[key] = self.bank.find(CommunityYear, CommunityYear.id_for(*key))
        require_open(self.years[key], occurred_on)

    def changed(self) -> dict[UUID, Resident]:
        return {rid: r for rid, r in self.touched.items() if r.pending_events}


def _once(cache: dict[K, V | DomainError], key: K, load: Callable[[], V]) -> V:
    """The loaded value, or the same refusal again, for every row that names `key`."""
    if key not in cache:
        try:
            cache[key] = load()
        except DomainError as refusal:
            cache[key] = refusal
    found = cache[key]
    if isinstance(found, DomainError):
        raise found.with_traceback(None)  # the same refusal, without piling up tracebacks
    return found


def parse_lines(rows: list[dict[str, str]]) -> tuple[list[Line], list[dict[str, Any]]]:
    lines: list[Line] = []
    errors: list[dict[str, Any]] = []
    memo: dict[tuple[str, str], Any] = {}
    for row in rows:
        number = int(row["row"])
        try:
            lines.append(_line(number, row, memo))
        except ValueError as exc:
            field, _, message = str(exc).partition(":")
            errors.append(_error(number, field, message.strip()))
    return lines, errors


def _line(number: int, row: dict[str, str], memo: dict[tuple[str, str], Any]) -> Line:
    """One row under the input policy; `memo` keeps each distinct cell's parsed value, since a
    large sheet repeats the same residents, rules, days and quantities row after row."""

    def need(field: str) -> str:
        value = row.get(field, "")
        if not value:
            raise ValueError(f"{field}: 不能为空 / is empty")
        return value

    def parse(field: str, convert: Any, default: Any = None) -> Any:
        value = row.get(field, "")
        if not value:
            return default
        if (field, value) in memo:
            return memo[field, value]
        try:
            parsed = memo[field, value] = convert(value)
            return parsed
        except InputRefused as refused:
            raise ValueError(f"{field}: {refused}") from None
        except ValueError:
            raise ValueError(f"{field}: 无法识别「{value}」/ cannot read {value!r}") from None

    # The same input policy as the HTTP API, cell by cell.
    return Line(
        row=number,
        resident_id=parse("resident_id", UUID) or UUID(need("resident_id")),
        rule_code=parse("rule_code", partial(clean_text, kind=CODE)) or need("rule_code"),
        occurred_on=parse("occurred_on", parse_day) or parse_day(need("occurred_on")),
        quantity=parse("quantity", partial(parse_whole, low=1, high=MAX_QUANTITY), 1),
        minutes=parse("minutes", partial(parse_whole, low=1, high=MAX_MINUTES)),
        note=parse("note", partial(clean_text, kind=NOTE, required=False), ""),
    )


def _field(refusal: DomainError) -> str | None:
    named = [k for k in ("field", "rule_code", "resident_id") if k in refusal.extra]
    return None if not named else refusal.extra["field"] if named[0] == "field" else named[0]


def _error(row: int, field: str | None, message: str) -> dict[str, Any]:
    return {"row": row, "field": field, "message": message}


def sheet_digest(lines: list[Line]) -> str:
    """The sheet's content, whatever its format: the same rows give the same digest."""
    canonical = [
        [str(x.resident_id), x.rule_code, x.occurred_on.isoformat(), x.quantity, x.minutes, x.note]
        for x in lines
    ]
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()
