"""Issue 24's leftovers: library cards of VSLs on their way show stage, percent and ETA, the
status poll carries them, and the stages only move forward."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from vsl_assets import progress
from vsl_assets.db import repo
from vsl_assets.db.models import PIPELINE_STEPS, STEP_STATUSES, Audio, Job, Url
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, seed


def _card(html: str, key: str) -> str:
    return html.split(f'data-key="{key}"')[1].split("</a>")[0]


def test_library_cards_show_progress_for_vsls_on_their_way(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    now = datetime.now(UTC)
    with web.session() as s:
        running = seed(s, web.layout, Fake("https://running.example.com/v", status="transcribing"))
        waiting = seed(s, web.layout, Fake("https://waiting.example.com/v", status="downloaded"))
        done = seed(s, web.layout, Fake("https://done.example.com/v"))
        url = {k: s.scalar(select(Url).where(Url.partition_key == k)) for k in (running, waiting, done)}
        s.add(Audio(url_id=url[waiting].id, path="b", size_bytes=1, duration_s=600.0, codec="opus"))
        job = Job(url_id=url[running].id, step="transcript", outcome="running", heartbeat_at=now)
        s.add(job)
        s.flush()
        repo.set_job_progress(s, job.id, 0.45, 16 * 60.0)
    html = web.client.get("/", headers={"Accept-Language": "pt-BR"}).text
    card = _card(html, running)
    assert 'data-percent="45.0"' in card and 'data-stage="3"' in card and "Transcrevendo" in card
    assert "previsão em 16 minutos" in card or "previsão em 15 minutos" in card
    assert f'data-poll-key="{running}"' in html  # the card refreshes itself
    other = _card(html, waiting)
    assert 'data-stage="2"' in other and "Aguardando transcrição" in other and 'class="eta"' in other
    finished = _card(html, done)
    assert "data-progress" not in finished and "data-stage" not in finished and "Pronta" in finished
    spanish = web.client.get("/", headers={"Accept-Language": "es"}).text
    assert "fin previsto dentro de 1" in _card(spanish, running) and "Transcribiendo" in spanish

    polled = web.client.get("/api/statuses", params={"keys": f"{running},{waiting},{done}"}).json()
    by_key = {item["partition_key"]: item for item in polled}
    assert by_key[running]["stage"] == 3 and by_key[running]["percent"] == 45.0 and by_key[running]["eta_at"]
    assert by_key[waiting]["stage"] == 2 and by_key[waiting]["eta_at"]
    assert by_key[done]["stage"] is None and by_key[done]["percent"] is None


def test_stages_never_go_back_along_the_pipeline() -> None:
    """Each step's running and finished statuses sit at or after the previous step's: a URL's stage
    number (and so its label's place) only grows as it moves on."""
    seen = []
    for step in PIPELINE_STEPS:
        running, finished = STEP_STATUSES[step]
        seen += [progress.STAGE_ORDER[running.value], progress.STAGE_ORDER[finished.value]]
    assert seen == sorted(seen)
    assert progress.STAGE_ORDER["pending_ingest"] <= progress.STAGE_ORDER["queued"] < seen[0] + 1


def test_the_library_form_with_every_field_blank_filters_nothing(sqlite_web: Web) -> None:
    """The filter form submits every field, empty ones as ``name=``: a blank watch field (days live,
    changed in the last N days) is no filter, not a 500; out of bounds it is a 422."""
    web = sqlite_web
    web.login()
    with web.session() as s:
        seed(s, web.layout, Fake("https://a.example.com/v", title="Ritual"))
    form = "q=&status=analyzed&language=&niche=&duration_min=&price_max=&days_live_min=&changed_days=&sort=newest"
    page = web.client.get("/?" + form)
    assert page.status_code == 200 and page.text.count('class="vcard"') == 1
    api = web.client.get("/api/vsls?days_live_min=&changed_days=", headers=web.bearer)
    assert api.status_code == 200 and api.json()["total"] == 1
    assert web.client.get("/api/vsls?changed_days=0", headers=web.bearer).status_code == 422


def test_expired_queue_estimates_are_refreshed_by_one_request_at_a_time(sqlite_web: Web, monkeypatch: Any) -> None:
    """Under load the queue's estimates expired for every request in flight at once, and each one
    estimated the whole queue again (8 x ~20 ms of CPU at 8 users): now one refreshes, the
    others answer with the previous estimates, and a first request waits for the refresh in
    progress instead of starting its own."""
    web = sqlite_web
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://waiting.example.com/v", status="downloaded"))
    real = progress.estimates
    calls: list[int] = []
    gate = threading.Event()

    def slow(session: Any, rows: Any, now: Any = None) -> Any:
        calls.append(1)
        assert gate.wait(10)
        return real(session, rows, now)

    monkeypatch.setattr(progress, "estimates", slow)
    monkeypatch.setattr(progress, "_queue_cache", {})

    def ask(max_age_s: float, out: list[Any]) -> None:
        with web.session() as s:
            out.append(progress.queue_estimates(s, max_age_s=max_age_s))

    # Nothing cached yet: the second caller waits for the first one's refresh, never runs its own.
    first: list[Any] = []
    threads = [threading.Thread(target=ask, args=(60.0, first)) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    assert len(calls) == 1 and first == []
    gate.set()
    for t in threads:
        t.join(10)
    assert len(calls) == 1 and len(first) == 4 and all(r is first[0] for r in first)
    assert first[0][key].stage == progress.STAGE_ORDER["downloaded"]

    # Expired (max age 0): one refreshes; the others meanwhile get the previous answer at once.
    gate.clear()
    refresher: list[Any] = []
    busy = threading.Thread(target=ask, args=(0.0, refresher))
    busy.start()
    waited_until = time.monotonic() + 10  # the refresher is in estimates (gated) as soon as calls grows
    while len(calls) < 2 and time.monotonic() < waited_until:
        time.sleep(0.01)
    assert len(calls) == 2
    others: list[Any] = []
    for _ in range(5):
        ask(0.0, others)
    assert len(calls) == 2 and all(r is first[0] for r in others)
    gate.set()
    busy.join(10)
    assert len(refresher) == 1 and refresher[0] is not first[0] and key in refresher[0]
