"""Dates name their time zone, one rule everywhere: the viewer's zone when the browser said it
(the ``vsl_tz`` cookie ``app.js`` writes), else UTC, the zone always written after the time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from vsl_assets.web.i18n import fmt_date, time_zone
from vsl_assets_tests.web.conftest import Web


def test_a_date_in_the_viewers_zone_named() -> None:
    when = datetime(2026, 12, 6, 2, 5, tzinfo=UTC)
    # 02:05 UTC is still the 5th in São Paulo: the date moves with the zone, not only the hour.
    assert fmt_date("pt-BR", when, "America/Sao_Paulo") == "5 de dez. de 2026 23:05 BRT"
    assert fmt_date("es", when, "Europe/Madrid") == "6 dic 2026 03:05 CET"
    assert fmt_date("en", when, "America/New_York") == "Dec 5, 2026 21:05 EST"
    # A naive stored instant is UTC; the browser's URL-encoded cookie is read.
    assert fmt_date("en", datetime(2026, 12, 6, 2, 5), "America%2FSao_Paulo") == "Dec 5, 2026 23:05 -0300"


def test_a_bad_or_missing_zone_is_utc_named() -> None:
    when = datetime(2026, 12, 6, 2, 5, tzinfo=UTC)
    for bad in (None, "", "Mars/Olympus", "../../etc/passwd", "/etc/localtime", "x" * 500):
        assert fmt_date("pt-BR", when, bad) == "6 de dez. de 2026 02:05 UTC", bad
    assert str(time_zone("Not/AZone")) == "UTC"


def test_pages_show_dates_in_the_cookie_zone(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    web.client.cookies.set("vsl_lang", "pt-BR")
    utc = web.client.get("/tokens").text
    created = re.findall(r'data-label="Criado">([^<]+)</td>', utc)
    assert created and all(c.endswith(" UTC") for c in created), created
    web.client.cookies.set("vsl_tz", "America%2FSao_Paulo")
    local = web.client.get("/tokens").text
    shown = re.findall(r'data-label="Criado">([^<]+)</td>', local)
    assert shown and all(c.endswith(" BRT") for c in shown), shown
