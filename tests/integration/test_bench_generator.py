"""The benchmark's generated street is what the application would have made: its events decode
with the application's mapper, and a rebuild by the real projector leaves its copied read
models unchanged (PostgreSQL only: the generator COPYs)."""

from __future__ import annotations

from api.services import open_services
from benchmarks.generate import Spec, generated
from pointsbank.settings import Settings
from projections.annual import annual
from projections.ledger import ledger
from tests.pgserver import PostgresServer


def test_generated_read_models_equal_a_rebuild_and_are_reused(pg_server: PostgresServer) -> None:
    spec = Spec(residents=12, events_per_resident=6, communities=2)
    data = generated(pg_server, spec, log=lambda _: None)
    assert not data.reused and data.residents == 12
    services = open_services(Settings(database_url=data.url, inprocess_projector=False))
    try:
        tables = [*ledger.tables, *annual.tables, "annual_resident_scores"]
        copied = {t: services.queries.table_rows(t) for t in tables}
        assert len(copied["statement_entries"]) == 12 * 4  # three awards and a redemption each
        assert services.projector.rebuild() == data.events
        for table in tables:
            assert services.queries.table_rows(table) == copied[table], table
    finally:
        services.close()
    assert generated(pg_server, spec).reused
