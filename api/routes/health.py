"""Liveness and readiness probes for the load balancer."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServicesDep
from api.problems import ApiProblem
from pointsbank.domain.common import DomainError

router = APIRouter(tags=["health"])


class NotReady(DomainError):
    """The read models are stuck on an event they cannot project."""

    status = 503
    code = "not-ready"


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(services: ServicesDep) -> dict[str, object]:
    """The store answers, and how far the read models lag behind the log."""
    failure = services.projector.failure
    if failure is not None:
        raise NotReady(str(failure), failed_position=failure.position, reason=failure.reason)
    try:
        log_end = services.bank.recorder.max_notification_id() or 0
        projected = services.projector.position()
    except Exception as exc:
        raise ApiProblem(503, "not-ready", f"the store does not answer: {exc}") from exc
    return {"status": "ready", "log_position": log_end, "projected_position": projected}
