"""Logging: one JSON object a line (structlog rendering every stdlib logger, uvicorn's too),
each line of a request carrying its request id; and personal data kept out: access lines lose
their query strings, where a search for a phone number or name would otherwise land (PIPL)."""

from __future__ import annotations

import logging
import re
import sys
import uuid
from typing import Literal, TextIO

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOGGER = "uvicorn.access"
REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept when it is plainly an id; anything else could forge or flood log lines.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


class DropQueryStrings(logging.Filter):
    """uvicorn's access record args are (client, method, path with query, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


class _JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Ours, so that installing again replaces it rather than adding a second; it writes to
    whatever sys.stderr is at the time (as logging's last resort does), never a closed one."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: object) -> None:
        pass


def install(log_format: Literal["json", "console"] = "json") -> None:
    """Once per process (idempotent): render every log line through structlog, with the
    request's context, and filter the access log."""
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if log_format == "json"
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = _JsonHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _JsonHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.INFO, logging.INFO))
    access = logging.getLogger(ACCESS_LOGGER)
    # `serve --no-access-log`: uvicorn left its access logger without handlers and not
    # propagating; it stays silent (and uvicorn then skips formatting the lines at all).
    access_on = bool(access.handlers) or access.propagate
    # uvicorn's own handlers would print its lines a second time, in its plain format.
    for name in ("uvicorn", "uvicorn.error", ACCESS_LOGGER):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    access.propagate = access_on
    if not any(isinstance(f, DropQueryStrings) for f in access.filters):
        access.addFilter(DropQueryStrings())


def request_id(scope: Scope) -> str:
    """The incoming X-Request-ID when it is sane, else a new one."""
    for name, value in scope.get("headers") or ():
        if name == b"x-request-id":
            given: str = value.decode("latin-1")
            if SANE_REQUEST_ID.fullmatch(given):
                return given
    return uuid.uuid4().hex


class RequestId:
    """Pure ASGI middleware: binds the request id to every log line of the request and
    returns it in the response's X-Request-ID header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        # Each request runs in its own task with its own context: nothing to unbind, and the
        # server's own lines after the app (an unhandled error) still carry the id.
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=rid)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = rid
            await send(message)

        await self.app(scope, receive, sending)
