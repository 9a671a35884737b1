"""Streams rows as CSV or XLSX with Chinese headers, without holding the rows in memory.

CSV goes out in chunks as rows are read. XLSX is written by openpyxl's write-only workbook
(rows are flushed to a temporary file as they come) and then sent in chunks; memory stays
flat however many rows there are.

Stored text is written safely whatever it holds: characters no file may carry (text stored
before the input policy) become U+FFFD, and text a spreadsheet would run as a formula is kept
as text (an apostrophe before it in CSV, a typed string cell in XLSX).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from itertools import chain
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from fastapi.responses import StreamingResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from pointsbank.inputs import scrub

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

CHUNK_ROWS = 1000
CHUNK_BYTES = 64 * 1024
KINDS = {"award": "加分", "deduction": "扣分", "correction": "更正"}
CATEGORIES = {
    "volunteer": "志愿服务",
    "council": "议事协商",
    "neighbourly": "邻里互助",
    "civic": "文明守法",
    "deduction": "扣分",
    "other": "其他",
}
Column = tuple[str, str]  # (header, key)
# Column widths (in characters) by the kind of value a column holds.
WIDTHS = {"name": 16, "reason": 30, "note": 30, "recorded_at": 22, "household_name": 18}
WIDTHS.update(dict.fromkeys(("resident_id", "household_id", "community_id"), 38))
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    Format.CSV: "text/csv; charset=utf-8",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def cell(key: str, value: Any) -> Any:
    """A value as a person reads it: 是/否 for flags, Chinese names for kinds and categories."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "kind":
        return KINDS.get(value, value)
    if key == "category":
        return CATEGORIES.get(value, value)
    return scrub(value) if isinstance(value, str) else value


def csv_text(value: Any) -> Any:
    """Text a spreadsheet would read as a formula, quoted so that it stays text (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_cell(worksheet: WriteOnlyWorksheet, value: Any) -> Any:
    """Text as a typed string cell: shown verbatim, never run as a formula."""
    if not isinstance(value, str):
        return value
    typed = WriteOnlyCell(worksheet, value=value)
    typed.data_type = "s"
    return typed


def _values(columns: Sequence[Column], row: dict[str, Any]) -> list[Any]:
    return [cell(key, row.get(key)) for _, key in columns]


def csv_chunks(columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for header, _ in columns])
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_text(value) for value in _values(columns, row)])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_chunks(
    columns: Sequence[Column], rows: Iterable[dict[str, Any]], sheet: str
) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    print_ready(worksheet, columns)
    worksheet.append([header for header, _ in columns])
    for row in rows:
        worksheet.append([xlsx_cell(worksheet, value) for value in _values(columns, row)])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(CHUNK_BYTES):
            yield chunk


def print_ready(worksheet: WriteOnlyWorksheet, columns: Sequence[Column]) -> None:
    """Set up a sheet for printing before any row is written (a write-only sheet allows no
    later change): widths by the column's kind, the header frozen and repeated on each page."""
    # A write-only sheet carries the same layout settings as a regular one (typed only there).
    sheet = cast("Worksheet", worksheet)
    for index, (header, key) in enumerate(columns, start=1):
        wide = WIDTHS.get(key, 2 * len(header) + 4)
        sheet.column_dimensions[get_column_letter(index)].width = wide
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape" if len(columns) > 6 else "portrait"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def export(
    fmt: Format,
    filename: str,
    sheet: str,
    columns: Sequence[Column],
    rows: Iterable[dict[str, Any]],
) -> StreamingResponse:
    """A streamed download named `filename` (without extension) in the chosen format."""
    chunks: Iterator[bytes]
    if fmt is Format.CSV:
        chunks = chain([b"\xef\xbb\xbf"], csv_chunks(columns, rows))
    else:
        chunks = xlsx_chunks(columns, rows, sheet)
    name = quote(f"{filename}.{fmt.value}")
    return StreamingResponse(
        chunks,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )
