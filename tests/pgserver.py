"""Throwaway PostgreSQL server for the test suite.

``start_postgres()`` creates a fresh cluster in a temporary directory, starts it
on a free loopback port and returns a ``PostgresServer`` handle. The server is
stopped (and its directory removed) by ``PostgresServer.stop()`` or, failing
that, at interpreter exit. Durability is switched off because test data is
disposable.

PostgreSQL refuses to run as root, so when we are root every server binary is
run as the ``postgres`` system user via ``runuser``.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

__all__ = ["PostgresServer", "start_postgres", "start_replica"]

_PG_USER = "postgres"
_INSTALL_HINT = (
    "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. "
    "Run the tests via `make test` or install them with scripts/ensure-postgres.sh."
)


def _find_bindir() -> Path:
    candidates = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    if not candidates:
        raise RuntimeError(_INSTALL_HINT)

    def version_key(bindir: Path) -> tuple[int, ...]:
        parts = bindir.parent.name.split(".")
        return tuple(int(p) if p.isdigit() else -1 for p in parts)

    return max(candidates, key=version_key)


def _as_pg_user(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", _PG_USER, "--", *args]
    return args


def _run(args: list[str], cwd: Path) -> None:
    # cwd must be readable by the postgres user (root's cwd often is not).
    proc = subprocess.run(_as_pg_user(args), cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"command failed ({proc.returncode}): {' '.join(args)}\n{proc.stdout}{proc.stderr}"
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class PostgresServer:
    """A running throwaway PostgreSQL cluster; call ``stop()`` when done."""

    url: str

    def __init__(self, bindir: Path, basedir: Path, port: int, keep: bool = False) -> None:
        self._keep = keep  # a kept cluster stops cleanly and keeps its files (benchmark data)
        self._bindir = bindir
        self._basedir = basedir
        self._datadir = basedir / "data"
        self.log_path = basedir / "postgres.log"  # the server's log, for tests that read it
        self.port = port
        self.url = self._url_for("postgres")
        self._stopped = False

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory (tests read relation files from it)."""
        return self._datadir

    def _url_for(self, dbname: str) -> str:
        return f"postgresql://{_PG_USER}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """Create database ``name`` and return its connection URL."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self._url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` if it exists (a kept cluster keeps what a run left)."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    def stop(self) -> None:
        """Stop the server and delete its files. Safe to call more than once."""
        if self._stopped:
            return
        self._stopped = True
        atexit.unregister(self.stop)
        try:
            if (self._datadir / "postmaster.pid").exists():
                _run(
                    [
                        str(self._bindir / "pg_ctl"),
                        "-D",
                        str(self._datadir),
                        "-m",
                        "fast" if self._keep else "immediate",
                        "-w",
                        "stop",
                    ],
                    cwd=self._basedir,
                )
        finally:
            if not self._keep:
                shutil.rmtree(self._basedir, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _wait_until_ready(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(url, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _new_basedir() -> Path:
    basedir = Path(tempfile.mkdtemp(prefix="pgserver-"))
    if os.geteuid() == 0:
        pw = pwd.getpwnam(_PG_USER)
        os.chown(basedir, pw.pw_uid, pw.pw_gid)
    return basedir


def _kept_basedir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        pw = pwd.getpwnam(_PG_USER)
        os.chown(path, pw.pw_uid, pw.pw_gid)
    return path.resolve()


def _options(port: int, basedir: Path) -> str:
    return (
        f"-p {port} -k {basedir} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    )


def _pg_start(server: PostgresServer) -> None:
    try:
        _run(
            [
                str(server._bindir / "pg_ctl"),
                "-w",
                "-D",
                str(server.data_dir),
                "-o",
                _options(server.port, server._basedir),
                "-l",
                str(server.log_path),
                "start",
            ],
            cwd=server._basedir,
        )
    except RuntimeError as exc:
        log = server.log_path.read_text(errors="replace") if server.log_path.exists() else ""
        raise RuntimeError(f"{exc}\n--- server log ---\n{log}") from None
    _wait_until_ready(server.url)


def start_postgres(keep_in: Path | None = None) -> PostgresServer:
    """Initialise and start a fresh cluster; return once it accepts connections.

    With `keep_in`, the cluster lives in that directory and outlives this run: a later call
    starts it again with its data (the benchmarks keep generated data so)."""
    bindir = _find_bindir()
    basedir = _new_basedir() if keep_in is None else _kept_basedir(keep_in)
    server = PostgresServer(bindir, basedir, _free_port(), keep=keep_in is not None)
    atexit.register(server.stop)
    if (server.data_dir / "PG_VERSION").exists():
        _pg_start(server)
        return server
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(server.data_dir),
                "-A",
                "trust",
                "-U",
                _PG_USER,
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            cwd=basedir,
        )
        _pg_start(server)
    except BaseException:
        server.stop()
        raise
    return server


def start_replica(primary: PostgresServer) -> PostgresServer:
    """A hot-standby streaming replica of `primary` (pg_basebackup -R), on its own port.

    Databases created on the primary later appear on it too; it accepts only reads."""
    basedir = _new_basedir()
    replica = PostgresServer(primary._bindir, basedir, _free_port())
    atexit.register(replica.stop)
    try:
        _run(
            [
                str(primary._bindir / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                _PG_USER,
                "-D",
                str(replica.data_dir),
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",  # a spread checkpoint waits minutes on a busy primary
                "--no-sync",
            ],
            cwd=basedir,
        )
        _pg_start(replica)
    except BaseException:
        replica.stop()
        raise
    return replica
