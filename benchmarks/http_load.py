"""A real server on loopback and a small keep-alive HTTP/1.1 load client for the benchmarks.

The client is plain asyncio (one coroutine per connection, requests one after another on each),
so that on a 2-core machine it costs the server as little CPU as a client can; every run is
bounded by a request count and a time limit.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    latencies: list[float]  # seconds, sorted
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency at percentile `p` (0-100), in milliseconds."""
        if not self.latencies:
            return float("nan")
        index = min(len(self.latencies) - 1, int(len(self.latencies) * p / 100))
        return self.latencies[index] * 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# As production serves it (uvloop, httptools, TCP_NODELAY kept with several workers).
SERVE = [sys.executable, "-c", "from api.cli import main; main()", "serve", "--no-access-log"]


@contextmanager
def serving(
    env: dict[str, str],
    workers: int | None = None,
    command: Sequence[str] = SERVE,
    cwd: Path | None = None,
    projector: bool = False,
) -> Iterator[str]:
    """`pointsbank serve` (or `command`, which gets --host, --port and --workers) on a free
    loopback port; yields the base URL. Every bench's server runs BENCH_WORKERS processes
    (default 2, one per core of these machines) unless told otherwise, so that targets and the
    empty endpoint compare alike. With `projector`, as production runs it: the servers do not
    project, a `pointsbank project` process beside them does."""
    port = _free_port()
    workers = workers or int(os.environ.get("BENCH_WORKERS", "2"))
    where = ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    env = {**os.environ, **env}
    if projector:
        env["POINTSBANK_INPROCESS_PROJECTOR"] = "false"
    process = subprocess.Popen([*command, *where], env=env, cwd=cwd)
    follower = subprocess.Popen([*SERVE[:3], "project"], env=env, cwd=cwd) if projector else None
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield base
    finally:
        for running in (process, follower):
            if running is not None:
                running.terminate()
                running.wait(timeout=20)


def _request(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _connection(
    base: str, paths: Sequence[str], headers: dict[str, str], stop: float, out: list[float]
) -> int:
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    errors = 0
    try:
        for path in paths:
            if time.monotonic() > stop:
                break
            started = time.perf_counter()
            writer.write(_request(path, headers))
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            out.append(time.perf_counter() - started)
            errors += not head.startswith(b"HTTP/1.1 200")
    finally:
        writer.close()
    return errors


def load(
    base: str,
    paths: Sequence[str],
    connections: int,
    headers: dict[str, str] | None = None,
    seconds: float = 5.0,
) -> Load:
    """Send `paths` (shared round-robin) over `connections` keep-alive connections."""

    async def run() -> Load:
        latencies: list[float] = []
        stop = time.monotonic() + seconds
        shares = [paths[i::connections] for i in range(connections)]
        started = time.perf_counter()
        errors = await asyncio.gather(
            *(_connection(base, share, headers or {}, stop, latencies) for share in shares)
        )
        elapsed = time.perf_counter() - started
        return Load(len(latencies), elapsed, sorted(latencies), sum(errors))

    return asyncio.run(run())


@dataclass(frozen=True)
class Post:
    path: str
    body: bytes
    key: str  # the Idempotency-Key


@dataclass(frozen=True)
class Posted:
    """A write load: its latencies, and each request's key with the status it got."""

    load: Load
    statuses: dict[str, int]

    def count(self, *statuses: int) -> int:
        return sum(s in statuses for s in self.statuses.values())


def _post_request(post: Post, headers: dict[str, str]) -> bytes:
    lines = [
        f"POST {post.path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
        f"Content-Length: {len(post.body)}", f"Idempotency-Key: {post.key}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]  # fmt: skip
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + post.body


async def _post_connection(
    base: str, posts: Sequence[Post], headers: dict[str, str], stop: float,
    out: list[float], statuses: dict[str, int],
) -> None:  # fmt: skip
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        for post in posts:
            if time.monotonic() > stop:
                break
            started = time.perf_counter()
            writer.write(_post_request(post, headers))
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            out.append(time.perf_counter() - started)
            statuses[post.key] = int(head.split(b" ", 2)[1])
    finally:
        writer.close()


def post_load(
    base: str,
    posts: Sequence[Post],
    connections: int,
    headers: dict[str, str] | None = None,
    seconds: float = 10.0,
) -> Posted:
    """Send `posts` (each once, shared round-robin) over `connections` keep-alive connections."""

    async def run() -> Posted:
        latencies: list[float] = []
        statuses: dict[str, int] = {}
        stop = time.monotonic() + seconds
        shares = [posts[i::connections] for i in range(connections)]
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _post_connection(base, share, headers or {}, stop, latencies, statuses)
                for share in shares
            )
        )
        elapsed = time.perf_counter() - started
        errors = sum(s >= 500 for s in statuses.values())
        return Posted(Load(len(latencies), elapsed, sorted(latencies), errors), statuses)

    return asyncio.run(run())
