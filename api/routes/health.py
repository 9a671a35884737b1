"""Liveness and readiness probes for the load balancer."""

from __future__ import annotations

from fastapi import APIRouter

from api import views
from api.deps import ServicesDep
from api.openapi import refusals
from api.problems import ApiProblem
from pointsbank.domain.common import DomainError

router = APIRouter(tags=["health"])


class NotReady(DomainError):
    """The read models are stuck on an event they cannot project."""

    status = 503
    code = "not-ready"


@router.get("/healthz", response_model=views.Health)
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=views.Readiness, responses=refusals(503))
def readyz(services: ServicesDep) -> dict[str, object]:
    """The store answers, and how far the read models lag behind the log."""
    failure = services.projector.failure
    if failure is not None:
        raise NotReady(
            "not-ready",
            {"problem": str(failure)},
            failed_position=failure.position,
            reason=failure.reason,
        )
    try:
        log_end = services.bank.recorder.max_notification_id() or 0
        projected = services.projector.position()
    except Exception as exc:
        raise ApiProblem(503, "not-ready.store", {"reason": exc}) from exc
    return {"status": "ready", "log_position": log_end, "projected_position": projected}
