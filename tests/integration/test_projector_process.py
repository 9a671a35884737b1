"""`pointsbank project` in its own process keeps the read models current for a server that
does not project itself; the server still answers with its own writes visible."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import open_services
from pointsbank.settings import Settings
from tests.conftest import reading_own_writes
from tests.street import build_street


@pytest.fixture
def projector_process(database_url: str) -> Iterator[subprocess.Popen[bytes]]:
    open_services(Settings(database_url=database_url)).close()
    env = {
        **os.environ,
        "POINTSBANK_DATABASE_URL": database_url,
        "POINTSBANK_PROJECTOR_POLL_SECONDS": "0.05",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "project"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    assert process.wait(timeout=10) == 0


def test_a_separate_projector_serves_read_your_writes(
    database_url: str, projector_process: subprocess.Popen[bytes]
) -> None:
    settings = Settings(database_url=database_url, inprocess_projector=False)
    services = open_services(settings)
    try:
        with TestClient(create_app(settings, services)) as client:
            street = build_street(reading_own_writes(client), services)
            resident = street.enrol()
            street.award(resident, quantity=3)
            assert street.balance(resident) == 30
            assert services.projector.position() == services.bank.recorder.max_notification_id()
        assert projector_process.poll() is None
    finally:
        services.close()
