"""`pointsbank backup` and `restore` on each real store: a restored street verifies and keeps its
balances; a backup whose events were altered is refused loudly after the restore."""

from __future__ import annotations

import uuid
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner, Result

from api.auditing import sign_head
from api.cli import app as cli
from api.services import Services, open_services
from pointsbank.digests import generate_key
from pointsbank.settings import Settings
from tests.integration.tamper import Attacker
from tests.integration.test_ledger import TODAY, command, enrol, setup_street
from tests.pgserver import PostgresServer

runner = CliRunner()


def _run(url: str, key: Path, *args: str) -> Result:
    env = {"POINTSBANK_DATABASE_URL": url, "POINTSBANK_SIGNING_KEY": str(key)}
    return runner.invoke(cli, list(args), env=env)


def _street(services: Services, key: Path) -> dict[UUID, int]:
    """Residents with awards, projected, chained and signed; returns their balances."""
    staff = setup_street(services)
    residents = [enrol(services, staff) for _ in range(3)]
    for i in range(7):
        services.bank.award(command(staff), residents[i % 3], "VOL", 1 + i, TODAY, "")
    services.projector.catch_up()
    services.chain.catch_up()
    generate_key(key)
    services.settings.signing_key = str(key)
    sign_head(services)
    return _balances(services, residents)


def _balances(services: Services, residents: list[UUID]) -> dict[UUID, int]:
    rows = {r: services.queries.resident_balance(r) for r in residents}
    return {r: int(row["balance"]) for r, row in rows.items() if row is not None}


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A second, empty database on the same kind of store."""
    if database_url.startswith("sqlite:"):
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database(f"restored_{uuid.uuid4().hex[:8]}")


def test_a_restored_backup_verifies_and_keeps_every_balance(
    services: Services, fresh_url: str, tmp_path: Path
) -> None:
    key, file = tmp_path / "key.pem", tmp_path / "street.backup"
    balances = _street(services, key)
    source = services.settings.database_url
    backed_up = _run(source, key, "backup", str(file))
    assert backed_up.exit_code == 0, backed_up.output
    assert file.stat().st_size > 0

    restored = _run(fresh_url, key, "restore", str(file))
    assert restored.exit_code == 0, restored.output
    assert "OK:" in restored.output and "signatures verified" in restored.output
    again = open_services(Settings(database_url=fresh_url))
    try:
        assert _balances(again, list(balances)) == balances
        assert again.projector.position() == services.projector.position()
    finally:
        again.close()
    refused = _run(fresh_url, key, "restore", str(file))  # never on top of a history
    assert refused.exit_code == 1 and "fresh" in refused.output


def test_a_tampered_backup_fails_verification_loudly(
    services: Services, fresh_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    key, file = tmp_path / "key.pem", tmp_path / "street.backup"
    _street(services, key)
    Attacker(services).flip_byte(4)  # an attacker with the database edits the log, then ...
    tampered = _run(services.settings.database_url, key, "backup", str(file))  # ... backs it up
    assert tampered.exit_code == 0, tampered.output

    restored = _run(fresh_url, key, "restore", str(file))
    assert restored.exit_code == 1
    assert "FAILED at position 4" in restored.output
    assert "DOES NOT VERIFY" in restored.output
