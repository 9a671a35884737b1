"""The auditor's HTTP API and the `pointsbank audit` commands, end to end on both stores."""

from __future__ import annotations

import json
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from api.services import Services
from pointsbank.exports import verify_export
from tests.conftest import event_count
from tests.integration.tamper import Attacker
from tests.street import Street, build_street

WRITE_METHODS = ("post", "put", "patch", "delete")


def test_the_auditor_can_change_nothing_anywhere(client: TestClient, services: Services) -> None:
    street = build_street(client, services)
    resident = street.enrol()
    spec = client.get("/openapi.json").json()
    before = event_count(services), services.queries.resident(uuid.UUID(resident))
    writes = [
        (method, path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in WRITE_METHODS and not path.startswith("/account/")  # own password, tokens
    ]
    assert len(writes) >= 8
    for method, path in writes:
        concrete = path.replace("{resident_id}", resident)
        concrete = concrete.format_map(_AnyId())
        response = street.call(method.upper(), concrete, "auditor", json={})
        assert response.status_code == 403, (method, path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (event_count(services), services.queries.resident(uuid.UUID(resident))) == before


class _AnyId(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return str(uuid.uuid4())


def test_every_audit_endpoint_only_reads_and_only_for_auditors(
    client: TestClient, services: Services
) -> None:
    street = build_street(client, services)
    resident = street.enrol()
    services.chain.catch_up()  # the follower chains in the background: don't race it
    audit_paths = [p for p in client.get("/openapi.json").json()["paths"] if p.startswith("/audit")]
    assert len(audit_paths) >= 9
    for path in audit_paths:
        concrete = path.replace("{resident_id}", resident).replace("{position}", "1")
        concrete = concrete.replace("{actor_id}", "x")
        query = "?since=2026-01-01&until=2026-12-31" if "activity" in path else ""
        query = "?year=2026" if path.endswith("/rankings") else query
        assert street.call("GET", concrete + query, "auditor").status_code == 200, path
        assert street.call("GET", concrete + query, "staff_a").status_code == 403, path
        for method in ("POST", "PUT", "DELETE"):
            assert street.call(method, concrete, "admin", json={}).status_code == 405, path


def test_an_auditor_follows_the_history_over_http(client: TestClient, services: Services) -> None:
    street = build_street(client, services)
    resident = street.enrol()
    first = street.award(resident, quantity=1)
    street.award(resident, quantity=2)
    services.chain.catch_up()
    verified = street.ok("GET", "/audit/verify", "auditor")
    assert verified["chain_ok"] and verified["unchained"] == 0
    assert not verified["ok"] and verified["signatures"] == "unchecked"  # no key configured
    head = street.ok("GET", "/audit/chain", "auditor")
    assert head["position"] == verified["head_position"]
    awards = _activity(street, services)
    assert [e["event"] for e in awards][-2:] == ["Resident.PointsAwarded"] * 2
    at_first = awards[-2]["position"]
    then = street.ok("GET", f"/audit/residents/{resident}/statement?position={at_first}", "auditor")
    assert then["balance"] == first["balance"] == 10 and len(then["entries"]) == 1
    assert street.balance(resident) == 30
    lines = client.get("/audit/export", headers=_bearer(street, "auditor")).text.splitlines()
    assert verify_export(lines, None).ok
    assert street.ok("GET", "/audit/replay", "auditor")["ok"]


def _activity(street: Street, services: Services) -> list[dict[str, object]]:
    staff = services.accounts.authenticate(street.tokens["staff_a"])
    assert staff is not None
    since, until = date.today() - timedelta(days=1), date.today() + timedelta(days=1)
    url = f"/audit/actors/{staff.user_id}/activity?since={since}&until={until}"
    events: list[dict[str, object]] = street.ok("GET", url, "auditor")["events"]
    assert {e["actor_role"] for e in events} == {"staff"}
    return events


def _bearer(street: Street, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {street.tokens[who]}"}


def test_the_audit_commands_sign_verify_export_and_replay(
    client: TestClient, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    street = build_street(client, services)
    street.award(street.enrol())
    key, exported = tmp_path / "key.pem", tmp_path / "export.jsonl"
    monkeypatch.setenv("POINTSBANK_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("POINTSBANK_SIGNING_KEY", str(key))
    runner = CliRunner()
    made = runner.invoke(cli, ["audit", "keygen", "--out", str(key)])
    public = made.output.split("publish this): ")[1].strip()
    signed = runner.invoke(cli, ["audit", "sign"])
    assert signed.exit_code == 0, signed.output
    assert json.loads(signed.output)["public_key"] == public
    assert runner.invoke(cli, ["audit", "verify"]).exit_code == 0
    assert runner.invoke(cli, ["audit", "export", "--out", str(exported)]).exit_code == 0
    check = runner.invoke(cli, ["audit", "verify-export", str(exported), "--public-key", public])
    assert check.exit_code == 0 and "anchored by signed digests at" in check.output
    text = exported.read_text()
    exported.write_text(text.replace('"originator_version": 1', '"originator_version": 2', 1))
    assert runner.invoke(cli, ["audit", "verify-export", str(exported)]).exit_code == 1
    replayed = runner.invoke(cli, ["audit", "replay"])
    assert replayed.exit_code == 0 and "0 differing" in replayed.output, replayed.output
    Attacker(services).delete(3)
    failed = runner.invoke(cli, ["audit", "verify"])
    assert failed.exit_code == 1 and "FAILED at position 3" in failed.output


def test_the_server_keeps_the_chain_current_in_the_background(
    client: TestClient, services: Services
) -> None:
    street = build_street(client, services)
    street.award(street.enrol())
    end = services.bank.recorder.max_notification_id()
    deadline = time.monotonic() + 10
    while services.chain.position() < (end or 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert services.chain.position() == end


def test_rankings_as_of_a_position_or_a_moment_replay_the_log(
    client: TestClient, services: Services
) -> None:
    street = build_street(client, services)
    first, second = street.enrol(), street.enrol(name="张伟")
    community = street.communities["a"]
    street.award(first, occurred_on=date(2025, 3, 1), quantity=2)
    position = int(street.ok("GET", "/readyz", "auditor")["projected_position"])
    moment = services.now().isoformat()
    time.sleep(0.01)
    street.award(second, occurred_on=date(2025, 4, 1), quantity=3)
    street.award(first, occurred_on=date(2026, 1, 5), quantity=5)  # another year
    query = f"/audit/rankings?year=2025&community_id={community}"

    def ranked(extra: str) -> list[tuple[str, int, int]]:
        body = street.ok("GET", query + extra, "auditor")
        return [(r["resident_id"], int(r["points"]), r["rank"]) for r in body["residents"]]

    assert ranked(f"&position={position}") == [(first, 20, 1)]
    assert ranked(f"&at={moment.replace('+00:00', 'Z')}") == [(first, 20, 1)]
    assert ranked("") == [(second, 30, 1), (first, 20, 2)]
    live = street.ok("GET", f"/rankings/residents?year=2025&community_id={community}", "auditor")
    assert [(r["resident_id"], int(r["points"])) for r in live["rows"]] == [
        (second, 30),
        (first, 20),
    ]
    assert street.call("GET", query, "staff_a").status_code == 403
