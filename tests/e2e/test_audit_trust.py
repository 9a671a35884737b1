"""The audit tools trust nothing by default: no published key, a foreign key or an unanchored
head is a failure, and `--unsigned` accepts a chain-only check only while saying so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from api.auditing import sign_head
from api.cli import app as cli
from api.services import Services
from pointsbank.digests import generate_key
from tests.street import Street, build_street

runner = CliRunner()


@pytest.fixture
def env(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI on the test's store, with no key configured at all."""
    monkeypatch.setenv("POINTSBANK_DATABASE_URL", services.settings.database_url)
    monkeypatch.delenv("POINTSBANK_SIGNING_KEY", raising=False)
    monkeypatch.delenv("POINTSBANK_AUDIT_PUBLIC_KEY", raising=False)


def _history(client: TestClient, services: Services) -> Street:
    street = build_street(client, services)
    resident = street.enrol()
    street.award(resident)
    street.award(resident, quantity=2)
    services.chain.catch_up()
    return street


def _sign(services: Services, key: Path) -> int:
    """Sign the chain's head with `key` (as whoever holds it); returns the digest's position."""
    services.settings.signing_key = str(key)
    try:
        return sign_head(services).position
    finally:
        services.settings.signing_key = None


def _audit(*args: str) -> Result:
    return runner.invoke(cli, ["audit", *args])


@pytest.mark.usefixtures("env")
def test_verify_without_a_public_key_fails_and_unsigned_says_it_checked_no_signature(
    client: TestClient, services: Services, tmp_path: Path
) -> None:
    _history(client, services)
    public = generate_key(tmp_path / "street.pem")
    _sign(services, tmp_path / "street.pem")

    refused = _audit("verify")
    assert refused.exit_code == 1, refused.output
    assert "NOT VERIFIED" in refused.output and "no public key configured" in refused.output

    chain_only = _audit("verify", "--unsigned")
    assert chain_only.exit_code == 0, chain_only.output
    assert "signatures were NOT checked" in chain_only.output
    assert "signatures unchecked" in chain_only.output

    trusted = _audit("verify", "--public-key", public)
    assert trusted.exit_code == 0, trusted.output
    assert "signatures verified" in trusted.output and "NOT checked" not in trusted.output


@pytest.mark.usefixtures("env")
def test_a_digest_signed_by_another_key_fails_verification(
    client: TestClient, services: Services, tmp_path: Path
) -> None:
    _history(client, services)
    public = generate_key(tmp_path / "street.pem")
    generate_key(tmp_path / "intruder.pem")
    position = _sign(services, tmp_path / "intruder.pem")

    for args in (("verify",), ("verify", "--public-key", public)):
        failed = _audit(*args)
        assert failed.exit_code == 1, (args, failed.output)
    assert f"FAILED at position {position}" in failed.output
    assert "not the street's published key" in failed.output


@pytest.mark.usefixtures("env")
def test_a_chain_that_no_digest_anchors_is_not_verified(
    client: TestClient, services: Services, tmp_path: Path
) -> None:
    _history(client, services)
    public = generate_key(tmp_path / "street.pem")
    unanchored = _audit("verify", "--public-key", public)
    assert unanchored.exit_code == 1 and "UNANCHORED" in unanchored.output, unanchored.output
    assert _audit("verify", "--public-key", public, "--unsigned").exit_code == 0


@pytest.mark.usefixtures("env")
def test_an_export_is_verified_only_with_the_key_and_a_digest_at_its_head(
    client: TestClient, services: Services, tmp_path: Path
) -> None:
    street = _history(client, services)
    public = generate_key(tmp_path / "street.pem")
    anchored = _sign(services, tmp_path / "street.pem")
    street.award(street.enrol())  # events after the digest
    whole, signed = tmp_path / "whole.jsonl", tmp_path / "signed.jsonl"
    assert _audit("export", "--out", str(whole)).exit_code == 0
    assert _audit("export", "--stop", str(anchored), "--out", str(signed)).exit_code == 0

    no_key = _audit("verify-export", str(signed))
    assert no_key.exit_code == 1 and "no public key configured" in no_key.output, no_key.output

    head = _audit("verify-export", str(whole), "--public-key", public)
    assert head.exit_code == 1, head.output
    assert f"UNANCHORED: signed digests anchor the chain only up to position {anchored}" in (
        head.output
    )
    accepted = _audit("verify-export", str(whole), "--public-key", public, "--unsigned")
    assert accepted.exit_code == 0 and "WARNING" in accepted.output, accepted.output

    verified = _audit("verify-export", str(signed), "--public-key", public)
    assert verified.exit_code == 0 and "WARNING" not in verified.output, verified.output
    assert f"anchored by signed digests at: {anchored}" in verified.output

    other = generate_key(tmp_path / "other.pem")
    foreign = _audit("verify-export", str(signed), "--public-key", other)
    assert foreign.exit_code == 1 and "REJECTED" in foreign.output, foreign.output


def test_the_verify_route_reports_unchecked_signatures_as_not_ok(
    client: TestClient, services: Services, tmp_path: Path
) -> None:
    street = _history(client, services)
    public = generate_key(tmp_path / "street.pem")
    _sign(services, tmp_path / "street.pem")

    unchecked = street.ok("GET", "/audit/verify", "auditor")
    assert unchecked["chain_ok"] and not unchecked["ok"], unchecked
    assert unchecked["signatures"] == "unchecked" and unchecked["trust_problem"]

    services.settings.audit_public_key = public
    trusted = street.ok("GET", "/audit/verify", "auditor")
    assert trusted["ok"] and trusted["signatures"] == "verified", trusted
    assert trusted["anchored_position"] == trusted["head_position"] and trusted["unanchored"] == 0

    generate_key(tmp_path / "intruder.pem")
    _sign(services, tmp_path / "intruder.pem")
    forged = street.ok("GET", "/audit/verify", "auditor")
    assert not forged["ok"] and forged["signatures"] == "failed", forged
    assert json.dumps(forged).count("published key") == 1
