"""Adding URLs from the Dagster UI: the add_urls job, and what a hand-made partition gets told."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from vsl_assets.db import Url
from vsl_assets.definitions import build_definitions
from vsl_assets.defs.partitions import PARTITIONS_NAME
from vsl_assets_tests.conftest import db_session, run_partition


def _run(instance, urls):
    job = build_definitions().resolve_job_def("add_urls")
    return job.execute_in_process(
        instance=instance, run_config={"ops": {"add_urls_op": {"config": {"urls": urls}}}}, raise_on_error=False
    )


@pytest.mark.slow
def test_add_urls_job_adds_valid_urls_and_reports_the_rest(vsl_env, instance) -> None:
    result = _run(instance, ["https://cdn.example.com/a/main.m3u8", "javascript:alert(1)", "example.com/b.m3u8"])
    assert result.success
    keys = result.output_for_node("add_urls_op")
    with db_session() as s:
        rows = {u.partition_key: (u.url, u.status) for u in s.scalars(select(Url))}
    assert rows == {
        keys[0]: ("https://cdn.example.com/a/main.m3u8", "pending_ingest"),
        keys[1]: ("https://example.com/b.m3u8", "pending_ingest"),
    }
    assert set(instance.get_dynamic_partitions(PARTITIONS_NAME)) == set(keys)
    [mat] = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    metadata = mat.event_specific_data.metadata
    assert metadata["added"].value == 2
    assert "unsupported URL scheme 'javascript'" in metadata["refused"].value
    again = _run(instance, ["https://cdn.example.com/a/main.m3u8"])
    assert again.success and again.output_for_node("add_urls_op") == keys[:1]


@pytest.mark.slow
def test_add_urls_job_with_nothing_valid_fails_with_the_reasons(vsl_env, instance) -> None:
    result = _run(instance, ["ftp://x.example/a", "   "])
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failure.event_specific_data.error.message
    assert "no valid URL to add" in message and "unsupported URL scheme 'ftp'" in message and "empty URL" in message


def test_a_partition_added_by_hand_is_told_how_partitions_are_made(vsl_env, instance) -> None:
    result = run_partition(instance, "typed-by-hand")
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"][:1]
    message = failure.event_specific_data.error.message
    assert "partition 'typed-by-hand' has no URL in the vsl database" in message
    assert "the add_urls job" in message


@pytest.mark.slow
def test_add_urls_job_flags_an_address_the_guard_will_refuse(vsl_env, instance, monkeypatch) -> None:
    monkeypatch.setenv("VSL_ALLOW_PRIVATE_NETWORKS", "0")
    result = _run(instance, ["http://127.0.0.1:9/v.m3u8", "https://example.com/v"])
    assert result.success
    [key, _] = result.output_for_node("add_urls_op")
    [out] = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    flagged = out.event_specific_data.metadata["will_be_refused"].value
    assert f"`{key}`" in flagged and "example-com" not in flagged
    assert instance.has_dynamic_partition(PARTITIONS_NAME, key)
