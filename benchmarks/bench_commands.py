"""The command write path on both stores: awards over 8 threads, each answered as a request is
(decide, save under its idempotency key; no projecting: a later read carrying the position
waits for that), spread over many residents and all on one resident (every save meets a rival
unless the per-aggregate locks serialise them). Prints figures; asserts nothing.

Run: .venv/bin/python -m benchmarks.bench_commands [--awards N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from api.services import Services, open_services
from benchmarks.bench_ledger import STAFF, TODAY, cmd, prepare
from pointsbank.settings import Settings
from tests.pgserver import start_postgres


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--awards", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.awards)
    with start_postgres() as server:
        run("postgresql", server.create_database("bench"), args.awards)


if __name__ == "__main__":
    main()
