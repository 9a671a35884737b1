"""The input policy's pure rules, clause by clause (the HTTP, sheet and CLI tests show each entry
point applies them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from pointsbank.inputs import (
    CODE,
    NAME,
    NOTE,
    PERSON_NAME,
    InputRefused,
    clean_text,
    parse_day,
    parse_moment,
    parse_whole,
    scrub,
)


@pytest.mark.parametrize(
    ("raw", "kind", "stored"),
    [
        ("  Jose\u0301  ", NAME, "José"),
        ("\u3000王芳\u00a0", PERSON_NAME, "王芳"),
        ("👨‍👩‍👧 한국어 العربية \u200b", NAME, "👨‍👩‍👧 한국어 العربية \u200b".strip()),
        ("第一行\r\n第二行\r第三行\t完\n", NOTE, "第一行\n第二行\n第三行\t完"),
        ("", NOTE, ""),
        ("VOL-2.x_1", CODE, "VOL-2.x_1"),
        ("记" * 500, NOTE, "记" * 500),
        ("e\u0301" * 100, NAME, "é" * 100),  # lengths count after NFC
    ],
)
def test_text_is_stored_nfc_and_trimmed(raw: str, kind: Any, stored: str) -> None:
    assert clean_text(raw, kind, required=kind is not NOTE) == stored


@pytest.mark.parametrize(
    ("raw", "kind", "why"),
    [
        ("王\x00芳", NAME, "U+0000"),
        ("王\n芳", NAME, "U+000A"),
        ("王\t芳", PERSON_NAME, "U+0009"),
        ("记\x0b录", NOTE, "U+000B"),
        ("记\x7f", NOTE, "U+007F"),
        ("记\x85录", NOTE, "U+0085"),
        ("记\ud800", NOTE, "U+D800"),
        ("记\uffff", NOTE, "U+FFFF"),
        ("记\U0001fffe", NOTE, "U+1FFFE"),
        ("记\ufdd0", NOTE, "U+FDD0"),
        ("家" * 101, NAME, "At most 100"),
        ("王" * 51, PERSON_NAME, "At most 50"),
        ("记" * 501, NOTE, "At most 500"),
        ("V OL", CODE, "letters"),
        ("规则", CODE, "letters"),
        ("  ", NAME, "empty"),
        (5, NAME, "be text"),
        (None, NOTE, "be text"),
    ],
)
def test_control_characters_lengths_and_non_text_are_refused(raw: Any, kind: Any, why: str) -> None:
    with pytest.raises(InputRefused) as refusal:
        clean_text(raw, kind)
    assert why in refusal.value.text("en")


@pytest.mark.parametrize(
    "raw",
    [0, 20261101, 1.5, True, None, "0", "", "20261101", "2026-1-1", "2026-02-30", "0001-01-01",
     "9999-12-31", "1999-12-31", "2101-01-01", "2026-11-01T00:00", "２０２６-11-01",
     datetime(2026, 11, 1)],
)  # fmt: skip
def test_a_day_is_iso_text_of_a_real_date_in_range(raw: Any) -> None:
    with pytest.raises(InputRefused):
        parse_day(raw)


def test_the_edges_of_the_date_range_are_days() -> None:
    assert parse_day(" 2000-01-01 ") == date(2000, 1, 1)
    assert parse_day("2100-12-31") == date(2100, 12, 31)
    assert parse_day(date(2026, 2, 28)) == date(2026, 2, 28)


def test_a_moment_is_iso_text_within_the_range() -> None:
    assert parse_moment("2026-11-01T08:00:00+08:00").utcoffset() is not None
    for raw in ("0", 0, "1e20", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59"):
        with pytest.raises(InputRefused):
            parse_moment(raw)


@pytest.mark.parametrize("raw", ["1.5", "1e3", "１", "1_000", "", "ten", "0", "1001", "-1"])
def test_a_whole_number_in_a_cell_is_ascii_digits_within_bounds(raw: str) -> None:
    with pytest.raises(InputRefused):
        parse_whole(raw, 1, 1000)


def test_a_whole_number_in_a_cell_is_read() -> None:
    assert parse_whole(" 12 ", 1, 1000) == 12


def test_scrubbing_keeps_text_and_replaces_what_no_file_may_hold() -> None:
    assert scrub("王芳\t👍\n") == "王芳\t👍\n"
    assert scrub("a\x00b\x07c\x85\r") == "a\ufffdb\ufffdc\ufffd\ufffd"
