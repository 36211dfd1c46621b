"""``stop_tree``: what a test started is gone afterwards, even a child that ignores SIGTERM or has
left the process group (the shapes a ``dagster dev``'s code server can take)."""

from __future__ import annotations

import subprocess
import time

from vsl_assets_tests.processes import alive, family, stop_tree


def test_stop_tree_leaves_no_descendant_alive() -> None:
    # A leader that exits on SIGTERM; a child that ignores it (so does the sleep it runs); a
    # grandchild in a session of its own, out of the group the SIGTERM goes to.
    script = "(trap '' TERM; sleep 60) & setsid sleep 60 & wait"
    proc = subprocess.Popen(["bash", "-c", script], start_new_session=True)
    give_up = time.monotonic() + 10
    while len(family(proc.pid)) < 3 and time.monotonic() < give_up:
        time.sleep(0.02)
    before = family(proc.pid)
    assert len(before) >= 3, before  # bash, the subshell (or the sleep it became), the setsid sleep
    stopped = stop_tree(proc, grace_s=0.2)
    assert before <= stopped
    assert [p for p in stopped if alive(p)] == []
