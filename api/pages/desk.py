"""The service desk for community staff and the counter clerk (the page over the JSON API)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ServicesDep
from api.pages import HOME, PageUser, render
from pointsbank.domain.common import Role

router = APIRouter(prefix="/ui", include_in_schema=False)


@router.get("/desk", response_model=None)
def desk(request: Request, services: ServicesDep, user: PageUser) -> Response:
    # The clerk's counter has its own pages (兑换); the desk stays for staff until theirs come.
    if user.actor.role is not Role.STAFF:
        return RedirectResponse(HOME[user.actor.role], status_code=303)
    page: HTMLResponse = render(request, services, "desk.html", user)
    return page
