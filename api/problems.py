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
from pointsbank.domain.messages import CATALOGUE, DEFAULT, Language, render
from pointsbank.inputs import InputRefused

PROBLEM_BASE = "https://pointsbank.example/problems/"
MEDIA_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """A refusal made by the HTTP layer itself (authentication, headers). `key` names the
    message in the catalogue; its part before the first dot is the problem code."""

    def __init__(
        self, status: int, key: str, params: Mapping[str, Any] | None = None, /, **headers: str
    ) -> None:
        self.status = status
        self.key = key
        self.code = key.partition(".")[0]
        self.params = dict(params or {})
        self.headers = headers
        super().__init__(self.text(DEFAULT))

    def text(self, language: Language) -> str:
        return render(self.key, self.params, language)


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


def language(request: Request) -> Language:
    """The reader's language from Accept-Language: English when it is preferred to Chinese
    (or Chinese is not named at all); Simplified Chinese otherwise."""
    ranked: list[tuple[float, int, Language]] = []
    for index, item in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, quality = item.strip().partition(";")
        primary = tag.strip().lower().partition("-")[0]
        if primary not in ("zh", "en"):
            continue
        try:
            q = float(quality.strip().removeprefix("q=")) if quality else 1.0
        except ValueError:
            q = 1.0
        if q > 0:
            ranked.append((-q, index, "en" if primary == "en" else "zh"))
    return min(ranked)[2] if ranked else DEFAULT


def message(request: Request, exc: DomainError | ApiProblem | InputRefused) -> str:
    """A refusal's words in the reader's language, for problems and for pages alike."""
    return exc.text(language(request))


def validation_message(error: Mapping[str, Any], lang: Language) -> str:
    """One pydantic error in words: the input policy's own refusal, else pydantic's error type
    from the catalogue, else pydantic's English as a last resort inside a localised sentence."""
    context = error.get("ctx") or {}
    refusal = context.get("error")
    if isinstance(refusal, InputRefused):
        return refusal.text(lang)
    key = f"validation.{error['type']}"
    if key not in CATALOGUE:
        key = "validation.other"
    return render(key, {**context, "msg": error["msg"]}, lang)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        title = TITLES.get(exc.status, "Error")
        return problem(request, exc.status, exc.code, title, message(request, exc), exc.extra)

    @app.exception_handler(ApiProblem)
    async def _api(request: Request, exc: ApiProblem) -> JSONResponse:
        detail = message(request, exc)
        response = problem(request, exc.status, exc.code, TITLES[exc.status], detail)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = language(request)
        errors = [
            {"loc": list(e["loc"]), "msg": validation_message(e, lang), "type": e["type"]}
            for e in exc.errors()
        ]
        lines = [{"loc": ".".join(map(str, e["loc"])), "msg": e["msg"]} for e in errors]
        separator = "; " if lang == "en" else "；"
        detail = separator.join(render("validation", line, lang) for line in lines)
        return problem(request, 422, "validation", TITLES[422], detail, {"errors": errors})

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> JSONResponse:
        detail = render("out-of-range", {"reason": exc}, language(request))
        return problem(request, 422, "out-of-range", TITLES[422], detail)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        code = f"http-{exc.status_code}"
        key = code if code in CATALOGUE else "http"
        params = {"status": exc.status_code, "reason": exc.detail}
        detail = render(key, params, language(request))
        title = TITLES.get(exc.status_code, "Error")
        return problem(request, exc.status_code, code, title, detail)
