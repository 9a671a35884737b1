"""The auditor's operations shared by the command line and the HTTP API."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from api.services import Services
from pointsbank.digests import SignedDigest, load_key, public_hex, sign
from pointsbank.domain.common import Conflict, DomainError
from pointsbank.settings import Settings
from projections.chain import Verification, store_digest, verify


def trusted_key(settings: Settings, given: str | None = None) -> str | None:
    """The street's published public key: given, configured, or the signing key's own."""
    if given:
        return given.strip().lower()
    if settings.audit_public_key:
        return settings.audit_public_key.strip().lower()
    if settings.signing_key and Path(settings.signing_key).exists():
        return public_hex(load_key(Path(settings.signing_key)))
    return None


def verify_all(
    services: Services, published: Sequence[SignedDigest] = (), public_key: str | None = None
) -> Verification:
    key = trusted_key(services.settings, public_key)
    return verify(services.bank, services.db, key, published)


def sign_head(services: Services, position: int | None = None) -> SignedDigest:
    """Chain the log, verify it from the start, then sign and store the head at `position`."""
    settings = services.settings
    if not settings.signing_key or not Path(settings.signing_key).exists():
        raise DomainError(
            "invalid-command.no-signing-key"
        )
    services.chain.catch_up()
    checked = verify_all(services)
    if not checked.ok:
        raise Conflict(
            "conflict.chain-broken",
            {"position": checked.failed_position, "failure": checked.failure},
        )
    position = checked.head_position if position is None else position
    head = services.chain.hash_at(position)
    if head is None or position > checked.head_position:
        raise DomainError("invalid-command.position-not-chained", {"position": position})
    key = load_key(Path(settings.signing_key))
    digest = sign(key, settings.street_name, position, head, services.now().isoformat())
    store_digest(services.db, digest)
    return digest
