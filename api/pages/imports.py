"""The imports page (导入): download the template, upload a sheet, see every row's problems
before anything is written, then import all rows or none."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from openpyxl import Workbook
from openpyxl.styles import Font

from api.deps import ServicesDep
from api.exports import CATEGORIES, MEDIA_TYPES, Format
from api.pages import PageUser, check_form, command, render, settle
from api.services import Services
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import DomainError, Role
from pointsbank.sheets import MAX_BYTES
from projections.earning_queries import EarningQueries

router = APIRouter(prefix="/ui/imports", include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
TEMPLATE_COLUMNS = [("手机号/身份证号", 22), ("规则", 14), ("日期", 14), ("数量", 8)]
TEMPLATE_COLUMNS += [("分钟", 8), ("备注", 30)]
FIELD_NAMES = {
    "person": "手机号/身份证号",
    "resident_id": "居民",
    "rule_code": "规则",
    "occurred_on": "日期",
    "quantity": "数量",
    "minutes": "分钟",
    "note": "备注",
}


def _page(
    request: Request, services: Services, user: PageUser, status: int = 200, **context: Any
) -> HTMLResponse:
    require_role(user.actor, Role.STAFF)
    imports = EarningQueries(services.db).imports(user.actor.community_id)[:20]
    return render(request, services, "imports/index.html", user, status, imports=imports, **context)


@router.get("")
def imports_page(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    return _page(request, services, user)


@router.get("/template")
def template(services: ServicesDep, user: PageUser) -> Response:
    """The sheet to fill in: Chinese headers, phone and ID card kept as text, the rules beside."""
    require_role(user.actor, Role.STAFF)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "积分导入"
    sheet.append([title for title, _ in TEMPLATE_COLUMNS])
    for index, (_, width) in enumerate(TEMPLATE_COLUMNS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
        sheet.cell(1, index).font = Font(bold=True)
    for row in range(2, 1002):  # long numbers stay exact only as text
        sheet.cell(row, 1).number_format = "@"
    sheet.freeze_panes = "A2"
    rules = book.create_sheet("积分规则")
    rules.append(["规则", "名称", "类别", "分值"])
    for rule in services.queries.rules():
        if rule["active"]:
            category = CATEGORIES.get(rule["category"], rule["category"])
            rules.append([rule["code"], rule["name"], category, rule["points"]])
    rules.column_dimensions["B"].width = 24
    out = io.BytesIO()
    book.save(out)
    name = quote("积分导入模板.xlsx")
    return Response(
        out.getvalue(),
        media_type=MEDIA_TYPES[Format.XLSX],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.post("/preview", response_model=None)
def preview(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    sheet: UploadFile | None = None,
    csrf_token: Text = "",
) -> Response:
    """Check the uploaded sheet exactly as the import would, and write nothing."""
    check_form(request, user, csrf_token)
    content = sheet.file.read(MAX_BYTES + 1) if sheet is not None else b""
    return _preview(request, services, user, content)


def _preview(
    request: Request, services: Services, user: PageUser, content: bytes, **context: Any
) -> HTMLResponse:
    try:
        cmd = command(services, user, "", {"preview": hashlib.sha256(content).hexdigest()})
        checked = services.earning.imports.preview(cmd, content)
    except DomainError as exc:
        return _page(request, services, user, 422, errors={"sheet": _unreadable(exc)})
    rows = _rows(services, checked)
    return _page(
        request,
        services,
        user,
        422 if checked["errors"] else 200,
        preview=rows,
        problems=len(checked["errors"]),
        earlier=checked["earlier"],
        content=base64.b64encode(content).decode(),
        **context,
    )


def _unreadable(exc: DomainError) -> str:
    missing = exc.extra.get("missing")
    if missing:
        names = "、".join(FIELD_NAMES.get(m, m) for m in missing)
        return f"表头缺少这些列：{names}。请下载模板，按模板的表头填写。"
    return exc.detail  # the catalogue says what is wrong and what to do


def _rows(services: Services, checked: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row of the sheet in order, with its problems in Chinese."""
    problems: dict[int, list[str]] = {}
    for error in checked["errors"]:
        label = FIELD_NAMES.get(error["field"] or "", "")
        text = str(error["message"]).split(" / ")[0]
        problems.setdefault(int(error["row"]), []).append(f"{label}：{text}" if label else text)
    rows: dict[int, dict[str, Any]] = {}
    for line in checked["lines"]:
        person = services.registry.get(line.resident_id)
        rows[line.row] = {
            "row": line.row,
            "name": person.name if person else "",
            "rule_code": line.rule_code,
            "occurred_on": line.occurred_on.isoformat(),
            "amount": f"{line.minutes} 分钟" if line.minutes else f"{line.quantity} 次",
            "note": line.note,
        }
    for number in problems:
        rows.setdefault(number, {"row": number})
    for number, row in rows.items():
        row["problems"] = problems.get(number, [])
    return [rows[n] for n in sorted(rows)]


@router.post("/commit", response_model=None)
def commit(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    content: Annotated[str, Form(max_length=MAX_BYTES * 2)] = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """Import the previewed sheet: every row, or none if anything changed since the preview."""
    check_form(request, user, csrf_token)
    try:
        sheet = base64.b64decode(content, validate=True)
    except binascii.Error:
        sheet = b""
    digest = hashlib.sha256(sheet).hexdigest()
    try:
        cmd = command(services, user, idempotency_key, {"sha256": digest})
        outcome = services.earning.imports.apply(cmd, sheet)
        settle(services, outcome)
    except DomainError as exc:
        if exc.code in ("sheet-rejected", "sheet-unreadable"):
            return _preview(request, services, user, sheet, error="表格有问题，未导入任何一行。")
        return _page(request, services, user, 409, error=exc.detail)
    rows = outcome.body["rows"]
    pending = sum(1 for entry in outcome.body["entries"] if entry["pending"])
    waiting = f"，其中 {pending} 行等待另一位工作人员审批" if pending else ""
    return _page(request, services, user, notice=f"已导入 {rows} 行{waiting}。")
