"""The three hosts (page, player scripts, CDN) shared by the resolver tests of this package."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vsl_assets_tests.pages._support import Hosts, running_hosts


@pytest.fixture(scope="module")
def servers() -> Iterator[Hosts]:
    with running_hosts() as hosts:
        yield hosts


@pytest.fixture
def hosts(servers: Hosts) -> Hosts:
    """The module's hosts with routes, faults and recorded requests cleared."""
    servers.reset()
    return servers
