"""规则: the rules catalogue as the street administrator keeps it — one form defines a rule with
all its terms; a rule's page revises, reconfigures, overrides per community and retires it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ServicesDep
from api.pages import PageUser, check_form, command, field_errors, render, settle
from api.pages.rule_forms import CAPS, day, points_of, reason_in, terms_of, whole
from api.pages.street import CATEGORIES, MODES, _admin_only, _code, _name
from api.services import Services
from pointsbank.application import Command, Outcome
from pointsbank.domain.common import DomainError
from pointsbank.domain.rule import Category
from projections.earning_queries import EarningQueries

router = APIRouter(prefix="/ui/rules", include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]


def _catalogue(request: Request, services: Services, user: PageUser, **ctx: Any) -> HTMLResponse:
    rules = EarningQueries(services.db)
    rows = [rules.rule(r["code"]) or r for r in services.queries.rules()]
    return render(
        request,
        services,
        "admin/rules.html",
        user,
        ctx.pop("status", 200),
        rules=rows,
        categories=CATEGORIES,
        modes=MODES,
        category_names=dict(CATEGORIES),
        mode_names=dict(MODES),
        form=ctx.pop("form", {"mode": "fixed"}),
        **ctx,
    )


@router.get("", response_model=None)
def catalogue(request: Request, services: ServicesDep, user: PageUser) -> Response:
    """The rules catalogue with each rule's version and terms."""
    return _admin_only(user) or _catalogue(request, services, user)


@router.post("", response_model=None)
def define(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    code: Text = "",
    name: Text = "",
    category: Text = "",
    points: Text = "",
    mode: Text = "",
    cap_day: Text = "",
    cap_month: Text = "",
    cap_year: Text = "",
    approval_above: Text = "",
    cap_pair_month: Text = "",
    disqualifies: Text = "",
    in_force_from: Text = "",
    in_force_until: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """Define a rule with its terms (the one way to define a rule)."""
    check_form(request, user, csrf_token)
    form = {
        "code": code,
        "name": name,
        "category": category,
        "points": points,
        "mode": mode,
        "cap_day": cap_day,
        "cap_month": cap_month,
        "cap_year": cap_year,
        "approval_above": approval_above,
        "cap_pair_month": cap_pair_month,
        "disqualifies": disqualifies,
        "in_force_from": in_force_from,
        "in_force_until": in_force_until,
    }
    try:
        if category not in {key for key, _ in CATEGORIES}:
            raise DomainError("请选择类别", field="category")
        args = (_code(code), _name(name), Category(category), points_of(points), terms_of(form))
        cmd = command(services, user, idempotency_key, form)
        settle(services, services.earning.rules.define(cmd, *args))
    except DomainError as exc:
        return _catalogue(
            request,
            services,
            user,
            status=422,
            form=form,
            errors=field_errors(exc, "code"),
            error="未能新建规则：见表单中的说明",
        )
    return _catalogue(request, services, user, notice=f"已新建规则 {code.strip()}")


def _rule_page(
    request: Request, services: Services, user: PageUser, code: str, **ctx: Any
) -> Response:
    rule = EarningQueries(services.db).rule(code)
    if rule is None:
        return RedirectResponse("/ui/rules", status_code=303)
    communities = services.queries.communities()
    names = {c["community_id"]: c["name"] for c in communities}
    for override in rule["overrides"]:
        override["community_name"] = names.get(override["community_id"], "")
    return render(
        request,
        services,
        "admin/rule.html",
        user,
        ctx.pop("status", 200),
        rule=rule,
        categories=CATEGORIES,
        modes=MODES,
        category_names=dict(CATEGORIES),
        mode_names=dict(MODES),
        communities=[(c["community_id"], c["name"]) for c in communities],
        form=ctx.pop("form", {}),
        today=services.now().astimezone(services.settings.zone).date().isoformat(),
        **ctx,
    )


@router.get("/{code}", response_model=None)
def rule(request: Request, services: ServicesDep, user: PageUser, code: str) -> Response:
    """One rule: revise, change its terms, override per community, retire."""
    return _admin_only(user) or _rule_page(request, services, user, code[:32])


def _change(
    request: Request,
    services: Services,
    user: PageUser,
    code: str,
    form: dict[str, str],
    act: Callable[[Command], Outcome],
    done: str,
) -> Response:
    check_form(request, user, form.pop("csrf_token", ""))
    key = form.pop("idempotency_key", "")
    try:
        settle(services, act(command(services, user, key, {**form, "rule": code})))
    except DomainError as exc:
        return _rule_page(
            request,
            services,
            user,
            code,
            status=422,
            form=form,
            errors=field_errors(exc, "reason"),
            error=f"未能保存：{exc.detail}",
        )
    return _rule_page(request, services, user, code, notice=done)


@router.post("/{code}/revise", response_model=None)
def revise(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    code: str,
    name: Text = "",
    points: Text = "",
    effective_on: Text = "",
    reason: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """A new name or rate from the effective date on; past awards keep their version."""
    form = {
        "name": name,
        "points": points,
        "effective_on": effective_on,
        "reason": reason,
        "csrf_token": csrf_token,
        "idempotency_key": idempotency_key,
    }

    def act(cmd: Command) -> Outcome:
        on = day(effective_on, "effective_on") or cmd.ctx.today
        args = (_name(name), points_of(points), on, reason_in(form))
        return services.earning.rules.revise(cmd, code, *args)

    return _change(request, services, user, code, form, act, "已修订：新版本已生效")


@router.post("/{code}/terms", response_model=None)
def configure(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    code: str,
    mode: Text = "",
    cap_day: Text = "",
    cap_month: Text = "",
    cap_year: Text = "",
    approval_above: Text = "",
    cap_pair_month: Text = "",
    disqualifies: Text = "",
    in_force_from: Text = "",
    in_force_until: Text = "",
    terms_reason: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """New terms (mode, caps, approval threshold, dates) as a new version."""
    form = {
        "mode": mode,
        "cap_day": cap_day,
        "cap_month": cap_month,
        "cap_year": cap_year,
        "approval_above": approval_above,
        "cap_pair_month": cap_pair_month,
        "disqualifies": disqualifies,
        "in_force_from": in_force_from,
        "in_force_until": in_force_until,
        "terms_reason": terms_reason,
        "csrf_token": csrf_token,
        "idempotency_key": idempotency_key,
    }

    def act(cmd: Command) -> Outcome:
        terms, why = terms_of(form), reason_in(form, "terms_reason")
        return services.earning.rules.configure(cmd, code, terms, why)

    return _change(request, services, user, code, form, act, "已修改计分条件：新版本已生效")


@router.post("/{code}/override", response_model=None)
def override(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    code: str,
    community: Text = "",
    o_points: Text = "",
    o_cap_day: Text = "",
    o_cap_month: Text = "",
    o_cap_year: Text = "",
    o_approval_above: Text = "",
    o_cap_pair_month: Text = "",
    o_reason: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """A community's own points, caps or threshold; all blank removes its override."""
    form = {
        "community": community,
        "o_points": o_points,
        "o_cap_day": o_cap_day,
        "o_cap_month": o_cap_month,
        "o_cap_year": o_cap_year,
        "o_approval_above": o_approval_above,
        "o_cap_pair_month": o_cap_pair_month,
        "o_reason": o_reason,
        "csrf_token": csrf_token,
        "idempotency_key": idempotency_key,
    }

    def act(cmd: Command) -> Outcome:
        try:
            where = UUID(community)
        except ValueError:
            raise DomainError("请选择社区", field="community") from None
        values = {"points": whole(o_points, "o_points", 1, 1000)}
        values |= {name: whole(form[f"o_{name}"], f"o_{name}") for name in CAPS}
        chosen = {k: v for k, v in values.items() if v is not None}
        return services.earning.rules.override(
            cmd, code, where, chosen, reason_in(form, "o_reason")
        )

    return _change(request, services, user, code, form, act, "已保存社区调整")


@router.post("/{code}/retire", response_model=None)
def retire(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    code: str,
    retire_reason: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """Retire the rule: no new awards by it; past awards stand."""
    form = {
        "retire_reason": retire_reason,
        "csrf_token": csrf_token,
        "idempotency_key": idempotency_key,
    }

    def act(cmd: Command) -> Outcome:
        return services.earning.rules.retire(cmd, code, reason_in(form, "retire_reason"))

    return _change(request, services, user, code, form, act, "规则已停用")
