"""The one place where errors become RFC 9457 problem+json responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from pointsbank.domain.common import DomainError

PROBLEM_BASE = "https://pointsbank.example/problems/"
MEDIA_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """A refusal made by the HTTP layer itself (authentication, headers)."""

    def __init__(self, status: int, code: str, detail: str, **headers: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers


def problem(
    request: Request,
    status: int,
    code: str,
    title: str,
    detail: str,
    extensions: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """A problem+json response. Extension members travel as a mapping, never as keyword
    arguments, so a member named like a parameter (`code`, `status`) cannot clash with them,
    and the five RFC 9457 members always win over an extension of the same name."""
    body = {
        **jsonable_encoder(dict(extensions or {})),
        "type": PROBLEM_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


TITLES = {
    400: "请求有误 Bad request",
    401: "未认证 Unauthorized",
    403: "无权操作 Forbidden",
    404: "未找到 Not found",
    409: "冲突 Conflict",
    422: "无法处理 Unprocessable request",
    503: "系统繁忙 Service busy",
}


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        title = TITLES.get(exc.status, "Error")
        return problem(request, exc.status, exc.code, title, exc.detail, exc.extra)

    @app.exception_handler(ApiProblem)
    async def _api(request: Request, exc: ApiProblem) -> JSONResponse:
        response = problem(request, exc.status, exc.code, TITLES[exc.status], exc.detail)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return problem(request, 422, "validation", TITLES[422], detail, {"errors": errors})

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> JSONResponse:
        detail = f"a number or date in the request is out of range: {exc}"
        return problem(request, 422, "out-of-range", TITLES[422], detail)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        return problem(
            request,
            exc.status_code,
            f"http-{exc.status_code}",
            TITLES.get(exc.status_code, "Error"),
            str(exc.detail),
        )
