"""Settings read once from the environment (prefix POINTSBANK_) and passed in explicitly."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pointsbank.domain.common import Actor, Context


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POINTSBANK_")

    database_url: str = Field(
        default="sqlite:///./var/pointsbank.sqlite3",
        description="sqlite:///path (embedded default) or postgresql://user:pass@host:port/db",
    )
    read_database_url: str | None = Field(
        default=None,
        description="a PostgreSQL streaming replica of the database for queries (commands go "
        "to the primary); a read that must see a write waits for the replica, then the primary",
    )
    read_wait_seconds: float = Field(
        default=0.5,
        description="how long a read waits for the replica to replay a write it must see "
        "before the primary answers it",
    )
    timezone: str = Field(default="Asia/Shanghai", description="the street's time zone")
    street_name: str = "示范街道"
    street_opened_on: date = Field(
        default=date(2020, 1, 1),
        description="the street's first day on the points bank: nothing in its ledger (an "
        "award, a deduction, an enrolment, a household change) may be dated before it",
    )
    inprocess_projector: bool = Field(
        default=True,
        description="run projections inside the server; false when `pointsbank project` runs",
    )
    projector_poll_seconds: float = 0.2
    ready_max_lag_seconds: float = Field(
        default=60.0,
        gt=0,
        description="/readyz fails while the oldest event not yet in the read models is older",
    )
    ready_max_lag_events: int | None = Field(
        default=None, ge=1, description="/readyz fails while more events than this wait"
    )
    metrics_token: str | None = Field(
        default=None,
        description="a secret a scraper sends as `Authorization: Bearer …` to read /metrics; "
        "unset: /metrics answers loopback clients only",
    )
    metrics_dir: str | None = Field(
        default=None,
        validation_alias=AliasChoices("PROMETHEUS_MULTIPROC_DIR", "metrics_dir"),
        description="prometheus-client's multiprocess directory (its own variable, read before "
        "any metric exists): set it, empty, when serving with several workers",
    )
    log_format: Literal["json", "console"] = Field(
        default="json", description="json: one JSON object a line; console: for a terminal"
    )
    signing_key: str | None = Field(
        default=None,
        description="path of the street's Ed25519 private key (PEM) for signed chain digests",
    )
    audit_public_key: str | None = Field(
        default=None,
        description="the street's published Ed25519 public key (hex) digests are checked against; "
        "defaults to the signing key's own",
    )
    https: bool = Field(
        default=False, description="the site is served over HTTPS: session cookies are Secure"
    )
    session_idle_minutes: int = Field(default=60, description="a session ends after this idle")
    session_absolute_hours: int = Field(default=12, description="a session ends this long after")
    sign_in_max_failures: int = Field(
        default=5, description="failed sign-ins for one account within the window before a lock"
    )
    sign_in_max_failures_per_address: int = Field(
        default=20, description="failed sign-ins from one address within the window before a lock"
    )
    sign_in_window_minutes: int = 15
    sign_in_lock_minutes: int = 15
    clock_shift_days: float = Field(
        default=0,
        description="rehearsals and tests only: the server's clock runs this many days ahead, "
        "e.g. to see a public notice period end without waiting; never set in production",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    worker_threads: int = Field(
        default=8,
        ge=1,
        le=1000,
        description="threads each server process runs plain (`def`) routes on: enough to "
        "cover the waits for the database, and no more, for every thread more contends for "
        "Python's lock when it wakes (see the README's Configuration for the figures)",
    )
    db_pool_min_size: int = Field(
        default=1,
        ge=1,
        description="PostgreSQL: connections each server process keeps open for read models, "
        "credentials and registries (as many again to a replica)",
    )
    db_pool_max_size: int = Field(
        default=10, ge=1, description="PostgreSQL: the most of those connections per process"
    )
    event_pool_size: int = Field(
        default=5,
        ge=1,
        description="PostgreSQL: connections each server process keeps open to the event store",
    )
    event_pool_max_overflow: int = Field(
        default=20,
        ge=0,
        description="PostgreSQL: connections the event store may open beyond those under load",
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def context(self, actor: Actor, at: datetime) -> Context:
        """The one way a command's context is made: the street's today in its time zone, and
        the street's first day, so that no entry point can forget either."""
        return Context(actor, at, at.astimezone(self.zone).date(), self.street_opened_on)
