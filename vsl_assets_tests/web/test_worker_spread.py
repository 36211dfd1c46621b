"""How client connections spread over ``vsl web``'s worker processes (issue 26's throughput).

A keep-alive connection stays with the worker process that accepted it, so the throughput a
benchmark (or a deployment) sees depends on how connections land on workers.  These tests run a
real ``vsl web --workers 2`` and look at it from outside, as ``benchmarks/bench_web.py`` does:
which process holds the server side of each connection.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vsl_assets_tests.web.conftest import Web, free_port, start_vsl_web

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import bench_web  # type: ignore[import-not-found]

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


@pytest.fixture
def two_workers(sqlite_web: Web) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """``vsl web --workers 2`` on the test's database (its environment), answering /healthz."""
    port = free_port()
    proc = start_vsl_web(port, "--workers", "2")
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    pass
                if len(bench_web.Topology.of(proc.pid, port).workers) == 2:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        yield proc, port
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)


def _open(port: int, topology: Any, n: int, even: bool) -> tuple[list[int], int]:
    async def run() -> tuple[list[int], int]:
        conns, spread, reopened = await bench_web.open_connections(port, REQUEST, n, topology, even, 200)
        for _, writer in conns:
            writer.close()
        return spread, reopened

    return asyncio.run(run())


@pytest.mark.slow
def test_the_benchmark_sees_each_connections_worker_and_evens_the_spread(
    two_workers: tuple[subprocess.Popen[str], int],
) -> None:
    proc, port = two_workers
    topology = bench_web.Topology.of(proc.pid, port)
    # The supervisor holds the listening socket too, but only its two children accept.
    assert len(topology.workers) == 2 and proc.pid not in topology.workers
    spread, _ = _open(port, topology, 8, even=False)
    assert sum(spread) == 8 and len(spread) == 2  # every connection's owner found
    spread, _ = _open(port, topology, 8, even=True)
    assert spread == [4, 4]
    assert bench_web.even([4, 4]) and bench_web.even([1, 0]) and not bench_web.even([5, 3])


def test_a_round_with_an_uneven_spread_gives_no_throughput_verdict() -> None:
    library = bench_web.TARGET_ROUTES[0]

    def row(code: str, rps: float, rnd: int, is_even: bool = True) -> dict[str, Any]:
        return {"code": code, "route": library, "c": 8, "round": rnd, "rps": rps, "even": is_even}

    def verdict(*rows: dict[str, Any]) -> str:
        return bench_web.throughput_verdicts(list(rows))[0][3]

    assert verdict(row("before", 100, 1), row("after", 450, 1), row("before", 100, 2), row("after", 410, 2)).startswith(
        "PASS"
    )
    assert verdict(row("before", 100, 1), row("after", 450, 1), row("before", 100, 2), row("after", 390, 2)).startswith(
        "no verdict (the interval straddles"
    )
    assert verdict(row("before", 100, 1), row("after", 300, 1)).startswith("FAIL")
    uneven = verdict(row("before", 100, 1), row("after", 900, 1, is_even=False))
    assert uneven.startswith("no verdict (no round with both sides") and "1 uneven round" in uneven


@pytest.mark.slow
def test_connections_from_several_clients_land_on_every_worker(two_workers: tuple[subprocess.Popen[str], int]) -> None:
    """Each worker listens with its own socket (SO_REUSEPORT): the kernel spreads connections
    opened together over them, rather than the first worker awake taking them all (with one
    shared socket 8 connections came out 8+0 as often as not).  16 connections all on one of two
    sockets by the kernel's hash: a chance of 1 in 32,768."""
    proc, port = two_workers
    topology = bench_web.Topology.of(proc.pid, port)
    spread, _ = _open(port, topology, 16, even=False)
    assert sum(spread) == 16 and min(spread) >= 1, spread


@pytest.mark.slow
def test_a_second_server_on_the_port_is_refused_and_a_dead_worker_replaced(
    two_workers: tuple[subprocess.Popen[str], int],
) -> None:
    from vsl_assets.web.workers import port_taken

    proc, port = two_workers
    assert port_taken("127.0.0.1", port) is not None  # never silently sharing another server's port
    first = bench_web.Topology.of(proc.pid, port).workers
    os.kill(first[0], signal.SIGKILL)
    deadline = time.monotonic() + 60
    now = first
    while time.monotonic() < deadline:
        now = bench_web.Topology.of(proc.pid, port).workers
        if len(now) == 2 and first[0] not in now:
            break
        time.sleep(0.3)
    assert len(now) == 2 and first[0] not in now and first[1] in now
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
        assert answer.status == 200
