"""Long page work (a replay, a full verification) run in a thread while the page polls for it
with htmx; each job is kept in this server process until it is read after finishing."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_JOBS = 20


@dataclass
class Job:
    kind: str
    started: float = field(default_factory=time.monotonic)
    result: dict[str, Any] | None = None
    failure: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def seconds(self) -> int:
        return int(time.monotonic() - self.started)


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, kind: str, work: Callable[[], dict[str, Any]]) -> str:
        job_id = uuid.uuid4().hex
        job = Job(kind)

        def run() -> None:
            try:
                job.result = work()
            except Exception as exc:  # the page shows the failure; the server keeps running
                job.failure = type(exc).__name__
            finally:
                job.done.set()

        with self._lock:
            if len(self._jobs) >= MAX_JOBS:  # forget the oldest finished job
                finished = [k for k, j in self._jobs.items() if j.done.is_set()]
                for key in finished[: len(self._jobs) - MAX_JOBS + 1]:
                    del self._jobs[key]
            self._jobs[job_id] = job
        threading.Thread(target=run, name=f"page-job-{kind}", daemon=True).start()
        return job_id

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)
