"""规则: the rules catalogue as the street administrator keeps it — one form defines a rule with
all its terms; a rule's page revises, reconfigures, overrides per community and retires it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ServicesDep
from api.pages import PageUser, Posted, check_form, command, field_errors, render, settle
from api.pages.rule_forms import CAPS, day, points_of, reason_in, terms_of, whole
from api.pages.street import CATEGORIES, MODES, _admin_only, _code, _name
from api.services import Services
from pointsbank.application import Command, Outcome
from pointsbank.domain.common import DomainError
from pointsbank.domain.rule import Category
from projections.earning_queries import EarningQueries

router = APIRouter(prefix="/ui/rules", include_in_schema=False)


class TermsForm(Posted):
    mode: str = ""
    cap_day: str = ""
    cap_month: str = ""
    cap_year: str = ""
    approval_above: str = ""
    cap_pair_month: str = ""
    disqualifies: str = ""
    in_force_from: str = ""
    in_force_until: str = ""


class DefineForm(TermsForm):
    code: str = ""
    name: str = ""
    category: str = ""
    points: str = ""


class ConfigureForm(TermsForm):
    terms_reason: str = ""


class ReviseForm(Posted):
    name: str = ""
    points: str = ""
    effective_on: str = ""
    reason: str = ""


class OverrideForm(Posted):
    community: str = ""
    o_points: str = ""
    o_cap_day: str = ""
    o_cap_month: str = ""
    o_cap_year: str = ""
    o_approval_above: str = ""
    o_cap_pair_month: str = ""
    o_reason: str = ""


class RetireForm(Posted):
    retire_reason: str = ""


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
    posted: Annotated[DefineForm, Form()],
) -> Response:
    """Define a rule with its terms (the one way to define a rule)."""
    check_form(request, user, posted.csrf_token)
    form = posted.fields()
    try:
        if posted.category not in {key for key, _ in CATEGORIES}:
            raise DomainError("请选择类别", field="category")
        args = (
            _code(posted.code), _name(posted.name), Category(posted.category),
            points_of(posted.points), terms_of(form),
        )  # fmt: skip
        cmd = command(services, user, posted.idempotency_key, form)
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
    return _catalogue(request, services, user, notice=f"已新建规则 {posted.code.strip()}")


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
    posted: Posted,
    act: Callable[[Command], Outcome],
    done: str,
) -> Response:
    check_form(request, user, posted.csrf_token)
    form = posted.fields()
    try:
        key = posted.idempotency_key
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
    posted: Annotated[ReviseForm, Form()],
) -> Response:
    """A new name or rate from the effective date on; past awards keep their version."""

    def act(cmd: Command) -> Outcome:
        on = day(posted.effective_on, "effective_on") or cmd.ctx.today
        args = (_name(posted.name), points_of(posted.points), on, reason_in(posted.fields()))
        return services.earning.rules.revise(cmd, code, *args)

    return _change(request, services, user, code, posted, act, "已修订：新版本已生效")


@router.post("/{code}/terms", response_model=None)
def configure(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    code: str,
    posted: Annotated[ConfigureForm, Form()],
) -> Response:
    """New terms (mode, caps, approval threshold, dates) as a new version."""

    def act(cmd: Command) -> Outcome:
        form = posted.fields()
        terms, why = terms_of(form), reason_in(form, "terms_reason")
        return services.earning.rules.configure(cmd, code, terms, why)

    return _change(request, services, user, code, posted, act, "已修改计分条件：新版本已生效")


@router.post("/{code}/override", response_model=None)
def override(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    code: str,
    posted: Annotated[OverrideForm, Form()],
) -> Response:
    """A community's own points, caps or threshold; all blank removes its override."""

    def act(cmd: Command) -> Outcome:
        try:
            where = UUID(posted.community)
        except ValueError:
            raise DomainError("请选择社区", field="community") from None
        form = posted.fields()
        values = {"points": whole(posted.o_points, "o_points", 1, 1000)}
        values |= {name: whole(form[f"o_{name}"], f"o_{name}") for name in CAPS}
        chosen = {k: v for k, v in values.items() if v is not None}
        return services.earning.rules.override(
            cmd, code, where, chosen, reason_in(form, "o_reason")
        )

    return _change(request, services, user, code, posted, act, "已保存社区调整")


@router.post("/{code}/retire", response_model=None)
def retire(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    code: str,
    posted: Annotated[RetireForm, Form()],
) -> Response:
    """Retire the rule: no new awards by it; past awards stand."""

    def act(cmd: Command) -> Outcome:
        why = reason_in(posted.fields(), "retire_reason")
        return services.earning.rules.retire(cmd, code, why)

    return _change(request, services, user, code, posted, act, "规则已停用")
