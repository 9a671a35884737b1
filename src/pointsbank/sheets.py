"""Reading an uploaded points sheet (CSV or XLSX) into rows keyed by canonical column names.

Chinese headers are accepted (居民, 规则, 日期, 数量, 分钟, 备注); CSV may be UTF-8 or the GB18030
that Excel writes on Chinese Windows.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from pointsbank.domain.common import DomainError

# A whole street's year-end sheet fits (documented in the README); the rows are decided in
# memory and written in one transaction, so the limit bounds the memory one import takes.
MAX_ROWS = 200_000
MAX_BYTES = 32 * 1024 * 1024
COLUMNS: dict[str, tuple[str, ...]] = {
    "resident_id": ("resident_id", "resident", "居民", "居民编号", "居民id", "居民号"),
    "person": (
        "person",
        "手机号/身份证号",
        "手机号或身份证号",
        "手机号",
        "身份证号",
        "手机",
        "身份证",
    ),
    "rule_code": ("rule_code", "rule", "规则", "规则代码", "规则编码", "积分规则"),
    "occurred_on": ("occurred_on", "date", "日期", "发生日期", "服务日期"),
    "quantity": ("quantity", "数量", "次数"),
    "minutes": ("minutes", "分钟", "时长", "服务时长", "服务分钟", "时长(分钟)", "时长（分钟）"),
    "note": ("note", "备注", "说明", "理由", "原因"),
}
REQUIRED = ("resident_id", "rule_code", "occurred_on")
XLSX_MAGIC = b"PK\x03\x04"


class SheetUnreadable(DomainError):
    code = "sheet-unreadable"


def read_sheet(content: bytes) -> list[dict[str, str]]:
    """Rows as {column: text}; each also carries its sheet row number under "row"."""
    if not content:
        raise SheetUnreadable("sheet-unreadable.empty")
    if len(content) > MAX_BYTES:
        raise SheetUnreadable("sheet-unreadable.too-large", {"mb": MAX_BYTES // 1024 // 1024})
    table = _xlsx(content) if content.startswith(XLSX_MAGIC) else _csv(content)
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise SheetUnreadable("sheet-unreadable.empty")
    columns = _columns(table[0])
    rows = [
        {"row": str(number), **{name: _cell(cells, i) for name, i in columns.items()}}
        for number, cells in enumerate(table[1:], start=2)
    ]
    if not rows:
        raise SheetUnreadable("sheet-unreadable.no-rows")
    if len(rows) > MAX_ROWS:
        raise SheetUnreadable("sheet-unreadable.too-many-rows", {"max": MAX_ROWS})
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    aliases = {alias.lower(): name for name, names in COLUMNS.items() for alias in names}
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        name = aliases.get(title.strip().lower())
        if name is not None and name not in found:
            found[name] = index
    if "person" in found:  # a phone or ID card names the resident as well as an id does
        found.setdefault("resident_id", len(header))
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        wanted = "; ".join(f"{name} ({'/'.join(COLUMNS[name][2:4])})" for name in missing)
        raise SheetUnreadable(
            "sheet-unreadable.columns", {"wanted": wanted}, missing=missing
        )
    return found


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            return list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise SheetUnreadable("sheet-unreadable.csv", {"reason": exc}) from exc
    raise SheetUnreadable("sheet-unreadable.encoding")


def _xlsx(content: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise SheetUnreadable("sheet-unreadable.xlsx", {"reason": exc}) from exc
    try:
        sheet = book.worksheets[0]
        return [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
