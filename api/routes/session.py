"""Who the bearer token belongs to, for the web pages."""

from __future__ import annotations

from typing import Any

from api import routes, views
from api.deps import AnyActorDep, ServicesDep

router = routes.router(tags=["session"])


@router.get("/me", response_model=views.Me)
def me(actor: AnyActorDep, services: ServicesDep) -> dict[str, Any]:
    """The acting account: id, role, community and today's date in the street's time zone."""
    today = services.now().astimezone(services.settings.zone).date()
    return {
        "user_id": actor.user_id,
        "name": services.accounts.name_of(actor.user_id),
        "role": actor.role.value,
        "community_id": str(actor.community_id) if actor.community_id else None,
        "street": services.settings.street_name,
        "timezone": services.settings.timezone,
        "today": today.isoformat(),
    }
