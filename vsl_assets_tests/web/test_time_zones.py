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
    assert fmt_date("en", datetime(2026, 12, 6, 2, 5), "America%2FSao_Paulo") == "Dec 5, 2026 23:05 BRT"


def test_every_language_names_the_zone_as_pt_br_does_never_by_a_bare_offset() -> None:
    """Babel's English (and Spanish) has no short name for Brasília's or Manaus' zone and wrote the
    bare offset, "-0300", where pt-BR wrote "BRT"; a zone no language names is written in the locale's GMT form ("GMT+05:30")."""
    when = datetime(2026, 12, 6, 16, 5, tzinfo=UTC)
    for lang in ("en", "pt-BR", "es"):
        assert fmt_date(lang, when, "America/Sao_Paulo").endswith(" 13:05 BRT"), lang
        assert fmt_date(lang, when, "America/Manaus").endswith(" 12:05 AMT"), lang
        assert "+0530" not in fmt_date(lang, when, "Asia/Kolkata"), lang
    assert fmt_date("en", when, "Asia/Kolkata") == "Dec 6, 2026 21:35 GMT+05:30"
    assert fmt_date("pt-BR", when, "Asia/Kolkata") == "6 de dez. de 2026 21:35 +05:30 GMT"  # Babel's pt-BR GMT form
    assert fmt_date("en", when, "America/Sao_Paulo") == "Dec 6, 2026 13:05 BRT"
    assert fmt_date("en", datetime(2026, 7, 6, 16, 5, tzinfo=UTC), "America/New_York") == "Jul 6, 2026 12:05 EDT"
    assert fmt_date("es", when, "Europe/Lisbon") == "6 dic 2026 16:05 WET"


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
