"""Duplicates in the web app (issue 27, item 9): the API and the Add page key a page the same with
and without tracking parameters; an alias shows as such, linked to its VSL and back."""

from __future__ import annotations

import re

from vsl_assets.db import repo
from vsl_assets_tests.web.conftest import Web, make_web
from vsl_assets_tests.web.seed import Fake, seed

PAGE = "https://oferta.example.com/vsl/?v=2"


def test_api_and_add_page_drop_tracking_parameters_before_the_key(web: Web) -> None:
    csrf = web.login()
    api = web.client.post("/api/urls", json={"urls": [PAGE]}, headers=web.bearer).json()
    [first] = api["results"]
    tracked = web.client.post(
        "/api/urls", json={"urls": [PAGE + "&utm_source=fb&utm_medium=cpc&fbclid=IwAR0x"]}, headers=web.bearer
    ).json()
    assert tracked["results"][0]["partition_key"] == first["partition_key"]
    assert (tracked["added"], tracked["known"]) == (0, 1)
    page = web.client.post(
        "/add", data={"urls": PAGE + "&gclid=Cj0&ttclid=E1", "csrf_token": csrf}, follow_redirects=True
    )
    assert page.status_code == 200 and first["partition_key"] in page.text
    with web.session() as s:
        assert repo.status_counts(s) == {"pending_ingest": 1}


def test_an_alias_is_shown_as_such_and_linked_both_ways(web: Web) -> None:
    web.login()
    with web.session() as s:
        original = seed(s, web.layout, Fake("https://a.example.com/v", title="Método A"))
        alias = seed(s, web.layout, Fake("https://b.example.com/v", status="alias", title="Método B", segments=[]))
        repo.require_url(s, alias).alias_of = repo.require_url(s, original).id
    html = web.client.get(f"/vsl/{alias}").text
    link = re.search(r'<p class="alias" id="alias-of">Same video as <a href="/vsl/([^"]+)">([^<]+)</a>', html)
    assert link and link.groups() == (original, "Método A")
    assert 'data-status="alias"' in html
    # No "No video stored yet" and empty transcript box (a trial): its video is the original's, never its own.
    assert 'id="alias-empty"' in html and f'href="/vsl/{original}">Método A</a></p>' in html
    assert "No video stored yet" not in html and 'class="transcript-col"' not in html
    back = web.client.get(f"/vsl/{original}").text
    assert f'<a href="/vsl/{alias}">Método B</a>' in back.split('id="aliases"')[1].split("</p>")[0]
    detail = web.client.get(f"/api/vsls/{alias}", headers=web.bearer).json()
    assert detail["status"] == "alias"
    assert detail["alias_of"] == {"partition_key": original, "title": "Método A"}
    cards = {c["partition_key"]: c for c in web.client.get("/api/vsls", headers=web.bearer).json()["items"]}
    assert (cards[alias]["alias"], cards[original]["alias"]) == (True, False)
    web.client.cookies.set("vsl_lang", "pt-BR")
    assert "Mesmo vídeo que" in web.client.get(f"/vsl/{alias}").text
    assert ">Duplicata</span>" in web.client.get("/").text  # the status label (core.json's status:alias)


def test_the_web_app_drops_what_the_setting_lists(tmp_path, monkeypatch) -> None:
    """The front end passes ``VSL_URL_TRACKING_PARAMS`` (not the default list) to the intake."""
    monkeypatch.setenv("VSL_URL_TRACKING_PARAMS", "fbclid")
    for web in make_web(f"sqlite:///{tmp_path / 'storage' / 'vsl.db'}", tmp_path / "storage", monkeypatch):
        got = web.client.post(
            "/api/urls", json={"urls": [PAGE + "&utm_source=fb&fbclid=IwAR0x"]}, headers=web.bearer
        ).json()
        assert got["results"][0]["url"] == "https://oferta.example.com/vsl/?utm_source=fb&v=2"
