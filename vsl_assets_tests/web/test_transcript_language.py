"""A URL's own language from the Add page and the API; a flagged transcript on the VSL page."""

from __future__ import annotations

import re

from sqlalchemy import select

from vsl_assets.db.models import TranscriptRow, Url
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, seed


def test_add_page_and_api_store_the_urls_language(sqlite_web: Web) -> None:
    web = sqlite_web
    csrf = web.login()
    page = web.client.get("/add").text
    assert '<select name="language">' in page and '<option value="es">Spanish</option>' in page
    done = web.client.post("/add", data={"urls": "https://es.example.com/vsl", "language": "ES", "csrf_token": csrf})
    assert done.status_code == 200, done.text
    refused = web.client.post(
        "/add", data={"urls": "https://x.example.com/vsl", "language": "spanish!", "csrf_token": csrf}
    )
    assert refused.status_code == 400 and "not an ISO 639-1 code" in refused.text
    api = web.client.post(
        "/api/urls", json={"urls": ["https://pt.example.com/vsl"], "language": "pt"}, headers=web.bearer
    )
    assert api.status_code == 200, api.text
    bad = web.client.post(
        "/api/urls", json={"urls": ["https://y.example.com/v"], "language": "pt,en"}, headers=web.bearer
    )
    assert bad.status_code == 422 and "give one language" in bad.text
    auto = web.client.post(
        "/api/urls", json={"urls": ["https://z.example.com/v"], "language": "auto"}, headers=web.bearer
    )
    assert auto.status_code == 200
    with web.session() as s:
        languages = dict(s.execute(select(Url.url, Url.language)).all())
    assert languages == {
        "https://es.example.com/vsl": "es",
        "https://pt.example.com/vsl": "pt",
        "https://z.example.com/v": None,
    }


def test_a_flagged_transcript_is_not_shown_as_good(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        flagged = seed(s, web.layout, Fake("https://flag.example.com/v", title="Flagged"))
        clean = seed(s, web.layout, Fake("https://clean.example.com/v", title="Clean"))
        for key, warnings in (
            (
                flagged,
                [
                    {
                        "kind": "coverage",
                        "message": "1 stretch(es) of speech, 34 s in all, have no text: 0:46-1:20 (34 s)",
                    }
                ],
            ),
            (clean, []),
        ):
            row = s.scalar(select(TranscriptRow).join(Url).where(Url.partition_key == key))
            row.language_probability, row.language_source, row.speech_coverage = 0.91, "detected", 0.87
            row.warnings = warnings
    html = web.client.get(f"/vsl/{flagged}").text
    assert 'id="transcript-flag"' in html
    assert 'data-kind="coverage"' in html and "0:46-1:20 (34 s)" in html
    assert '(<span data-source="detected">detected</span>, 0.91)' in html and "87.0%" in html
    assert 'id="transcript-flag"' not in web.client.get(f"/vsl/{clean}").text
    detail = web.client.get(f"/api/vsls/{flagged}", headers=web.bearer).json()
    assert detail["transcript_warnings"][0]["kind"] == "coverage"
    assert (detail["language_source"], detail["language_probability"]) == ("detected", 0.91)


def test_transcribe_again_from_the_vsl_page_and_the_api(sqlite_web: Web) -> None:
    web = sqlite_web
    csrf = web.login()
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://again.example.com/v", title="Again"))
        broken = seed(
            s,
            web.layout,
            Fake("https://txt.example.com/a.txt", status="failed", reason="no video player found on page", segments=[]),
        )
    html = web.client.get(f"/vsl/{key}").text
    assert 'id="retranscribe"' in html and f'action="/vsl/{key}/retranscribe"' in html
    # Failed before any audio was kept (a trial: a .txt added by mistake): nothing to transcribe again.
    assert 'id="retranscribe"' not in web.client.get(f"/vsl/{broken}").text
    done = web.client.post(
        f"/vsl/{key}/retranscribe", data={"language": "es", "csrf_token": csrf}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == f"/vsl/{key}"
    with web.session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert (url.status, url.language, url.redo_from) == ("pending_ingest", "es", "transcript")
        assert s.scalar(select(TranscriptRow).where(TranscriptRow.url_id == url.id)) is not None  # kept until redone
    assert '<option value="es" selected>' in web.client.get(f"/vsl/{key}").text
    bad = web.client.post(f"/vsl/{key}/retranscribe", data={"language": "xx-1", "csrf_token": csrf})
    assert bad.status_code == 400
    api = web.client.post(
        f"/api/vsls/{key}/retranscribe", json={"language": "auto", "model": "small"}, headers=web.bearer
    )
    assert api.status_code == 200 and api.json()["queued"] is True
    with web.session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert (url.language, url.transcribe_model, url.redo_from) == (None, "small", "transcript")
    assert web.client.post("/api/vsls/nope/retranscribe", json={}, headers=web.bearer).status_code == 404
    # Only the configured model and the standard sizes from the API: a Hugging Face repo id would be a
    # download on the server, a directory path's error would say whether the path exists there.
    for model, lang, said in (
        ("someone/whisper-finetune", "en", "this model is not offered here: choose one of "),
        ("/srv/private/models", "pt-BR", "este modelo não é oferecido aqui: escolha um de "),
    ):
        refused = web.client.post(
            f"/api/vsls/{key}/retranscribe",
            json={"model": model},
            headers={**web.bearer, "Accept-Language": lang},
        )
        assert refused.status_code == 422 and refused.json()["detail"].startswith(said), refused.text
        assert "large-v3" in refused.json()["detail"] and model not in refused.json()["detail"]
    with web.session() as s:
        assert s.scalar(select(Url.transcribe_model).where(Url.partition_key == key)) == "small"
    configured = web.settings.model
    ok = web.client.post(f"/api/vsls/{key}/retranscribe", json={"model": configured}, headers=web.bearer)
    assert ok.status_code == 200


def test_needs_review_filter_card_flag_and_low_confidence_marks(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        doubtful = seed(s, web.layout, Fake("https://doubt.example.com/v", title="Doubtful"))
        fine = seed(s, web.layout, Fake("https://fine.example.com/v", title="Fine"))
        row = s.scalar(select(TranscriptRow).join(Url).where(Url.partition_key == doubtful))
        row.needs_review, row.quality_score = True, 0.42
        segments = [dict(seg) for seg in row.segments]
        segments[1].update(avg_logprob=-1.6, no_speech_prob=0.1, compression_ratio=1.3)
        segments[0].update(avg_logprob=-0.2, no_speech_prob=0.1, compression_ratio=1.3)
        row.segments = segments
    everything = web.client.get("/").text
    assert 'data-review="1"' in everything.split(f'data-key="{doubtful}"')[1].split("</a>")[0]
    assert 'data-review="1"' not in everything.split(f'data-key="{fine}"')[1].split("</a>")[0]
    review = web.client.get("/", params={"review": "true"}).text
    assert doubtful in review and fine not in review
    api = web.client.get("/api/vsls", params={"review": "true"}, headers=web.bearer).json()
    assert [(c["partition_key"], c["transcript_quality"]) for c in api["items"]] == [(doubtful, 0.42)]
    assert api["total"] == 1  # the count joins the transcripts it filters on (no cross product)
    html = web.client.get(f"/vsl/{doubtful}").text
    marks = re.findall(r'<li class="seg( low)?" data-start="([^"]+)"', html)
    assert marks == [("", "0.0"), (" low", "4.0"), ("", "9.5")]
    # the marks are explained where they are (a wavy underline alone reads as a spelling checker's)
    assert 'id="low-legend"><span class="low-sample">Wavy underline</span>: words the speech model' in html
    web.client.get("/lang/pt-BR")
    assert (
        '<span class="low-sample">Sublinhado ondulado</span>: palavras de que'
        in web.client.get(f"/vsl/{doubtful}").text
    )
    assert 'id="low-legend"' not in web.client.get(f"/vsl/{fine}").text
