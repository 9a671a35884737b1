"""The audit hash chain: a canonical, documented encoding of each stored event, chained by SHA-256.

Every event of the log, in log order, is linked to its predecessor::

    H_0 = 32 zero bytes
    H_n = SHA-256( b"pointsbank-chain/1"
                   || H_(n-1)                                  (32 raw bytes)
                   || lp(decimal ASCII of the position)
                   || lp(originator id as canonical UUID text: lower-case, hyphenated, 36 chars)
                   || lp(decimal ASCII of the originator version)
                   || lp(topic as UTF-8)
                   || lp(state: the stored bytes exactly as the event store holds them) )

where ``lp(x)`` is the length of ``x`` as an 8-byte unsigned big-endian integer followed by
``x``. The position is the event's place in the log (SQLite ``rowid``, PostgreSQL
``notification_id``); positions increase but may skip numbers. Hashes are written as lower-case
hex. Anyone can recompute the chain from the stored records alone with this definition.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID

DOMAIN_TAG = b"pointsbank-chain/1"
GENESIS = "00" * 32


@dataclass(frozen=True)
class Record:
    """One stored event as the chain sees it: exactly the bytes the event store keeps."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes

    @classmethod
    def of(cls, notification: Any) -> Record:
        """From an `eventsourcing` Notification (originator id as UUID or hex text)."""
        return cls(
            position=int(notification.id),
            originator_id=canonical_uuid(notification.originator_id),
            originator_version=int(notification.originator_version),
            topic=str(notification.topic),
            state=bytes(notification.state),
        )


def canonical_uuid(value: object) -> str:
    return str(value if isinstance(value, UUID) else UUID(str(value)))


def _lp(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def link(previous: str, record: Record) -> str:
    """H_n from H_(n-1) (hex) and the n-th record; returns hex."""
    digest = hashlib.sha256(DOMAIN_TAG)
    digest.update(bytes.fromhex(previous))
    digest.update(_lp(str(record.position).encode()))
    digest.update(_lp(record.originator_id.encode()))
    digest.update(_lp(str(record.originator_version).encode()))
    digest.update(_lp(record.topic.encode()))
    digest.update(_lp(record.state))
    return digest.hexdigest()
