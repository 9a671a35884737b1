"""Where the CPU went during a load: the bench's servers, its projector, PostgreSQL and the
load client, in cores used (CPU seconds over wall seconds), read from /proc.

This is how the bottleneck of P1/P2 is shown rather than guessed: on these 2-core machines the
server processes use nearly all of it while PostgreSQL uses little, so batching commits (group
commit) would not raise the rate; fewer Python instructions per request would.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid → (parent pid, command line, CPU seconds so far)."""
    out = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        out[int(pid)] = (int(fields[1]), command, (int(fields[11]) + int(fields[12])) / TICKS)
    return out


def _seconds(port: int) -> dict[str, float]:
    """CPU seconds of this process, the servers and projector it started (with their worker
    processes), and the PostgreSQL cluster on `port` (its postmaster and the postmaster's
    children): not the machine's other work."""
    processes = _processes()
    postmasters = {
        pid for pid, (_, command, _) in processes.items()
        if "postgres" in command and f"-p {port} " in command
    }  # fmt: skip
    used: defaultdict[str, float] = defaultdict(float)
    for pid, (parent, _, seconds) in processes.items():
        if pid == os.getpid():
            used["load client"] += seconds
        elif pid in postmasters or parent in postmasters:
            used["postgres"] += seconds
        elif (started := _started_here(pid, processes)) is not None:
            kind = "projector" if started.rstrip().endswith(" project") else "servers"
            used[kind] += seconds
    return used


def _started_here(pid: int, processes: dict[int, tuple[int, str, float]]) -> str | None:
    """The command line of the child of this process that `pid` is or descends from."""
    while pid in processes and pid > 1:
        parent, command, _ = processes[pid]
        if parent == os.getpid():
            return command
        pid = parent
    return None


@contextmanager
def cores_used(port: int) -> Iterator[dict[str, float]]:
    """Fills the yielded dict, when the block ends, with the cores each kind of process used
    during it (processes started and ended inside the block are missed: start them before)."""
    out: dict[str, float] = {}
    before, started = _seconds(port), time.monotonic()
    yield out
    after, wall = _seconds(port), time.monotonic() - started
    for kind in sorted(set(after) | set(before)):
        out[kind] = max(0.0, after[kind] - before[kind]) / wall


def describe(cores: dict[str, float]) -> str:
    return "cores: " + ", ".join(f"{kind} {used:.2f}" for kind, used in cores.items())
