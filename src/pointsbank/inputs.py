"""The one input policy: what text, dates and whole numbers the ledger accepts from anyone.

Pure rules, no framework: the HTTP layer wraps them as pydantic types (`api.fields`), and sheet
imports and the command line call them directly, so every entry point refuses the same things.
A refusal is an `InputRefused` (a ValueError, which pydantic reports as a 422 naming the field).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pointsbank.domain.messages import DEFAULT, Language, render
from pointsbank.domain.year import FIRST_YEAR, LAST_YEAR

EARLIEST_DAY = date(FIRST_YEAR, 1, 1)
LATEST_DAY = date(LAST_YEAR, 12, 31)
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
WHOLE = re.compile(r"-?\d{1,12}", re.ASCII)
# Log positions and aggregate versions: far beyond any real ledger, well inside a 64-bit column.
MAX_POSITION = 2**62
MAX_VERSION = 2**31 - 1
LINE_BREAKS = re.compile(r"\r\n?")
SHOWN = 20  # how much of a refused value a message quotes


class InputRefused(ValueError):
    """Input the policy refuses; `key` names the message in the catalogue, shown in the
    reader's language (its `str` is the zh-CN text, which is what pydantic quotes)."""

    def __init__(self, key: str, params: Mapping[str, Any] | None = None, /) -> None:
        self.key = key
        self.params = dict(params or {})
        super().__init__(self.text(DEFAULT))

    def text(self, language: Language) -> str:
        return render(self.key, self.params, language)


@dataclass(frozen=True)
class TextKind:
    """A kind of free-text field: its longest length (in characters, after NFC) and whether
    it may hold line breaks and tabs."""

    label: str
    max_length: int
    multiline: bool = False
    pattern: str | None = None


CODE = TextKind("code", 40, pattern=r"[A-Za-z0-9_.-]+")
PERSON_NAME = TextKind("person name", 50)
NAME = TextKind("name", 100)
NOTE = TextKind("note", 500, multiline=True)
DESCRIPTION = TextKind("description", 2000, multiline=True)
KINDS = (CODE, PERSON_NAME, NAME, NOTE, DESCRIPTION)


def forbidden(char: str, *, multiline: bool) -> bool:
    """Control characters (C0, DEL, C1), lone surrogates and noncharacters are never text;
    tab and newline are, in a multi-line field."""
    if multiline and char in "\t\n":
        return False
    code = ord(char)
    if unicodedata.category(char) in ("Cc", "Cs"):
        return True
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def clean_text(value: object, kind: TextKind, *, required: bool = True) -> str:
    """The text as stored: NFC-normalised, surrounding whitespace stripped, checked."""
    if not isinstance(value, str):
        raise InputRefused("input.not-text", {"type": type(value).__name__})
    text = unicodedata.normalize("NFC", value)
    if kind.multiline:
        text = LINE_BREAKS.sub("\n", text)  # CRLF from forms and Windows is a newline
    text = text.strip()
    for index, char in enumerate(text):
        if forbidden(char, multiline=kind.multiline):
            where = "multiline" if kind.multiline else "single-line"
            raise InputRefused(
                f"input.forbidden-character.{where}",
                {"position": index + 1, "code": f"U+{ord(char):04X}"},
            )
    if required and not text:
        raise InputRefused("input.empty")
    if len(text) > kind.max_length:
        raise InputRefused(
            "input.too-long", {"max": kind.max_length, "length": len(text)}
        )
    if text and kind.pattern and not re.fullmatch(kind.pattern, text):
        raise InputRefused(
            "input.code-characters", {"value": text[:SHOWN]}
        )
    return text


def scrub(text: str) -> str:
    """Stored text made safe to write to a file: every character the policy forbids (even in a
    multi-line field) becomes U+FFFD, so text stored before the policy still exports."""
    return "".join("\ufffd" if forbidden(c, multiline=True) else c for c in text)


def parse_day(value: object) -> date:
    """A calendar date from ISO "YYYY-MM-DD" text only (a number is never a date), in range."""
    if isinstance(value, date) and type(value) is date:
        return check_day(value)
    if not isinstance(value, str):
        raise InputRefused(
            "input.date-not-text", {"type": type(value).__name__}
        )
    text = value.strip()
    if not ISO_DAY.fullmatch(text):
        raise InputRefused(
            "input.date-format", {"value": text[:SHOWN]}
        )
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputRefused("input.no-such-day", {"value": text}) from None
    return check_day(day)


def parse_moment(value: object) -> datetime:
    """A moment from ISO 8601 text only ("2026-11-01T08:00:00+08:00"), its day in range."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and ISO_DAY.match(value.strip()):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InputRefused("input.moment-format", {"value": value[:SHOWN]}) from None
    else:
        raise InputRefused(
            "input.moment-not-text"
        )
    check_day(moment.date())
    return moment


def check_day(day: date) -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise InputRefused(
            "input.date-range", {"earliest": EARLIEST_DAY, "latest": LATEST_DAY, "day": day}
        )
    return day


def parse_whole(text: str, low: int, high: int) -> int:
    """A whole number written as ASCII digits (from a sheet cell or the command line), in range."""
    if not WHOLE.fullmatch(text.strip()):
        raise InputRefused("input.not-whole", {"value": text[:SHOWN]})
    number = int(text)
    if not low <= number <= high:
        raise InputRefused("input.number-range", {"low": low, "high": high})
    return number
