"""The residents' way in: staff print an activation slip (one-time code and QR code) on the
resident's page; the resident opens /ui/activate on a phone and sets a password.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import segno
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from api.auth import client_address, require_same_origin
from api.deps import ServicesDep, visible
from api.pages import PageUser, check_form, command, field_errors, render, settle
from api.pages.residents import scope
from api.services import Services
from pointsbank.domain.common import DomainError, Role
from pointsbank.domain.masking import mask_name
from projections.resident_queries import ResidentQueries

router = APIRouter(prefix="/ui", include_in_schema=False)
Code = Annotated[str, Form(max_length=40)]
Secret = Annotated[str, Form(max_length=200)]
OptionalText = Annotated[str, Form(max_length=200)]
# A resubmitted form replays its key: the same slip, whose code was shown the first time only.
ALREADY_PRINTED = "这张激活单已经打印过：激活码只显示一次。如需再打，请重新打印（旧码作废）。"


@router.post("/residents/{resident_id}/slip")
def print_slip(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    resident_id: UUID,
    csrf_token: OptionalText = "",
    idempotency_key: OptionalText = "",
) -> HTMLResponse:
    """Issue a new activation slip (the old code stops working) and show it for printing."""
    check_form(request, user, csrf_token)
    scope(user, Role.STAFF, Role.ADMIN)
    row = ResidentQueries(services.db).resident(resident_id)
    resident = visible(user.actor, row, "resident", resident_id)
    cmd = command(services, user, idempotency_key, {"slip": str(resident_id)})
    try:
        outcome = services.activations.issue_slip(cmd, resident_id)
    except DomainError as exc:
        return render(
            request, services, "residents/slip.html", user, 422, r=resident, code=None,
            masked=mask_name(resident["name"]), error=exc.detail,
        )
    settle(services, outcome)
    code = outcome.body.get("code")
    link = str(request.url_for("activate_page").include_query_params(code=code or ""))
    qr = segno.make(link, error="m").svg_inline(scale=4, title="激活二维码") if code else ""
    return render(
        request, services, "residents/slip.html", user, 201 if code else 200,
        r=resident, code=code, link=link, qr=qr, masked=mask_name(resident["name"]),
        expires=_local(services, outcome.body["expires_at"]),
        error="" if code else ALREADY_PRINTED,
    )


@router.get("/activate", name="activate_page")
def activate_page(
    request: Request, services: ServicesDep, code: Annotated[str, Query(max_length=40)] = ""
) -> HTMLResponse:
    return render(request, services, "activate.html", None, code=code, done=False,
                  idempotency_key=str(uuid4()))


@router.post("/activate")
def activate(
    request: Request,
    services: ServicesDep,
    code: Code,
    password: Secret,
    password_again: Secret,
    idempotency_key: OptionalText = "",
) -> HTMLResponse:
    """Set one's password with the slip's code; nothing is written for a refused attempt."""
    require_same_origin(request)
    errors: dict[str, str] = {}
    if password != password_again:
        differ = DomainError("invalid-command.activation-passwords-differ")
        errors = {"password_again": differ.detail}
    else:
        try:
            outcome = services.activations.activate(
                code, password, client_address(request), idempotency_key or str(uuid4()),
                services.now(),
            )
            settle(services, outcome)
        except DomainError as exc:
            errors = field_errors(exc, "code")
    if errors:
        return render(request, services, "activate.html", None, 422, code=code, done=False,
                      errors=errors, idempotency_key=idempotency_key)
    return render(request, services, "activate.html", None, code="", done=True,
                  notice="激活成功：请用登记的手机号和刚设置的密码登录。")


def _local(services: Services, moment: str) -> str:
    zone: ZoneInfo = services.settings.zone
    return datetime.fromisoformat(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M")
