"""Runs the app under uvicorn: uvloop and httptools, and a listener that keeps TCP_NODELAY.

With several workers uvicorn binds the listening socket itself and leaves its `proto` at 0;
sockets accepted from it inherit that, and asyncio turns TCP_NODELAY on only for sockets that
report IPPROTO_TCP. Nagle's algorithm then holds every keep-alive response after the first until
the client's delayed ACK, ~40 ms (uvicorn issue #3149). uvloop sets TCP_NODELAY whatever the
listener says, but the asyncio loop (`--loop asyncio`, or where uvloop is missing) does not, so
the listener is fixed at the root too.
"""

from __future__ import annotations

import socket
import sys

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

APP = "api.app:create_app"


class NoDelayConfig(uvicorn.Config):
    """uvicorn's configuration, but the listener it binds reports its real protocol."""

    def bind_socket(self) -> socket.socket:
        bound = super().bind_socket()
        if bound.family not in (socket.AF_INET, socket.AF_INET6):
            return bound
        # Wrapped anew, the descriptor's family, type and protocol are read from the kernel
        # (SO_PROTOCOL says IPPROTO_TCP), and accepted sockets inherit the protocol.
        return socket.socket(fileno=bound.detach())


def config(host: str, port: int, workers: int, access_log: bool = True) -> NoDelayConfig:
    return NoDelayConfig(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="auto",  # uvloop when installed (it is a dependency), else asyncio
        http="auto",  # httptools likewise, else h11
        access_log=access_log,
    )


def serve(settings: NoDelayConfig) -> None:
    """Serve until interrupted, as `uvicorn.run` does, with the listener above."""
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
