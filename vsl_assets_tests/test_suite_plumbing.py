"""The suite's own plumbing: the order tests start in, and the free ports the servers are told."""

from __future__ import annotations

from pathlib import Path

from vsl_assets_tests.conftest import longest_files_first
from vsl_assets_tests.servers import free_port, free_ports


def test_the_longest_files_start_first_each_kept_together_in_its_order() -> None:
    tests = [
        ("a/test_quick.py::test_one", "fast"),
        ("a/test_long.py::test_one", "fast"),
        ("a/test_quick.py::test_two", "fast"),
        ("a/test_long.py::test_two[x]", "slow"),
        ("a/test_new.py::test_one", "slow"),  # not measured yet: 3 s a slow test
        ("a/test_other.py::test_one", "fast"),  # not measured: 0.05 s a fast test
    ]
    known = {
        "a/test_quick.py": {"fast": 0.1, "fast_tests": 2, "slow": 0.0, "slow_tests": 0},
        "a/test_long.py": {"fast": 1.0, "fast_tests": 1, "slow": 40.0, "slow_tests": 2},
    }
    order = [tests[i][0] for i in longest_files_first(tests, known)]
    assert order == [
        "a/test_long.py::test_one",  # 1 + 20 s
        "a/test_long.py::test_two[x]",
        "a/test_new.py::test_one",  # 3 s
        "a/test_quick.py::test_one",  # 0.1 s, first collected of the two equal files
        "a/test_quick.py::test_two",
        "a/test_other.py::test_one",
    ]
    # Only the selected tests count: without its slow test, test_long weighs 1 s, less than test_new.
    fast_only = [t for t in tests if t[0] != "a/test_long.py::test_two[x]"]
    assert [fast_only[i][0] for i in longest_files_first(fast_only, known)][:2] == [
        "a/test_new.py::test_one",
        "a/test_long.py::test_one",
    ]


def test_free_ports_are_distinct_loopback_ports_the_os_picked() -> None:
    ports = free_ports(8)
    assert len(set(ports)) == 8  # held together while picked: none twice
    low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    assert all(low <= p <= high for p in [*ports, free_port()])  # the OS's own picks
