"""`pointsbank serve --workers 2` as operators run it: /metrics sums every worker's requests
(prometheus-client's multiprocess directory), and uvicorn's own access lines are JSON carrying
the request id, without query strings. The store does not matter here: SQLite only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.browser import free_port

PHONE = "13912345678"
REQUESTS = 24


def _wait_ready(base: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server never became ready")


def _healthz_count(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name.endswith("_count") and s.labels.get("route") == "/healthz":
                return s.value
    return 0.0


def test_two_workers_sum_their_metrics_and_log_json_with_request_ids(tmp_path: Path) -> None:
    port, metrics_dir, log = free_port(), tmp_path / "metrics", tmp_path / "server.log"
    metrics_dir.mkdir()
    env = {
        **os.environ,
        "POINTSBANK_DATABASE_URL": f"sqlite:///{tmp_path / 'pointsbank.sqlite3'}",
        "POINTSBANK_PORT": str(port),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    command = [str(Path(sys.executable).parent / "pointsbank"), "serve", "--workers", "2"]
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_ready(base)
            for i in range(REQUESTS):  # a new connection each: the kernel spreads them
                sent = httpx.get(f"{base}/healthz?q={PHONE}", headers={"X-Request-ID": f"r-{i}"})
                assert sent.headers["X-Request-ID"] == f"r-{i}"
            scraped = httpx.get(f"{base}/metrics")
            assert scraped.status_code == 200, scraped.text
            assert _healthz_count(scraped.text) == REQUESTS
            assert len(list(metrics_dir.glob("*.db"))) >= 2  # both workers write their counts
        finally:
            server.terminate()
            server.wait(timeout=20)
    text = log.read_text()
    assert PHONE not in text
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    access = {
        line.get("request_id"): line["event"]
        for line in lines
        if line.get("logger") == "uvicorn.access" and "/healthz" in line["event"]
    }
    assert set(access) == {f"r-{i}" for i in range(REQUESTS)}, text[-2000:]
    assert all('"GET /healthz HTTP/1.1" 200' in event for event in access.values())


def test_serve_without_access_log_prints_no_access_lines(tmp_path: Path) -> None:
    """`--no-access-log` (as the benchmarks serve) is kept although the app installs its JSON
    logging after uvicorn configured its loggers; without the flag each request is a line."""
    lines = {}
    for flag in ("--access-log", "--no-access-log"):
        port, log = free_port(), tmp_path / f"server{flag}.log"
        env = {
            **os.environ,
            "POINTSBANK_DATABASE_URL": f"sqlite:///{tmp_path / 'pointsbank.sqlite3'}",
            "POINTSBANK_PORT": str(port),
        }
        command = [str(Path(sys.executable).parent / "pointsbank"), "serve", flag]
        with log.open("w") as out:
            server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
            try:
                _wait_ready(f"http://127.0.0.1:{port}")
                httpx.get(f"http://127.0.0.1:{port}/healthz")
            finally:
                server.terminate()
                server.wait(timeout=20)
        lines[flag] = [line for line in log.read_text().splitlines() if "GET /healthz" in line]
    assert len(lines["--access-log"]) == 1
    assert lines["--no-access-log"] == []
