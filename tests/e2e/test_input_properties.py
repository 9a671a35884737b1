"""Properties of the input policy over HTTP, on both stores: any text in a free-text field and
any JSON value in a numeric or date field is either stored and read back as the policy says
(NFC, trimmed, verbatim otherwise) or refused with a 4xx problem that writes nothing; never 5xx."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from httpx import Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.services import Services
from tests.conftest import event_count
from tests.e2e.test_earning_api import street as earning_street
from tests.street import Street

street = earning_street
PIECES = [
    "\x00", "\t", "\n", "\r\n", "\r", "\x07", "\x1b", "\x7f", "\x85", "\x9f", " ", "\u3000",
    "\u00a0", "e\u0301", "\u0301", "\u1100\u1161", "👨‍👩‍👧", "🇨🇳", "志愿服务", "한국", "العربية",
    "Ωμέγα", "=1+2", "\ufeff", "\u200b", "\u202e", "\uffff", "\U0010fffd", "'", '"', "\\", "<b>",
]  # fmt: skip
TEXTS = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.lists(st.sampled_from(PIECES), max_size=10).map("".join),
    st.builds(lambda n, c: c * n, st.integers(45, 105), st.sampled_from(["志", "a", "👍", "é"])),
    st.builds(lambda n: "记" * n, st.integers(495, 505)),
)
JSON_VALUES = st.one_of(
    st.integers(-5, 1500),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.integers(0, 2000).map(str),
    st.booleans(),
    st.none(),
    st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat),
    st.dates(date(2019, 12, 1), date(2027, 1, 31)).map(date.isoformat),
)
PROPERTY = settings(
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class TextField:
    """A free-text field of a command: how to send it and how to read back what was stored."""

    max_length: int
    multiline: bool
    submit: Callable[[Street, dict[str, str], str], Response]
    read: Callable[[Street, dict[str, Any]], str]
    required: bool = True  # an optional one may be empty (then a default is stored)
    stage: Callable[[Street, dict[str, str]], dict[str, str]] = lambda s, p: p


def prepare(street: Street) -> dict[str, str]:
    resident = street.enrol()
    street.award(resident, quantity=1000)
    goods = {"community_id": street.communities["a"], "name": "抽纸", "price": 1, "stock": 10_000}
    return {
        "resident": resident,
        "goods": street.ok("POST", "/goods", "staff_a", goods)["goods_id"],
    }


def _award(s: Street, p: dict[str, str], text: str) -> Response:
    body = {"rule_code": "VOL", "occurred_on": "2026-11-01", "note": text}
    return s.call("POST", f"/residents/{p['resident']}/awards", "staff_a", body)


def _entry_reason(s: Street, body: dict[str, Any]) -> str:
    entries = s.ok("GET", f"/residents/{body['resident_id']}/statement", "staff_a")["entries"]
    return next(str(e["reason"]) for e in entries if e["version"] == body["version"])


def _deduct(s: Street, p: dict[str, str], text: str) -> Response:
    body = {"rule_code": "LITTER", "occurred_on": "2026-11-01", "reason": text}
    return s.call("POST", f"/residents/{p['resident']}/deductions", "staff_a", body)


def _pending_reason(s: Street, body: dict[str, Any]) -> str:
    pending: list[dict[str, Any]] = s.call("GET", "/approvals", "staff_a").json()
    return next(str(e["reason"]) for e in pending if e["request_version"] == body["version"])


def _rule(s: Street, p: dict[str, str], text: str) -> Response:
    code = f"R{uuid.uuid4().hex[:8]}"
    body = {"code": code, "name": text, "category": "volunteer", "points": 1}
    return s.call("POST", "/rules", "admin", body)


def _redeem(s: Street, p: dict[str, str]) -> dict[str, str]:
    basket = {"resident_id": p["resident"], "items": [{"goods_id": p["goods"], "quantity": 1}]}
    return {**p, "receipt": s.ok("POST", "/redemptions", "clerk_a", basket)["receipt_id"]}


def _cancel(s: Street, p: dict[str, str], text: str) -> Response:
    return s.call("POST", f"/receipts/{p['receipt']}/cancellation", "clerk_a", {"reason": text})


def _activity(s: Street, p: dict[str, str], text: str) -> Response:
    body = {
        "community_id": s.communities["a"], "rule_code": "VOL", "title": text,
        "held_on": "2026-12-01", "starts_at": "09:00", "place": "活动室", "capacity": 5,
        "organiser": "居委会",
    }  # fmt: skip
    return s.call("POST", "/activities", "staff_a", body)


def _post(path: str, key: str, **fixed: Any) -> Callable[[Street, dict[str, str], str], Response]:
    def submit(s: Street, p: dict[str, str], text: str) -> Response:
        body = {"community_id": s.communities["a"], **fixed, key: text}
        return s.call("POST", path, "staff_a", body)

    return submit


def _get(path: str, id_key: str, field: str) -> Callable[[Street, dict[str, Any]], Any]:
    return lambda s, body: s.ok("GET", path.format(body[id_key]), "staff_a")[field]


TEXT_FIELDS = {
    "enrol name": TextField(
        50, False, _post("/residents", "name", grid="g1"),
        _get("/residents/{}", "resident_id", "name"),
    ),
    "household name": TextField(
        100, False, _post("/households", "name"), _get("/households/{}", "household_id", "name")
    ),
    "goods name": TextField(
        100, False, _post("/goods", "name", price=1), _get("/goods/{}", "goods_id", "name")
    ),
    "award note": TextField(500, True, _award, _entry_reason, required=False),
    "deduction reason": TextField(500, True, _deduct, _pending_reason),
    "rule name": TextField(100, False, _rule, _get("/rules/{}", "rule_code", "name")),
    "cancellation reason": TextField(
        500, True, _cancel, _get("/receipts/{}", "receipt_id", "cancel_reason"), False, _redeem
    ),
    "activity title": TextField(
        100, False, _activity, _get("/activities/{}", "activity_id", "title")
    ),
}  # fmt: skip


def policy(text: str, multiline: bool) -> str:
    """What the README promises is stored: NFC, line breaks as \\n, surrounding space trimmed."""
    normal = unicodedata.normalize("NFC", text)
    if multiline:
        normal = normal.replace("\r\n", "\n").replace("\r", "\n")
    return normal.strip()


def is_text(char: str, multiline: bool) -> bool:
    if multiline and char in "\t\n":
        return True
    code = ord(char)
    noncharacter = 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE
    return unicodedata.category(char) not in ("Cc", "Cs") and not noncharacter


def check_refusal(response: Response, services: Services, before: int) -> None:
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert event_count(services) == before


@pytest.mark.parametrize("name", sorted(TEXT_FIELDS))
def test_any_text_is_stored_as_the_policy_says_or_refused(
    street: Street, services: Services, name: str
) -> None:
    field = TEXT_FIELDS[name]
    prepared = prepare(street)

    @PROPERTY
    @given(text=TEXTS)
    def check(text: str) -> None:
        expected = policy(text, field.multiline)
        acceptable = (expected != "" or not field.required) and (
            len(expected) <= field.max_length and all(is_text(c, field.multiline) for c in expected)
        )
        staged = field.stage(street, prepared)
        before = event_count(services)
        response = field.submit(street, staged, text)
        if response.status_code >= 300:
            assert not acceptable, response.text
            check_refusal(response, services, before)
            return
        assert acceptable, f"stored {text!r}"
        assert event_count(services) > before
        stored = field.read(street, response.json())
        assert stored == expected or (expected == "" and stored != "")

    check()


Window = tuple[date, date]  # the street's opening day and today


@dataclass(frozen=True)
class ValueField:
    """A numeric or date field: which JSON values are valid, how to send one and read it back."""

    valid: Callable[[Any, Window], bool]
    submit: Callable[[Street, dict[str, str], Any], Response]
    read: Callable[[Street, dict[str, Any]], Any] | None = None  # None: only refusals are exact


def whole(low: int, high: int) -> Callable[[Any, Window], bool]:
    return lambda value, window: type(value) is int and low <= value <= high


def day_until_today(value: Any, window: Window) -> bool:
    """ISO text of a day from the street's opening to today."""
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        return window[0] <= date.fromisoformat(value) <= window[1]
    except ValueError:
        return False


def _earn(key: str, rule: str = "VOL") -> Callable[[Street, dict[str, str], Any], Response]:
    def submit(s: Street, p: dict[str, str], value: Any) -> Response:
        body = {"rule_code": rule, "occurred_on": "2026-11-01", key: value}
        if rule == "HOUR":
            body.setdefault("minutes", 60)
        return s.call("POST", f"/residents/{p['resident']}/awards", "staff_a", body)

    return submit


def _entry(key: str) -> Callable[[Street, dict[str, Any]], Any]:
    def read(s: Street, body: dict[str, Any]) -> Any:
        entries = s.ok("GET", f"/residents/{body['resident_id']}/statement", "staff_a")["entries"]
        return next(e[key] for e in entries if e["version"] == body["version"])

    return read


VALUE_FIELDS = {
    "award quantity": ValueField(whole(1, 1000), _earn("quantity"), _entry("quantity")),
    "award minutes": ValueField(whole(1, 24 * 60), _earn("minutes", "HOUR")),
    "award occurred_on": ValueField(day_until_today, _earn("occurred_on"), _entry("occurred_on")),
    "goods price": ValueField(
        whole(1, 10_000), _post("/goods", "price", name="米"),
        _get("/goods/{}", "goods_id", "price"),
    ),
    "goods stock": ValueField(
        whole(0, 100_000), _post("/goods", "stock", name="米", price=1),
        _get("/goods/{}", "goods_id", "stock"),
    ),
    "activity capacity": ValueField(
        whole(1, 10_000), lambda s, p, v: _activity_with(s, capacity=v),
        _get("/activities/{}", "activity_id", "capacity"),
    ),
}  # fmt: skip


def _activity_with(s: Street, **fields: Any) -> Response:
    body = {
        "community_id": s.communities["a"], "rule_code": "VOL", "title": "扫雪",
        "held_on": "2026-12-01", "starts_at": "09:00", "place": "活动室", "capacity": 5,
        "organiser": "居委会", **fields,
    }  # fmt: skip
    return s.call("POST", "/activities", "staff_a", body)


@pytest.mark.parametrize("name", sorted(VALUE_FIELDS))
def test_any_json_value_in_a_number_or_date_field_is_stored_exactly_or_refused(
    street: Street, services: Services, name: str
) -> None:
    field = VALUE_FIELDS[name]
    prepared = prepare(street)
    today = services.now().astimezone(services.settings.zone).date()
    window = (services.settings.street_opened_on, today)

    @PROPERTY
    @given(value=JSON_VALUES)
    def check(value: Any) -> None:
        before = event_count(services)
        response = field.submit(street, prepared, value)
        valid = field.valid(value, window)
        if response.status_code >= 300:
            assert not (valid and field.read), response.text
            check_refusal(response, services, before)
            return
        assert valid, f"accepted {value!r}"
        if field.read is not None:
            assert field.read(street, response.json()) == value

    check()
