"""Every refusal's text, written once in Simplified Chinese and in English, keyed by its code.

An error carries a key (its problem code, or `code.variant`) and named parameters; the words
are looked up only when the refusal is shown, in the reader's language (zh-CN unless English
is asked for). Pure data and `str.format_map`: the domain may import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Language = Literal["zh", "en"]
DEFAULT: Language = "zh"


@dataclass(frozen=True)
class Text:
    """One message: what is wrong and what to do, with `{named}` placeholders."""

    zh: str
    en: str

    def in_(self, language: Language) -> str:
        return self.en if language == "en" else self.zh


def _catalogue() -> dict[str, Text]:
    from pointsbank.domain.messages import (
        access,
        counter,
        http,
        intake,
        ledger,
        notice,
        residents_channel,
        sharing,
        validation,
    )

    merged: dict[str, Text] = {}
    for part in (
        access, counter, http, intake, ledger, notice, residents_channel, sharing, validation,
    ):  # fmt: skip
        clash = merged.keys() & part.TEXTS.keys()
        assert not clash, f"message keys defined twice: {clash}"
        merged.update(part.TEXTS)
    return merged


def render(key: str, params: Mapping[str, Any], language: Language = DEFAULT) -> str:
    """The message for `key` in `language`. A refusal must never become a server error, so an
    unknown key or a missing parameter shows what is known (the tests keep both from happening)."""
    text = CATALOGUE.get(key)
    if text is None:
        return key
    template = text.in_(language)
    try:
        return template.format_map(params)
    except (KeyError, IndexError, ValueError):
        return template


CATALOGUE: dict[str, Text] = _catalogue()
