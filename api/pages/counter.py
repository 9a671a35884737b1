"""兑换: the counter clerk's day — find the resident, fill a basket, redeem, print the receipt,
reprint it from the receipts list, cancel a mistaken redemption."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ServicesDep
from api.pages import HOME, PageUser, check_form, command, field_errors, render, settle
from api.services import Services
from pointsbank.domain.common import DomainError, Role
from pointsbank.domain.masking import mask_name
from projections.cards import card_code
from projections.resident_queries import ResidentQueries

router = APIRouter(prefix="/ui/counter", include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
COUNTER_ROLES = (Role.CLERK, Role.STAFF)
PAGE_SIZE = 20


def mask_phone(phone: str | None) -> str:
    return phone[:3] + "****" + phone[-4:] if phone and len(phone) >= 8 else phone or ""


def _community(user: PageUser) -> UUID:
    if user.actor.role not in COUNTER_ROLES or user.actor.community_id is None:
        raise DomainError("只有超市柜台和社区工作人员可以兑换")
    return user.actor.community_id


def _away(user: PageUser) -> Response | None:
    if user.actor.role in COUNTER_ROLES and user.actor.community_id is not None:
        return None
    return RedirectResponse(HOME[user.actor.role], status_code=303)


@router.get("", response_model=None)
def find(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Find the resident: a scanned card goes straight to the basket."""
    if (away := _away(user)) is not None:
        return away
    rows = ResidentQueries(services.db).search(_community(user), q.strip(), 20) if q.strip() else []
    if q and len(rows) == 1:
        return RedirectResponse(f"/ui/counter/r/{rows[0]['resident_id']}", status_code=303)
    for row in rows:
        row["phone_masked"] = mask_phone(row["phone"])
    error = "没有找到这位居民：请核对卡号、电话或姓名" if q.strip() and not rows else ""
    return render(request, services, "counter/find.html", user, q=q, rows=rows, error=error)


def _resident(services: Services, user: PageUser, resident_id: UUID) -> dict[str, Any] | None:
    row = services.queries.resident(resident_id)
    if row is None or row["community_id"] != str(_community(user)):
        return None
    row["card_code"] = card_code(resident_id)
    return row


def _basket_page(
    request: Request, services: Services, user: PageUser, resident: dict[str, Any], **ctx: Any
) -> HTMLResponse:
    goods = services.counter_queries.goods(_community(user))
    return render(
        request,
        services,
        "counter/basket.html",
        user,
        ctx.pop("status", 200),
        resident=resident,
        goods=goods,
        chosen=ctx.pop("chosen", {}),
        **ctx,
    )


@router.get("/r/{resident_id}", response_model=None)
def basket(request: Request, services: ServicesDep, user: PageUser, resident_id: UUID) -> Response:
    """The resident's balance and the basket of goods with its running total."""
    if (away := _away(user)) is not None:
        return away
    resident = _resident(services, user, resident_id)
    if resident is None:
        return render(
            request,
            services,
            "counter/find.html",
            user,
            404,
            q="",
            rows=[],
            error="没有找到这位居民：请重新查找",
        )
    return _basket_page(request, services, user, resident)


def _lines(goods_id: list[str], quantity: list[str]) -> list[tuple[UUID, int]]:
    """The basket as the form sent it; a bad quantity is refused before anything is written."""
    lines = []
    for item, amount in zip(goods_id, quantity, strict=False):
        text = amount.strip() or "0"
        if not text.isdigit() or int(text) > 100:
            raise DomainError("数量须为 0 到 100 之间的整数", field="items")
        if int(text):
            lines.append((UUID(item), int(text)))
    if not lines:
        raise DomainError("请至少选择一件物品", field="items")
    return lines


@router.post("/r/{resident_id}/redeem", response_model=None)
def redeem(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    resident_id: UUID,
    goods_id: Annotated[list[str], Form(max_length=60)],
    quantity: Annotated[list[str], Form(max_length=60)],
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """Redeem the basket once, however often the button is pressed; then show the receipt."""
    check_form(request, user, csrf_token)
    resident = _resident(services, user, resident_id)
    if resident is None:
        return RedirectResponse("/ui/counter", status_code=303)
    chosen = dict(zip(goods_id, quantity, strict=False))
    try:
        basket = _lines(goods_id, quantity)
        fields = {"resident_id": str(resident_id), "items": [[str(g), n] for g, n in basket]}
        outcome = services.counter.redeem(
            command(services, user, idempotency_key, fields), resident_id, basket
        )
        settle(services, outcome)
    except (DomainError, ValueError) as exc:
        refusal = exc if isinstance(exc, DomainError) else DomainError("请重新选择物品")
        return _basket_page(
            request,
            services,
            user,
            resident,
            status=422,
            chosen=chosen,
            errors=field_errors(refusal, "items"),
            error="未能兑换：见物品清单旁的说明",
        )
    receipt = outcome.body["receipt_id"]
    return RedirectResponse(f"/ui/counter/receipts/{receipt}?new=1", status_code=303)


def _local(value: Any, services: Services) -> str:
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return at.astimezone(services.settings.zone).strftime("%Y-%m-%d %H:%M:%S")


def _receipt(services: Services, user: PageUser, receipt_id: UUID) -> dict[str, Any] | None:
    row = services.counter_queries.receipt(receipt_id)
    if row is None or row["community_id"] != str(_community(user)):
        return None
    resident = services.queries.resident(UUID(str(row["resident_id"]))) or {}
    names = {c["community_id"]: c["name"] for c in services.queries.communities()}
    row["community_name"] = names.get(row["community_id"], "")
    row["resident_name"] = resident.get("name") or ""
    row["resident_masked"] = mask_name(resident.get("name"))
    row["issued_local"] = _local(row["issued_at"], services)
    return row


@router.get("/receipts/{receipt_id}", response_model=None)
def receipt(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    receipt_id: UUID,
    paper: Annotated[int, Query(ge=58, le=80)] = 80,
    full: bool = False,
    new: bool = False,
) -> Response:
    """A receipt laid out for a 58 or 80 mm receipt printer; reprintable at any time."""
    if (away := _away(user)) is not None:
        return away
    row = _receipt(services, user, receipt_id)
    if row is None:
        return RedirectResponse("/ui/counter/receipts", status_code=303)
    notice = f"已兑换，小票号 {row['number']}" if new else ""
    return render(
        request,
        services,
        "counter/receipt.html",
        user,
        receipt=row,
        paper=58 if paper < 80 else 80,
        full=full,
        notice=notice,
    )


@router.post("/receipts/{receipt_id}/cancel", response_model=None)
def cancel(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    receipt_id: UUID,
    reason: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """Cancel a mistaken redemption: points and stock come back; the domain decides who may."""
    check_form(request, user, csrf_token)
    row = _receipt(services, user, receipt_id)
    if row is None:
        return RedirectResponse("/ui/counter/receipts", status_code=303)
    try:
        cmd = command(
            services, user, idempotency_key, {"receipt": str(receipt_id), "reason": reason}
        )
        settle(services, services.counter.cancel(cmd, receipt_id, reason))
    except DomainError as exc:
        return render(
            request,
            services,
            "counter/receipt.html",
            user,
            422,
            receipt=row,
            paper=80,
            full=False,
            errors={"reason": exc.detail},
            error="未能撤销",
        )
    row = _receipt(services, user, receipt_id)
    return render(
        request,
        services,
        "counter/receipt.html",
        user,
        receipt=row,
        paper=80,
        full=False,
        notice="已撤销兑换：积分和库存已退回",
    )


@router.get("/receipts", response_model=None)
def receipts(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    day: Annotated[str, Query(max_length=10)] = "",
    q: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """The community's receipts, newest first, by day and by number or resident's name."""
    if (away := _away(user)) is not None:
        return away
    errors = {}
    try:
        chosen = date.fromisoformat(day) if day else None
    except ValueError:
        chosen, errors = None, {"day": "日期格式应为 年-月-日"}
    rows, total = services.counter_queries.receipts_page(_community(user), chosen, q.strip(), page)
    for row in rows:
        row["issued_local"] = _local(row["issued_at"], services)
        row["resident_masked"] = mask_name(row["resident_name"])
    return render(
        request,
        services,
        "counter/receipts.html",
        user,
        rows=rows,
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        day=day,
        q=q,
        errors=errors,
    )
