"""The HTTP stack on its own: the empty endpoint and one authenticated GET, keep-alive, with one
and two server processes, for each way of serving (issue 14, point 4).

`plain uvicorn` is how the product was served before: `python -m uvicorn --workers N` on
asyncio and h11, whose multi-worker listener left Nagle on before uvicorn 0.55 (issue #3149).
`pointsbank serve` is how it is served now (uvloop, httptools). `--tree` runs the servers from
another checkout (e.g. `git archive main`), so that code before and after a change is measured
in one run on one machine.

Run: .venv/bin/python -m benchmarks.bench_http_stack [--tree /tmp/before] [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from api.services import open_services
from benchmarks.http_load import Load, load, serving
from pointsbank.domain.common import Role
from pointsbank.settings import Settings
from tests.pgserver import start_postgres

CONNECTIONS = 32
STYLES = {
    "plain uvicorn": [
        sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app",
        "--loop", "asyncio", "--http", "h11", "--log-level", "warning", "--no-access-log",
    ],
    "pointsbank serve": [
        sys.executable, "-c", "from api.cli import main; main()", "serve", "--no-access-log",
    ],
}  # fmt: skip


@dataclass(frozen=True)
class Measured:
    style: str
    workers: int
    endpoint: str
    load: Load

    def line(self) -> str:
        f = self.load
        return (
            f"{self.style:<18} {self.workers:>2} worker(s) {self.endpoint:<18} "
            f"{f.rate:>8,.0f} req/s  p50 {f.percentile(50):6.2f} ms  "
            f"p99 {f.percentile(99):6.2f} ms  errors {f.errors}"
        )


def prepare(url: str) -> str:
    """Migrate the database and give an administrator a token; returns the token."""
    services = open_services(Settings(database_url=url, inprocess_projector=False))
    try:
        return services.accounts.issue("bench.admin", Role.ADMIN, datetime.now(UTC)).token
    finally:
        services.close()


def auth_steps(url: str, token: str, rounds: int = 2000) -> dict[str, float]:
    """Microseconds per step of authenticating, in one process: the change count read on every
    request now, against the token lookup and account load every request made before."""
    services = open_services(Settings(database_url=url, inprocess_projector=False))
    accounts = services.accounts
    found = accounts.tokens.lookup(token)
    assert found is not None
    steps: dict[str, Callable[[], object]] = {
        "change count (now, per request)": accounts.changes.count,
        "token lookup (before)": lambda: accounts.tokens.lookup(token),
        "account load (before)": lambda: accounts.find(found[0]),
        "cached authentication (now)": lambda: services.signed_in.by_token(token, services.now()),
    }
    try:
        out = {}
        for name, step in steps.items():
            started = time.perf_counter()
            for _ in range(rounds):
                step()
            out[name] = (time.perf_counter() - started) / rounds * 1e6
        return out
    finally:
        services.close()


def measure(
    url: str,
    token: str,
    tree: Path | None,
    seconds: float,
    styles: list[str],
    workers: tuple[int, ...] = (1, 2),
) -> list[Measured]:
    env = {"POINTSBANK_DATABASE_URL": url}
    if tree is not None:
        env["PYTHONPATH"] = f"{tree}{os.pathsep}{tree / 'src'}"
    endpoints = {
        "empty (/healthz)": ({}, "/healthz"),
        "auth GET (/communities)": ({"Authorization": f"Bearer {token}"}, "/communities"),
    }
    out = []
    for style in styles:
        command = STYLES[style]
        for n in workers:
            with serving(env, n, command=command, cwd=tree) as base:
                for name, (headers, path) in endpoints.items():
                    load(base, [path] * 300, CONNECTIONS, headers, seconds=1)  # warm up
                    figures = load(base, [path] * 100_000, CONNECTIONS, headers, seconds)
                    out.append(Measured(style, n, name.split(" (")[0], figures))
                    print(out[-1].line(), flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", type=Path, default=None, help="serve the code of this tree")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--style", action="append", choices=sorted(STYLES), help="(repeatable)")
    args = parser.parse_args()
    server = start_postgres()
    try:
        url = server.create_database("http_stack")
        token = prepare(url)
        print(f"{CONNECTIONS} keep-alive connections, {args.seconds:.0f} s each, PostgreSQL; "
              f"code of {args.tree or 'this tree'}")  # fmt: skip
        if args.tree is None:
            for name, micros in auth_steps(url, token).items():
                print(f"{name:<34} {micros:8.1f} µs")
        measure(url, token, args.tree, args.seconds, args.style or list(STYLES))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
