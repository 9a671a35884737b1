"""Keeps the audit hash chain current as the log grows, and verifies the log against it.

The chain (`audit_chain`) is evidence, not a view: no rebuild ever empties it. Its follower is
tracked like a projection (row `audit_chain` of `projection_tracking`) and chains each batch in
one transaction. `verify` recomputes every hash from the stored records alone (see
`pointsbank.chain` for the encoding), compares it with the stored chain and checks the signed
digests, and names the first position that fails. It trusts nothing by default:
`Verification.verified` needs the street's published key and a signed digest that holds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pointsbank.application import PointsBank
from pointsbank.chain import GENESIS, Record, link
from pointsbank.db import Database
from pointsbank.digests import NO_TRUSTED_KEY, SignedDigest, signature_problem, unanchored
from projections.projector import tracked_position

TRACKING_NAME = "audit_chain"
PAGE = 1000


def log_records(
    bank: PointsBank, after: int | None = None, stop: int | None = None, page: int = PAGE
) -> Iterator[Record]:
    """Every stored event after `after` (all of them when None), in log order, page by page."""
    start = after
    while True:
        batch = bank.recorder.select_notifications(
            start=start, limit=page, stop=stop, inclusive_of_start=False
        )
        for notification in batch:
            yield Record.of(notification)
        if len(batch) < page:
            return
        start = batch[-1].id


def chain_rows(
    db: Database, after: int = -(2**62), stop: int = 2**62, page: int = PAGE
) -> Iterator[tuple[int, str]]:
    while True:
        rows = db.query(
            "SELECT position, hash FROM audit_chain WHERE position > ? AND position <= ? "
            "ORDER BY position LIMIT ?",
            (after, stop, page),
        )
        for row in rows:
            yield int(row["position"]), str(row["hash"])
        if len(rows) < page:
            return
        after = int(rows[-1]["position"])


class ChainFollower:
    def __init__(self, bank: PointsBank, db: Database, batch_size: int = 1000) -> None:
        self.bank = bank
        self.db = db
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def position(self) -> int:
        return tracked_position(self.db, TRACKING_NAME)

    def hash_at(self, position: int) -> str | None:
        if position == 0:
            return GENESIS
        row = self.db.query_one("SELECT hash FROM audit_chain WHERE position = ?", (position,))
        return str(row["hash"]) if row else None

    def hash_before(self, position: int) -> str:
        row = self.db.query_one(
            "SELECT hash FROM audit_chain WHERE position < ? ORDER BY position DESC LIMIT 1",
            (position,),
        )
        return str(row["hash"]) if row else GENESIS

    def head(self) -> tuple[int, str]:
        position = self.position()
        return position, self.hash_at(position) or GENESIS

    def run_once(self) -> int:
        """Chain the next batch; returns how many events it chained (0 when none or raced)."""
        start = self.position()
        notifications = self.bank.recorder.select_notifications(
            start=start + 1, limit=self.batch_size
        )
        previous = self.hash_at(start)
        if not notifications or previous is None:
            return 0
        rows = []
        for notification in notifications:
            record = Record.of(notification)
            previous = link(previous, record)
            rows.append((record.position, previous))
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE projection_tracking SET position = ? WHERE name = ? AND position = ?",
                (rows[-1][0], TRACKING_NAME, start),
            )
            if cur.rowcount != 1:
                return 0
            cur.executemany("INSERT INTO audit_chain (position, hash) VALUES (?, ?)", rows)
        return len(rows)

    def catch_up(self) -> int:
        with self._lock:
            while self.run_once():
                pass
            return self.position()


def store_digest(db: Database, digest: SignedDigest) -> None:
    db.execute(
        "INSERT INTO audit_digests (signature, position, head, street, signed_at, public_key) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (signature) DO NOTHING",
        (
            digest.signature,
            digest.position,
            digest.head,
            digest.street,
            digest.signed_at,
            digest.public_key,
        ),
    )


def stored_digests(db: Database) -> list[SignedDigest]:
    rows = db.query(
        "SELECT street, position, head, signed_at, public_key, signature FROM audit_digests "
        "ORDER BY position, signed_at"
    )
    return [SignedDigest(**row) for row in rows]


def chained_after(db: Database, position: int) -> int:
    """How many chained events come after `position` (those no digest at it anchors)."""
    row = db.query_one("SELECT count(*) AS n FROM audit_chain WHERE position > ?", (position,))
    return int(row["n"]) if row else 0


@dataclass
class Verification:
    """What `verify` found: how far it checked, and the first failing position if any."""

    checked: int = 0
    head_position: int = 0
    head: str = GENESIS
    unchained: int = 0
    digests: int = 0
    failed_position: int | None = None
    failure: str | None = None
    notes: list[str] = field(default_factory=list)
    trusted_key: str | None = None
    anchored_position: int = 0
    digest_failed: bool = False

    @property
    def ok(self) -> bool:
        """The log, its chain and every digest agree (not yet that the signer is the street)."""
        return self.failure is None

    @property
    def signatures(self) -> str:
        """`unchecked` (no published key), `failed`, `none` (no digest yet) or `verified`."""
        if self.trusted_key is None:
            return "unchecked"
        if self.digest_failed:
            return "failed"
        return "verified" if self.digests else "none"

    @property
    def trust_problem(self) -> str | None:
        """Why a consistent chain is still not proven to be the street's, or None."""
        if self.trusted_key is None:
            return NO_TRUSTED_KEY
        if self.checked and not self.anchored_position:
            return unanchored(0, self.head_position)
        return None

    @property
    def verified(self) -> bool:
        return self.ok and self.trust_problem is None

    def fail(self, position: int, reason: str) -> None:
        if self.failed_position is None or position < self.failed_position:
            self.failed_position, self.failure = position, reason


def verify(
    bank: PointsBank,
    db: Database,
    trusted_key: str | None,
    published: Sequence[SignedDigest] = (),
) -> Verification:
    """Recompute the chain from the log; check it against the stored chain and every digest.

    Without `trusted_key` each digest is checked against its own key only, and the result says
    its signatures are unchecked.
    """
    result = Verification(trusted_key=trusted_key)
    digests = [*stored_digests(db), *published]
    computed = _walk(bank, db, result, {d.position for d in digests})
    for digest in digests:
        result.digests += 1
        problem = signature_problem(digest, trusted_key)
        if problem is not None:
            result.digest_failed = True
            result.fail(digest.position, f"摘要被拒 digest rejected: {problem}")
        elif computed.get(digest.position) != digest.head:
            result.digest_failed = True
            result.fail(
                digest.position,
                "与签名摘要不符 the log up to here no longer hashes to the signed head",
            )
        elif digest.position <= result.head_position:
            result.anchored_position = max(result.anchored_position, digest.position)
    return result


def _walk(bank: PointsBank, db: Database, result: Verification, wanted: set[int]) -> dict[int, str]:
    log, chain = log_records(bank), chain_rows(db)
    record, row = next(log, None), next(chain, None)
    previous, computed = GENESIS, dict[int, str]()
    while record is not None or row is not None:
        if row is not None and (record is None or row[0] < record.position):
            result.fail(row[0], "日志缺少已入链的事件 a chained event is missing from the log")
            return computed
        assert record is not None
        if row is not None and record.position < row[0]:
            result.fail(record.position, "事件不在链上 an event that is not in the chain")
            return computed
        previous = link(previous, record)
        if record.position in wanted:
            computed[record.position] = previous
        if row is None:
            result.unchained += 1
        elif previous != row[1]:
            result.fail(record.position, "哈希不符 the event was altered, replaced or reordered")
            return computed
        else:
            result.checked += 1
            result.head_position, result.head = row[0], row[1]
            row = next(chain, None)
        record = next(log, None)
    return computed
