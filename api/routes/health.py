"""Liveness and readiness probes for the load balancer."""

from __future__ import annotations

from api import routes, views
from api.deps import ServicesDep
from api.openapi import refusals
from api.problems import ApiProblem
from pointsbank.domain.common import DomainError
from projections.lag import Lag, projection_lag

router = routes.router(tags=["health"])


class NotReady(DomainError):
    """The read models are stuck on an event they cannot project, or trail the log too far."""

    status = 503
    code = "not-ready"


@router.get("/healthz", response_model=views.Health)
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=views.Readiness, responses=refusals(503))
def readyz(services: ServicesDep) -> dict[str, object]:
    """The store answers, and how far the read models lag behind the log (fails over the
    thresholds POINTSBANK_READY_MAX_LAG_SECONDS / _EVENTS)."""
    failure = services.projector.failure
    if failure is not None:
        raise NotReady(
            "not-ready",
            {"problem": str(failure)},
            failed_position=failure.position,
            reason=failure.reason,
        )
    try:
        lag = projection_lag(services.projector, services.now())
    except Exception as exc:
        raise ApiProblem(503, "not-ready.store", {"reason": exc}) from exc
    figures = {
        "log_position": lag.log_position,
        "projected_position": lag.projected_position,
        "lag_events": lag.events,
        "lag_seconds": round(lag.seconds, 3),
    }
    settings = services.settings
    if _too_far_behind(lag, settings.ready_max_lag_seconds, settings.ready_max_lag_events):
        raise NotReady(
            "not-ready.lagging", {"events": lag.events, "seconds": int(lag.seconds)}, **figures
        )
    return {"status": "ready", **figures}


def _too_far_behind(lag: Lag, max_seconds: float, max_events: int | None) -> bool:
    return lag.seconds > max_seconds or (max_events is not None and lag.events > max_events)
