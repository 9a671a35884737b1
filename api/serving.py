"""Runs the app under uvicorn: uvloop and httptools, several workers sharing one listener.

uvicorn before 0.55 bound the listener of `--workers N` with protocol 0, so asyncio left
TCP_NODELAY off on accepted sockets and every keep-alive response after the first waited ~40 ms
for a delayed ACK (uvicorn issue #3149); 0.55 binds it as IPPROTO_TCP, and a test keeps it so.
"""

from __future__ import annotations

import sys

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

APP = "api.app:create_app"


def config(host: str, port: int, workers: int, access_log: bool = True) -> uvicorn.Config:
    return uvicorn.Config(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="auto",  # uvloop when installed (it is a dependency), else asyncio
        http="auto",  # httptools likewise, else h11
        access_log=access_log,
    )


def serve(settings: uvicorn.Config) -> None:
    """Serve until interrupted, as `uvicorn.run` does."""
    server = uvicorn.Server(settings)
    try:
        if settings.workers > 1:
            Multiprocess(settings, sockets=[settings.bind_socket()]).run()
        else:
            server.run()
    except KeyboardInterrupt:
        pass
    if settings.workers == 1 and not server.started:
        sys.exit(STARTUP_FAILURE)
