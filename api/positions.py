"""Read-your-writes across requests, by log position (pure ASGI middleware).

A change's response carries `Pointsbank-Position`, the log position of what it recorded (and,
for a browser, a short-lived cookie of it); a later request that sends the position back in
`Pointsbank-Min-Position` (or with the cookie) reads nothing older than it, even on a replica;
when the read models cannot get there within the bound, `Read-Models-Lagging: true` says so.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pointsbank.reads import begin_request

REQUEST_HEADER = "pointsbank-min-position"
RESPONSE_HEADER = "Pointsbank-Position"
COOKIE = "pointsbank_position"
LAGGING_HEADER = "Read-Models-Lagging"
COOKIE_SECONDS = 60  # long past any replica lag worth waiting for


def _position(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 19 else 0


class ReadAfterPositions:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        from_cookie = cookie_parser(headers.get("cookie", "")).get(COOKIE)
        asked = max(_position(headers.get(REQUEST_HEADER)), _position(from_cookie))
        holder = begin_request(asked)

        async def send_with_position(message: Message) -> None:
            if message["type"] == "http.response.start" and holder.lagging:
                MutableHeaders(scope=message)[LAGGING_HEADER] = "true"
            if message["type"] == "http.response.start" and holder.position > asked:
                out = MutableHeaders(scope=message)
                out[RESPONSE_HEADER] = str(holder.position)
                if "cookie" in headers:  # a browser: its next page must see the change too
                    out.append(
                        "set-cookie",
                        f"{COOKIE}={holder.position}; Max-Age={COOKIE_SECONDS}; Path=/; "
                        "HttpOnly; SameSite=Lax",
                    )
            await send(message)

        await self.app(scope, receive, send_with_position)
