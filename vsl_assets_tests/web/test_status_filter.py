"""The library's status filter takes the pipeline's statuses only: a made-up one matched nothing
and was still counted as a filter set ("Filtros (1)" over an empty page, a new user's trial)."""

from __future__ import annotations

from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, seed


def test_a_made_up_status_is_refused_by_name_and_a_real_one_filters(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        done = seed(s, web.layout, Fake("https://cdn.example.com/pronta.m3u8", title="Pronta"))
        seed(s, web.layout, Fake("https://cdn.example.com/quebrada.m3u8", title="Quebrada", status="failed"))
    html = {"accept": "text/html"}
    web.client.cookies.set("vsl_lang", "pt-BR")
    bogus = web.client.get("/?status=bogus", headers=html)
    assert bogus.status_code == 422 and "Status: não é uma das opções oferecidas" in bogus.text
    api = web.client.get("/api/vsls", params={"status": "bogus"}, headers=web.bearer)
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["query", "status"]
    analysed = web.client.get("/api/vsls", params={"status": "analyzed"}, headers=web.bearer)
    assert analysed.status_code == 200 and [v["partition_key"] for v in analysed.json()["items"]] == [done]
    blank = web.client.get("/?status=", headers=html)
    assert blank.status_code == 200 and "Pronta" in blank.text and "Quebrada" in blank.text
