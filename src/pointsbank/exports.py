"""Verifiable exports: JSON lines of stored events with their chain hashes, checked offline.

A file holds a header line, one line per event (its stored record, base64 state, the chain hash
of its predecessor and its own), and the signed digests that fall in its range. Checking needs
no database: each event's hash is recomputed from its record and its predecessor's hash. In a
contiguous export (a position range) each predecessor hash must also be the previous line's
hash, so nothing can be changed, dropped, inserted or reordered inside the file without
breaking the chain; a digest signed by the street's key at a position in the file anchors
everything up to it. A community export is not contiguous: it proves each included record is
the one whose hash the street's chain holds at that position (compare against a digest or the
street's chain), not that no other event of the community exists.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pointsbank.chain import GENESIS, Record, link
from pointsbank.digests import NO_TRUSTED_KEY, SignedDigest, signature_problem, unanchored

FORMAT = "pointsbank-export/1"
NOT_CONTIGUOUS = (
    "未锚定 UNANCHORED: a community export is not contiguous, so no digest can anchor it; "
    "compare each hash with the street's chain (GET /audit/chain/{position})"
)


def header_line(street: str, start: int, stop: int | None, community: str | None) -> str:
    header = {
        "format": FORMAT,
        "street": street,
        "start": start,
        "stop": stop,
        "community": community,
        "contiguous": community is None,
        "encoding": "see pointsbank.chain: SHA-256 over length-prefixed position, "
        "originator id, version, topic and state, with the predecessor hash",
    }
    return json.dumps(header, ensure_ascii=False)


def event_line(record: Record, previous: str, current: str) -> str:
    return json.dumps(
        {
            "position": record.position,
            "originator_id": record.originator_id,
            "originator_version": record.originator_version,
            "topic": record.topic,
            "state": base64.b64encode(record.state).decode(),
            "prev_hash": previous,
            "hash": current,
        },
        ensure_ascii=False,
    )


def digest_line(digest: SignedDigest) -> str:
    return json.dumps({"digest": digest.to_json()}, ensure_ascii=False)


@dataclass
class ExportCheck:
    """What checking an export proved, or where it failed."""

    events: int = 0
    contiguous: bool = False
    first: int | None = None
    last: int | None = None
    anchored_at: list[int] = field(default_factory=list)
    failure: str | None = None
    failed_position: int | None = None
    notes: list[str] = field(default_factory=list)
    trusted_key: str | None = None

    @property
    def ok(self) -> bool:
        """The file is intact and every digest in it holds (not yet that it is anchored)."""
        return self.failure is None

    @property
    def anchored_to(self) -> int:
        """The last position a signed digest anchors, with everything before it (0 if none)."""
        return max(self.anchored_at, default=0) if self.contiguous else 0

    @property
    def trust_problem(self) -> str | None:
        """Why an intact file is still not proven to be the street's, or None."""
        if self.trusted_key is None:
            return NO_TRUSTED_KEY
        if not self.contiguous:
            return NOT_CONTIGUOUS
        if self.last is None or self.anchored_to < self.last:
            return unanchored(self.anchored_to, self.last)
        return None

    @property
    def verified(self) -> bool:
        """Intact, signed by the street's key, and anchored up to its last event."""
        return self.ok and self.trust_problem is None


def verify_export(lines: Iterable[str], trusted_key: str | None) -> ExportCheck:
    """Check a file; without `trusted_key` digests are checked against their own key only."""
    check = ExportCheck(trusted_key=trusted_key)
    hashes: dict[int, str] = {}
    digests: list[SignedDigest] = []
    try:
        _read(lines, check, hashes, digests)
    except _Failed:
        return check
    except (ValueError, KeyError, TypeError) as exc:
        check.failure = f"文件格式错误 malformed export: {exc}"
        return check
    for digest in digests:
        _check_digest(check, digest, hashes, trusted_key)
        if not check.ok:
            return check
    return check


class _Failed(Exception):
    pass


def _fail(check: ExportCheck, position: int | None, reason: str) -> None:
    check.failure, check.failed_position = reason, position
    raise _Failed


def _read(
    lines: Iterable[str], check: ExportCheck, hashes: dict[int, str], digests: list[SignedDigest]
) -> None:
    iterator = iter(lines)
    header = json.loads(next(iterator))
    if header.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    check.contiguous = bool(header["contiguous"])
    previous: dict[str, Any] | None = None
    for line in iterator:
        if not line.strip():
            continue
        data = json.loads(line)
        if "digest" in data:
            digests.append(SignedDigest.from_json(data["digest"]))
            continue
        _check_event(check, data, previous, int(header["start"]))
        hashes[int(data["position"])] = str(data["hash"])
        previous = data


def _check_event(
    check: ExportCheck, data: dict[str, Any], previous: dict[str, Any] | None, start: int
) -> None:
    record = Record(
        position=int(data["position"]),
        originator_id=str(data["originator_id"]),
        originator_version=int(data["originator_version"]),
        topic=str(data["topic"]),
        state=base64.b64decode(data["state"], validate=True),
    )
    if previous is not None and record.position <= int(previous["position"]):
        _fail(check, record.position, "位置未递增 positions out of order")
    if link(str(data["prev_hash"]), record) != data["hash"]:
        _fail(check, record.position, "哈希不符 the record does not hash to its chain hash")
    if check.contiguous:
        expected = GENESIS if previous is None and start <= 1 else None
        if previous is not None:
            expected = str(previous["hash"])
        if expected is not None and data["prev_hash"] != expected:
            _fail(check, record.position, "链断裂 the chain is broken before this event")
    check.events += 1
    check.first = record.position if check.first is None else check.first
    check.last = record.position


def _check_digest(
    check: ExportCheck, digest: SignedDigest, hashes: dict[int, str], trusted_key: str | None
) -> None:
    problem = signature_problem(digest, trusted_key)
    if problem is not None:
        _fail_soft(check, digest.position, f"摘要被拒 digest rejected: {problem}")
    elif digest.position in hashes:
        if hashes[digest.position] != digest.head:
            _fail_soft(check, digest.position, "摘要与链不符 the signed head differs from the file")
        else:
            check.anchored_at.append(digest.position)
    else:
        check.notes.append(f"digest at {digest.position} has no event in this file")


def _fail_soft(check: ExportCheck, position: int, reason: str) -> None:
    check.failure, check.failed_position = reason, position
