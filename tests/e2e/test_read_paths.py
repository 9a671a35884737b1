"""Fast read paths on both stores: keyset pages cover every entry once, in order, with the ranks
of the full computed ranking; the trigger-kept score tables equal the annual tables they count."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from projections.rankings import Scope
from tests.e2e.test_annual import Y, award, household, join, leave
from tests.street import Street, build_street

SCORES = (
    ("annual_resident_scores", "annual_residents", "residents"),
    ("annual_household_scores", "annual_households", "households"),
)


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    return build_street(client, services)


def ranked_street(street: Street) -> list[str]:
    """Nine residents in three households, with ties, one of whom moves house mid-year."""
    residents = [street.enrol(party_member=i % 2 == 0) for i in range(9)]
    houses = [household(street, f"家{i}") for i in range(3)]
    for i, resident in enumerate(residents):
        join(street, houses[i % 3], resident, "2025-01-01")
        award(street, resident, "VOL", "2025-03-01", quantity=i % 3 + 1)
    leave(street, houses[0], residents[0], "2025-06-01")
    join(street, houses[1], residents[0], "2025-06-01")
    award(street, residents[0], "VOL", "2025-07-01", quantity=2)
    return residents


def pages(street: Street, path: str, limit: int, by: str) -> list[dict[str, Any]]:
    """Every row, following `next` from page to page (`by`: "after" or "offset")."""
    rows: list[dict[str, Any]] = []
    query = ""
    while True:
        body = street.ok("GET", f"{path}&limit={limit}{query}", "staff_a")
        rows += body["rows"] if "rows" in body else body["entries"]
        if body["next"] is None:
            return rows
        query = f"&after={body['next']}" if by == "after" else f"&offset={len(rows)}"


def computed(street: Street, what: str, scope: Scope) -> list[tuple[str, int, int]]:
    rankings = street.services.rankings
    rows = rankings.residents(scope) if what == "residents" else rankings.households(scope)
    id_column = "resident_id" if what == "residents" else "household_id"
    return [(r[id_column], r["points"], r["rank"]) for r in rows]


@pytest.mark.parametrize("by", ["after", "offset"])
def test_ranking_pages_cover_every_row_once_in_order_with_its_rank(street: Street, by: str) -> None:
    ranked_street(street)
    community = street.communities["a"]
    for what, id_column, query, scope in (
        ("residents", "resident_id", "", Scope(Y, community)),
        ("residents", "resident_id", "&party_member=true", Scope(Y, community, True)),
        ("households", "household_id", "", Scope(Y, community)),
    ):
        rows = pages(street, f"/rankings/{what}?year={Y}{query}", 2, by)
        expected = computed(street, what, scope)
        assert len(expected) > 2
        assert [(r[id_column], r["points"], r["rank"]) for r in rows] == expected


def test_statement_pages_cover_every_entry_once_in_order(street: Street) -> None:
    resident = street.enrol()
    for quantity in range(1, 8):
        award(street, resident, "VOL", "2025-03-01", quantity=quantity)
    path = f"/residents/{resident}/statement?"
    whole = street.ok("GET", path, "staff_a")["entries"]
    assert [e["version"] for e in whole] == sorted(e["version"] for e in whole)
    assert len(whole) == 7
    assert pages(street, path, 3, "after") == whole
    assert pages(street, path, 3, "offset") == whole


def score_tables(services: Services) -> list[tuple[list[Any], list[Any]]]:
    """Each score table beside the counts computed from its annual table."""
    pairs = []
    for score, source, count in SCORES:
        kept = services.db.query(
            f"SELECT year, community_id, points, {count} AS n FROM {score} "
            "ORDER BY 1, 2, 3"
        )
        counted = services.db.query(
            f"SELECT year, community_id, points, COUNT(*) AS n FROM {source} "
            "GROUP BY year, community_id, points ORDER BY 1, 2, 3"
        )
        pairs.append(([tuple(r.values()) for r in kept], [tuple(r.values()) for r in counted]))
    return pairs


def test_score_tables_equal_the_annual_tables_live_and_after_a_rebuild(
    street: Street, services: Services
) -> None:
    ranked_street(street)
    for kept, counted in score_tables(services):
        assert kept == counted and counted
    services.projector.rebuild()
    for kept, counted in score_tables(services):
        assert kept == counted and counted
