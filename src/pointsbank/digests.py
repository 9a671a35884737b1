"""Signed digests: the chain's head at a position, signed with the street's Ed25519 key.

The street publishes its public key; a digest proves that the log up to `position` hashed to
`head` when it was signed. The signed message is the canonical JSON (sorted keys, no spaces,
UTF-8) of ``{"format", "street", "position", "head", "signed_at"}``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "pointsbank-digest/1"
NO_TRUSTED_KEY = (
    "未配置公钥，无法验签 no public key configured, so no signature was checked: set "
    "POINTSBANK_AUDIT_PUBLIC_KEY or pass --public-key (--unsigned checks the chain only)"
)
UNSIGNED_WARNING = (
    "未验签 UNSIGNED CHECK: signatures were NOT checked; this shows only that the records and "
    "their chain agree with each other, not that they are what the street signed"
)


def unanchored(anchored: int, head: int | None) -> str:
    """Why a chain up to `head` is not proven by a signed digest (anchored up to `anchored`)."""
    if not anchored:
        return (
            f"未锚定 UNANCHORED: no signed digest anchors the chain (head at {head}); "
            "sign the head with `pointsbank audit sign`"
        )
    return (
        f"未锚定 UNANCHORED: signed digests anchor the chain only up to position {anchored}, "
        f"not its head at {head}"
    )


@dataclass(frozen=True)
class SignedDigest:
    street: str
    position: int
    head: str
    signed_at: str
    public_key: str
    signature: str

    def message(self) -> bytes:
        return canonical_message(self.street, self.position, self.head, self.signed_at)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignedDigest:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} digest")
        return cls(
            street=str(data["street"]),
            position=int(data["position"]),
            head=str(data["head"]),
            signed_at=str(data["signed_at"]),
            public_key=str(data["public_key"]),
            signature=str(data["signature"]),
        )


def canonical_message(street: str, position: int, head: str, signed_at: str) -> bytes:
    body = {
        "format": FORMAT,
        "street": street,
        "position": position,
        "head": head,
        "signed_at": signed_at,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def generate_key(path: Path) -> str:
    """Write a new private key (PEM, readable by its owner only); returns the public key hex."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return public_hex(key)


def load_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def public_hex(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def sign(key: Ed25519PrivateKey, street: str, position: int, head: str, at: str) -> SignedDigest:
    signature = key.sign(canonical_message(street, position, head, at)).hex()
    return SignedDigest(street, position, head, at, public_hex(key), signature)


def signature_problem(digest: SignedDigest, trusted_key: str | None) -> str | None:
    """Why the digest cannot be trusted, or None when its signature holds under the street's key."""
    if trusted_key is not None and digest.public_key.lower() != trusted_key.lower():
        return "签名密钥不是街道公布的公钥 signed by a key that is not the street's published key"
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(digest.public_key))
        public.verify(bytes.fromhex(digest.signature), digest.message())
    except (ValueError, InvalidSignature):
        return "签名无效 the signature does not match the digest"
    return None
