"""The message catalogue: every refusal's key is defined once with Chinese and English texts,
every raise site names a key and fills its placeholders, and the reader's language is chosen
from Accept-Language (zh-CN unless English is preferred)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from string import Formatter
from uuid import uuid4

import pytest
from starlette.requests import Request

from api.problems import language
from pointsbank.commands import unknown
from pointsbank.domain.messages import CATALOGUE, Language, render

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
HAN = re.compile(r"[\u4e00-\u9fff]")
NO_CODE = {"ApiProblem", "InputRefused"}  # their code is the key's first part, or none


def placeholders(template: str) -> set[str]:
    return {re.split(r"[.\[]", name)[0] for _, name, _, _ in Formatter().parse(template) if name}


def test_every_message_has_chinese_and_english_with_the_same_placeholders() -> None:
    for key, text in CATALOGUE.items():
        assert HAN.search(text.zh), f"{key}: the zh-CN text has no Chinese"
        assert text.en.strip() and not HAN.search(text.en), f"{key}: the English text"
        names = placeholders(text.zh) | placeholders(text.en)
        filled = {name: f"<{name}>" for name in names}
        for lang in LANGUAGES:
            shown = render(key, filled, lang)
            assert "{" not in shown and "}" not in shown, f"{key} ({lang}): {shown}"
        assert placeholders(text.zh) <= placeholders(text.en) | {"field"} or key.startswith(
            "validation."
        ), f"{key}: zh-CN says something English cannot"


def error_codes() -> dict[str, str | None]:
    """Every refusal class by name, with its problem code (inherited when not its own)."""
    bases: dict[str, list[str]] = {}
    own: dict[str, str] = {}
    for path in [*(ROOT / "src/pointsbank").rglob("*.py"), *(ROOT / "api").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = [b.id for b in node.bases if isinstance(b, ast.Name)]
                for item in node.body:
                    if not (isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant)):
                        continue
                    if any(getattr(t, "id", None) == "code" for t in item.targets):
                        own[node.name] = str(item.value.value)

    def code(name: str) -> str | None:
        return own.get(name) or next((c for b in bases.get(name, []) if (c := code(b))), None)

    def refusal(name: str) -> bool:
        return name in ("DomainError", *NO_CODE) or any(refusal(b) for b in bases.get(name, []))

    return {name: code(name) for name in bases if refusal(name)}


def raise_sites() -> list[tuple[str, str, ast.Call]]:
    """Every refusal raised by the domain, the application and the JSON API. Pages (api/pages)
    are Chinese only for now and say what their own forms need in their own words."""
    codes = error_codes()
    sites = []
    for path in [*(ROOT / "src/pointsbank").rglob("*.py"), *(ROOT / "api").rglob("*.py")]:
        if path.is_relative_to(ROOT / "api/pages"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id in codes and node.args:
                sites.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.func.id, node))
    return sites


def test_every_refusal_names_a_catalogue_key_of_its_own_code_and_fills_its_placeholders() -> None:
    codes = error_codes()
    sites = raise_sites()
    assert len(sites) > 140
    for where, name, call in sites:
        key_node = call.args[1 if name == "ApiProblem" else 0]
        if isinstance(key_node, ast.JoinedStr):  # a key chosen among variants, e.g. per period
            first = key_node.values[0]
            prefix = str(first.value) if isinstance(first, ast.Constant) else ""
            assert prefix, f"{where}: text instead of a catalogue key"
            assert any(k.startswith(prefix) for k in CATALOGUE), f"{where}: {prefix}…"
            continue
        assert isinstance(key_node, ast.Constant), f"{where}: text instead of a catalogue key"
        key = str(key_node.value)
        assert key in CATALOGUE, f"{where}: {key} is not in the catalogue"
        if codes[name] is not None:
            assert key.partition(".")[0] == codes[name], f"{where}: {key} under {codes[name]}"
        rest = call.args[2 if name == "ApiProblem" else 1 :]
        given = {k.arg for k in call.keywords}
        if rest and isinstance(rest[0], ast.Dict):
            given |= {ast.literal_eval(k) for k in rest[0].keys if k is not None}
        elif rest or None in given:
            continue  # parameters built at run time: covered by the rendering tests
        text = CATALOGUE[key]
        missing = (placeholders(text.zh) | placeholders(text.en)) - given
        assert not missing, f"{where}: {key} leaves {missing} unfilled"


@pytest.mark.parametrize(
    "what", ["resident", "household", "community", "goods", "receipt", "activity", "account"]
)
def test_an_unknown_record_is_named_in_both_languages(what: str) -> None:
    record = uuid4()
    refusal = unknown(what, record)
    assert refusal.key in CATALOGUE
    assert str(record) in refusal.text("zh") and HAN.search(refusal.text("zh"))
    assert str(record) in refusal.text("en") and not HAN.search(refusal.text("en"))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "zh"),
        ("", "zh"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, en;q=0.5", "en"),
        ("en;q=0.5, zh-CN;q=0.9", "zh"),
        ("zh-TW;q=0, en-GB", "en"),
        ("de, fr", "zh"),
        ("en;q=bad", "en"),
    ],
)
def test_the_language_is_chinese_unless_english_is_preferred(
    header: str | None, expected: str
) -> None:
    headers = [] if header is None else [(b"accept-language", header.encode())]
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": headers})
    assert language(request) == expected
