"""Free loopback ports for the servers the tests start (the suite's one helper for it).

Every test server binds 127.0.0.1 on a port the OS picks, so parallel sessions and xdist workers
never clash.  A server that binds its own socket in this process binds port 0 itself
(:class:`~vsl_assets_tests.servers._base.BackgroundServer`); one started as another process
(PostgreSQL, Redis, SeaweedFS, uvicorn, ``dagster dev``) is told a port from here.
"""

from __future__ import annotations

import socket

__all__ = ["free_port", "free_ports"]


def free_ports(count: int) -> list[int]:
    """``count`` distinct loopback ports, free right now (held open together while the OS picks
    them, so none is given twice)."""
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(sock)
            sock.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for sock in socks:
            sock.close()


def free_port() -> int:
    """A loopback port free right now (the OS picks it)."""
    return free_ports(1)[0]
