"""Bulk import of a points sheet (CSV or XLSX): all rows or none, with a row-by-row report."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import UploadFile
from fastapi.params import File
from fastapi.responses import JSONResponse

from api import outcomes, routes, views
from api.deps import ActorDep, Body, CommanderDep, ServicesDep
from api.problems import ApiProblem
from pointsbank.domain.common import Role
from pointsbank.sheets import MAX_BYTES
from projections.earning_queries import EarningQueries

router = routes.router(prefix="/imports", tags=["imports"])


class Sheet(Body):
    """What the idempotency fingerprint covers: the file's bytes."""

    sha256: str


@router.post("", status_code=201, response_model=outcomes.SheetImported)
def upload(
    file: Annotated[
        UploadFile, File(description="CSV or XLSX: 居民, 规则, 日期, 数量, 分钟, 备注")
    ],
    services: ServicesDep,
    cmd: CommanderDep,
) -> JSONResponse:
    """Import a sheet of awards and deductions for your community, atomically (staff)."""
    content = file.file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ApiProblem(400, "sheet-too-large", {"max": MAX_BYTES})
    command = cmd(Sheet(sha256=hashlib.sha256(content).hexdigest()))
    outcome = services.earning.imports.apply(command, content)
    return cmd.respond(outcome)


@router.get("", response_model=list[views.SheetImport])
def list_imports(services: ServicesDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Sheets imported, most recent first."""
    community_id = actor.community_id if actor.role in (Role.STAFF, Role.CLERK) else None
    return EarningQueries(services.db).imports(community_id)
