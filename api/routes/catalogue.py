"""The street's structure and catalogue: communities, grids and points rules."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi.responses import JSONResponse

from api import outcomes, routes, views
from api.deps import ActorDep, Body, CommanderDep, ServicesDep
from api.fields import Code, Name, Whole
from api.routes.earning import RuleTerms
from pointsbank.domain.rule import Category
from pointsbank.domain.terms import Terms

router = routes.router(tags=["catalogue"])


class NewCommunity(Body):
    code: Code
    name: Name


class NewGrid(Body):
    code: Code
    name: Name


class NewRule(Body):
    code: Code
    name: Name
    category: Category
    points: Annotated[int, Whole(1, 1000)]
    terms: RuleTerms | None = None


@router.get("/communities", response_model=list[views.Community])
def list_communities(services: ServicesDep, actor: ActorDep) -> list[dict[str, Any]]:
    """List the street's communities and their grids."""
    return services.queries.communities()


@router.post("/communities", status_code=201, response_model=outcomes.CommunityRegistered)
def register_community(
    body: NewCommunity, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Register a community (admin)."""
    return cmd.respond(services.bank.register_community(cmd(body), body.code, body.name))


@router.post(
    "/communities/{community_id}/grids", status_code=201, response_model=outcomes.GridAdded
)
def add_grid(
    community_id: UUID, body: NewGrid, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Add a grid to a community (admin)."""
    return cmd.respond(services.bank.add_grid(cmd(body), community_id, body.code, body.name))


@router.get("/rules", response_model=list[views.RuleSummary])
def list_rules(services: ServicesDep, actor: ActorDep) -> list[dict[str, Any]]:
    """List the points rules catalogue."""
    return services.queries.rules()


@router.post("/rules", status_code=201, response_model=outcomes.RuleVersion)
def define_rule(body: NewRule, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Define a points rule with its terms: mode, caps, approval threshold, dates (admin)."""
    terms = body.terms.terms() if body.terms else Terms()
    outcome = services.earning.rules.define(
        cmd(body), body.code, body.name, body.category, body.points, terms
    )
    return cmd.respond(outcome)
