"""Adding URLs through the web app and the API: the intake service, with the partition made at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vsl_assets.defs.partitions import PARTITIONS_NAME, InstancePartitions
from vsl_assets_tests.web.conftest import Web, make_web


@pytest.fixture
def dagster_web(instance, tmp_path, monkeypatch) -> Iterator[Web]:
    """The app as ``vsl web`` builds it: with the Dagster instance's partitions."""
    import os

    yield from make_web(os.environ["VSL_DATABASE_URL"], tmp_path / "storage", monkeypatch, InstancePartitions(instance))


def test_a_url_added_through_the_api_has_its_partition_at_once(dagster_web: Web, instance) -> None:
    response = dagster_web.client.post(
        "/api/urls", json={"urls": ["https://cdn.example.com/a/main.m3u8", "ftp://x"]}, headers=dagster_web.bearer
    )
    assert response.status_code == 200, response.text
    body = response.json()
    [key] = [r["partition_key"] for r in body["results"] if r["partition_key"]]
    assert instance.has_dynamic_partition(PARTITIONS_NAME, key)
    assert body["notes"] == [] and body["invalid"] == 1
    # What `dagster asset materialize --partition KEY` needs: the key among the job's partitions.
    from vsl_assets.definitions import build_definitions

    job = build_definitions().resolve_job_def("ingest_vsl")
    assert key in job.partitions_def.get_partition_keys(dynamic_partitions_store=instance)


def test_a_url_added_on_the_add_page_has_its_partition_and_a_private_one_is_flagged(
    dagster_web: Web, instance, monkeypatch
) -> None:
    dagster_web.settings = dagster_web.settings.model_copy(update={"allow_private_networks": False})
    dagster_web.client.app.state.web.settings = dagster_web.settings  # type: ignore[attr-defined]
    csrf = dagster_web.login()
    page = dagster_web.client.post("/add", data={"urls": "http://192.168.1.9/v.m3u8\n", "csrf_token": csrf})
    assert page.status_code == 200
    assert "Will be refused" in page.text and "192.168.1.9" in page.text
    [key] = instance.get_dynamic_partitions(PARTITIONS_NAME)
    assert key in page.text


def test_without_the_port_the_api_says_the_sensor_will_make_the_partition(web: Web, instance) -> None:
    response = web.client.post("/api/urls", json={"urls": ["https://example.com/v"]}, headers=web.bearer)
    assert response.json()["notes"] == [
        "no Dagster instance (DAGSTER_HOME unset, no project): partitions will be registered by the sensor"
    ]
    assert instance.get_dynamic_partitions(PARTITIONS_NAME) == []


def test_delete_forgets_a_vsl_as_vsl_remove_does(dagster_web: Web, instance) -> None:
    from vsl_assets_tests.web.seed import Fake, index_all, seed

    with dagster_web.session() as s:
        key = seed(s, dagster_web.layout, Fake("https://gone.example.com/v"))
        index_all(s, dagster_web.settings, [key])
    instance.add_dynamic_partitions(PARTITIONS_NAME, [key])
    assert dagster_web.layout.files_of(key)
    response = dagster_web.client.delete(f"/api/vsls/{key}", headers=dagster_web.bearer)
    assert response.status_code == 200, response.text
    assert response.json() == {"partition_key": key, "removed": True}
    assert dagster_web.layout.files_of(key) == []
    assert not instance.has_dynamic_partition(PARTITIONS_NAME, key)
    assert dagster_web.client.get(f"/api/vsls/{key}", headers=dagster_web.bearer).status_code == 404
    again = dagster_web.client.delete(f"/api/vsls/{key}", headers=dagster_web.bearer)
    assert again.status_code == 404 and again.json()["detail"] == f"no URL with key {key}"
    found = dagster_web.client.get("/api/search", params={"q": "ritual"}, headers=dagster_web.bearer).json()
    assert [r for r in found if r["partition_key"] == key] == []
