"""Bulk import of a points sheet: validated as a whole, applied in one atomic decision or not
at all, with a row-by-row error report; the same sheet twice applies once."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any
from uuid import UUID

from pointsbank.application import Command, Decision, Outcome, PointsBank
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Conflict, DomainError, Role
from pointsbank.domain.resident import MAX_QUANTITY, Resident
from pointsbank.domain.rule import Rule
from pointsbank.domain.sheet_import import SheetImport
from pointsbank.domain.terms import MAX_MINUTES
from pointsbank.inputs import CODE, NOTE, InputRefused, clean_text, parse_day, parse_whole
from pointsbank.sheet_people import identify
from pointsbank.sheets import read_sheet
from pointsbank.years import require_year_open


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
                    f"这张表已于 {found.applied_at:%Y-%m-%d %H:%M} UTC 导入过，本次未作任何更改 / "
                    "this sheet was already imported; nothing was applied again",
                    import_id=str(found.id),
                )
            residents, entries, refusals = self._decide_rows(cmd, lines)
            report = sorted(errors + refusals, key=lambda e: int(e["row"]))
            if report:
                raise SheetRejected(
                    f"表格有 {len(report)} 处错误，未导入任何一行 / the sheet has {len(report)} "
                    "errors; no row was applied",
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
        residents: dict[UUID, Resident] = {}
        rules: dict[str, Rule] = {}
        entries: list[dict[str, Any]] = []
        refusals: list[dict[str, Any]] = []
        for line in lines:
            try:
                resident = self.bank.beneficiary(cmd, line.resident_id, line.occurred_on)
                resident = residents.get(resident.id, resident)
                require_year_open(self.bank, resident.community_id, line.occurred_on)
                rule = rules.get(line.rule_code) or self.bank.rule(line.rule_code)
                rules[rule.code] = rule
                quantity = rule.quantity_for(resident.community_id, line.quantity, line.minutes)
                decide = resident.deduct if rule.is_deduction else resident.award
                version = decide(rule, quantity, line.occurred_on, line.note, cmd.ctx)
                residents[resident.id] = resident
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
        return residents, entries, refusals


def parse_lines(rows: list[dict[str, str]]) -> tuple[list[Line], list[dict[str, Any]]]:
    lines: list[Line] = []
    errors: list[dict[str, Any]] = []
    for row in rows:
        number = int(row["row"])
        try:
            lines.append(_line(number, row))
        except ValueError as exc:
            field, _, message = str(exc).partition(":")
            errors.append(_error(number, field, message.strip()))
    return lines, errors


def _line(number: int, row: dict[str, str]) -> Line:
    def need(field: str) -> str:
        value = row.get(field, "")
        if not value:
            raise ValueError(f"{field}: 不能为空 / is empty")
        return value

    def parse(field: str, convert: Any, default: Any = None) -> Any:
        value = row.get(field, "")
        if not value:
            return default
        try:
            return convert(value)
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
