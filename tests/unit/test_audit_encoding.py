"""The documented chain encoding and digest format, recomputed independently of the code."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import replace
from pathlib import Path

from pointsbank.chain import GENESIS, Record, link
from pointsbank.digests import generate_key, load_key, sign, signature_problem

RECORD = Record(
    position=7,
    originator_id="0f8fad5b-d9cb-469f-a165-70867728950e",
    originator_version=3,
    topic="pointsbank.domain.resident:Resident.PointsAwarded",
    state='{"points":10,"reason":"扫雪"}'.encode(),
)


def by_hand(previous: str, fields: list[bytes]) -> str:
    data = b"pointsbank-chain/1" + bytes.fromhex(previous)
    for field in fields:
        data += struct.pack(">Q", len(field)) + field
    return hashlib.sha256(data).hexdigest()


def test_the_chain_hash_is_the_documented_encoding() -> None:
    fields = [b"7", RECORD.originator_id.encode(), b"3", RECORD.topic.encode(), RECORD.state]
    first = link(GENESIS, RECORD)
    assert first == by_hand("00" * 32, fields)
    assert link(first, RECORD) == by_hand(first, fields)


def test_every_field_and_the_predecessor_change_the_hash() -> None:
    base = link(GENESIS, RECORD)
    variants = [
        replace(RECORD, position=8),
        replace(RECORD, originator_id="1f8fad5b-d9cb-469f-a165-70867728950e"),
        replace(RECORD, originator_version=4),
        replace(RECORD, topic=RECORD.topic + "x"),
        replace(RECORD, state=RECORD.state + b" "),
    ]
    assert len({link(GENESIS, v) for v in variants} | {base}) == 6
    assert link("11" * 32, RECORD) != base


def test_a_digest_holds_only_under_the_street_key_and_unaltered(tmp_path: Path) -> None:
    public = generate_key(tmp_path / "street.pem")
    digest = sign(load_key(tmp_path / "street.pem"), "示范街道", 7, "ab" * 32, "2026-11-22T00:00")
    assert signature_problem(digest, public) is None
    for altered in (replace(digest, position=8), replace(digest, head="cd" * 32)):
        assert signature_problem(altered, public) is not None
    generate_key(tmp_path / "other.pem")
    forged = sign(load_key(tmp_path / "other.pem"), "示范街道", 7, "ab" * 32, "2026-11-22T00:00")
    assert signature_problem(forged, public) is not None
    assert signature_problem(forged, None) is None
