"""The command write path on both stores: awards over 8 threads, each answered as a request is
(decide, save under its idempotency key; no projecting: a later read carrying the position
waits for that), spread over many residents and all on one resident (every save meets a rival
unless the per-aggregate locks serialise them); and the same spread awards once every
resident's history has grown (P1: the rate must not fall as histories grow). Prints figures;
asserts nothing.

Run: .venv/bin/python -m benchmarks.bench_commands [--awards N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from api.services import Services, open_services
from benchmarks.bench_ledger import STAFF, TODAY, cmd, prepare
from pointsbank.settings import Settings
from tests.pgserver import start_postgres

if TYPE_CHECKING:
    from benchmarks.run import Bench, Figure

HISTORIES = (0, 300, 1000)


def answer_award(services: Services, resident: UUID) -> None:
    services.bank.award(cmd(STAFF), resident, "VOL", 1, TODAY, "")


def per_second(services: Services, residents: list[UUID], awards: int) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(
            pool.map(lambda i: answer_award(services, residents[i % len(residents)]), range(awards))
        )
    return awards / (time.perf_counter() - started)


def run(label: str, url: str, awards: int) -> None:
    services = open_services(Settings(database_url=url, inprocess_projector=True))
    try:
        residents = prepare(services, 64)
        services.projector.catch_up()
        spread = per_second(services, residents, awards)
        contended = per_second(services, residents[:1], awards)
        print(
            f"{label:10} awards/s, 8 threads: 64 residents {spread:6.0f} | "
            f"one resident {contended:6.0f}"
        )
    finally:
        services.close()


def by_history(url: str, residents: int = 16, awards: int = 400) -> dict[int, float]:
    """Awards/s over 8 threads while every resident has 0, 300, then 1,000 entries."""
    services = open_services(Settings(database_url=url, inprocess_projector=False))
    try:
        spread = prepare(services, residents)
        rates, grown = {}, 0
        for history in HISTORIES:
            per_second(services, spread, (history - grown) * residents)
            rates[history] = per_second(services, spread, awards)
            grown = history + awards // residents
        return rates
    finally:
        services.close()


def measure_history(bench: Bench) -> list[Figure]:
    from benchmarks.run import at_least

    # A fresh database each run: the bench's cluster is kept, with what earlier runs left in it.
    name = f"p1_histories_{uuid4().hex[:8]}"
    try:
        rates = by_history(bench.server.create_database(name))
    finally:
        bench.server.drop_database(name)
    longest = max(HISTORIES)
    return [
        at_least("P1", f"awards/s at {longest:,}-entry histories", rates[longest], "/s",
                 "no history", rates[0], 0.8)
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--awards", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.awards)
    with start_postgres() as server:
        run("postgresql", server.create_database("bench"), args.awards)
        for history, rate in by_history(server.create_database("histories")).items():
            print(f"postgresql awards/s, 8 threads, {history:5d}-entry histories {rate:6.0f}")


if __name__ == "__main__":
    main()
