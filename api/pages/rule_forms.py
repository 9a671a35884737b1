"""The rules catalogue's form fields read as the domain wants them: whole numbers or blank,
real dates, the terms of a rule, a reason; each refusal names its field in Chinese."""

from __future__ import annotations

from datetime import date

from api.pages.street import MODES
from pointsbank.domain.common import DomainError
from pointsbank.domain.terms import Terms

CAPS = ("cap_day", "cap_month", "cap_year", "approval_above", "cap_pair_month")


def whole(value: str, field: str, low: int = 1, high: int = 1_000_000) -> int | None:
    text = value.strip()
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise DomainError(f"须为 {low} 到 {high} 之间的整数，或留空", field=field)
    return int(text)


def day(value: str, field: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        raise DomainError("日期格式应为 年-月-日", field=field) from None


def points_of(value: str) -> int:
    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise DomainError("积分须为 1 到 1000 之间的整数", field="points")
    return int(text)


def terms_of(form: dict[str, str]) -> Terms:
    if form.get("mode") not in {key for key, _ in MODES}:
        raise DomainError("请选择计分方式", field="mode")
    caps = {name: whole(form.get(name, ""), name) for name in CAPS}
    return Terms(
        mode=form["mode"],
        disqualifies=form.get("disqualifies") == "1",
        in_force_from=day(form.get("in_force_from", ""), "in_force_from"),
        in_force_until=day(form.get("in_force_until", ""), "in_force_until"),
        **caps,
    ).check()


def reason_in(form: dict[str, str], field: str = "reason") -> str:
    if not form.get(field, "").strip():
        raise DomainError("请填写原因", field=field)
    return form[field].strip()
