"""``vsl web``'s worker processes, each listening on the port with its own socket (SO_REUSEPORT).

uvicorn's ``--workers`` binds one socket and hands it to every worker: each worker's event loop
wakes when a client connects and the first to run takes every connection waiting (asyncio accepts
up to its backlog at once).  A keep-alive connection then stays with that worker for its life, so
a few busy clients (a browser's 6 connections, a reverse proxy's keep-alive pool, a load test)
often all land on one process while the others idle: 8 connections to 2 workers came out 8+0,
7+1, 6+2, 5+3 run to run (``benchmarks/bench_web.py --spread as-is``), and throughput with them.

Here each worker binds its own listening socket to the same address with ``SO_REUSEPORT``; the
kernel spreads new connections over the sockets by a hash of each connection's addresses, so
every worker gets its share whatever their event loops do (the mechanism nginx's ``reuseport``
uses).  The parent only supervises: it checks the port is free (a second ``vsl web`` on the same
port is refused, never silently joined), restarts a worker that dies, and stops them all on
SIGINT/SIGTERM.  Where the platform has no ``SO_REUSEPORT``, or with one worker, it is uvicorn's
own ``workers`` as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import threading
import time
from multiprocessing.process import BaseProcess
from typing import Any

log = logging.getLogger("uvicorn.error")

#: uvicorn's exit status for a worker that failed before serving (bad app, socket): restarting
#: it would fail the same way, so the server stops.
STARTUP_FAILURE = 3
#: Restarts of crashed workers allowed per minute before the server gives up.
MAX_RESTARTS_PER_MINUTE = 10


def _address(host: str, port: int) -> tuple[socket.AddressFamily, Any]:
    family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    return family, address


def port_taken(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be served (None: free).  A plain bind, without SO_REUSEPORT, so a
    port another server holds (with or without that option) is refused rather than shared."""
    family, address = _address(host, port)
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: TIME_WAIT is no obstacle
        try:
            probe.bind(address)
        except OSError as exc:
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def reuseport_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` that other sockets of this user may bind too (SO_REUSEPORT)."""
    family, address = _address(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _worker(config: dict[str, Any]) -> None:
    """One worker process: its own listening socket, then uvicorn serving the app on it."""
    import uvicorn

    try:
        sock = reuseport_socket(config["host"], config["port"])
    except OSError as exc:
        print(f"worker cannot listen on {config['host']}:{config['port']}: {exc}", file=sys.stderr, flush=True)
        sys.exit(STARTUP_FAILURE)
    uvicorn.Server(uvicorn.Config(**config)).run(sockets=[sock])


def http_protocol() -> str:
    """httptools with a cap on the request's head (``web/httphead``) where httptools is installed
    (uvicorn's ``auto`` picks it then), else h11, which caps a head itself."""
    try:
        import httptools  # noqa: F401
    except ImportError:
        return "h11"
    return "vsl_assets.web.httphead:HeadCappedHttpTools"


def serve(app_factory: str, host: str, port: int, workers: int, log_level: str = "info") -> int:
    """Serve ``app_factory`` (``module:function``) on ``host:port`` with ``workers`` processes
    until SIGINT/SIGTERM; the exit status (0, or 1 when a worker could not start)."""
    import uvicorn

    config: dict[str, Any] = {
        "app": app_factory,
        "factory": True,
        "host": host,
        "port": port,
        "proxy_headers": False,  # X-Forwarded-* is read by the app, from configured proxies only
        "http": http_protocol(),
        "log_level": log_level,
    }
    if workers <= 1 or port == 0 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(**config, workers=workers)
        return 0
    refused = port_taken(host, port)
    if refused:
        print(refused, file=sys.stderr, flush=True)
        return 1
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    spawn = multiprocessing.get_context("spawn")

    def start() -> BaseProcess:
        process = spawn.Process(target=_worker, args=(config,), name="vsl-web-worker")
        process.start()
        return process

    processes = [start() for _ in range(workers)]
    log.info("Started parent process; %d workers, each with its own socket (SO_REUSEPORT)", workers)
    restarts: list[float] = []
    status = 0
    try:
        while not stop.wait(0.5):
            for i, process in enumerate(processes):
                if process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    log.error("a worker failed to start (exit %s): stopping", process.exitcode)
                    status = 1
                    stop.set()
                    break
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < 60] + [now]
                if len(restarts) > MAX_RESTARTS_PER_MINUTE:
                    log.error("workers keep dying (%d restarts in a minute): stopping", len(restarts))
                    status = 1
                    stop.set()
                    break
                log.warning("worker %s died (exit %s): starting another", process.pid, process.exitcode)
                processes[i] = start()
    finally:
        for process in processes:
            if process.is_alive() and process.pid is not None:
                process.terminate()  # SIGTERM: uvicorn finishes its requests, then exits
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
