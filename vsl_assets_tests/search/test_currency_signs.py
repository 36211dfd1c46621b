"""A price searched as it is written on a sales page (trial 19): "R$ 500" found nothing in a VSL
that says "500 reais", and "US$ 37" nothing in one Whisper wrote "$37" (the index keeps no "$",
so the sign's letters "r" and "us" were words the transcript had to hold)."""

from __future__ import annotations

import pytest

from vsl_assets.search import SearchBackend, SearchQuery
from vsl_assets.search.query import parse
from vsl_assets_tests.search.conftest import doc

PRICES = (
    doc("pt-said", "pt", ["Hoje o programa custa 500 reais.", "Garantia de sete dias."]),
    doc("pt-written", "pt", ["Hoje não é R$ 500,00, é muito menos."]),
    doc("pt-people", "pt", ["Mais de 500 pessoas já entraram."]),
    doc("en-dollars", "en", ["Today you get it for just $37.", "Over 500 people joined."]),
)


def _words(text: str) -> list[list[tuple[str, ...]]]:
    return [[c.words for c in group] for group in parse(text).groups]


def test_a_currency_sign_reads_as_the_currency_or_is_left_out() -> None:
    real = [("r",), ("reais",), ("real",)]
    assert _words("R$ 500") == _words("R$500") == _words("r$ 500") == [real, [("500",)]]
    assert _words("US$ 37") == _words("US$37") == _words("$37") == _words("$ 37") == [[("37",)]]
    assert _words("garantia R$ 97") == [[("garantia",)], real, [("97",)]]
    assert _words('"R$ 500"') == [[("r", "500")]]  # a quoted phrase is searched as typed
    # The other way round: the currency's name reads as its sign too ("real" only after a number).
    assert _words("500 reais") == _words("500 Reais") == [[("500",)], real]
    assert _words("1 real") == [[("1",)], real]
    assert _words("real estate") == [[("real",)], [("estate",)]]


@pytest.fixture
def prices(backend: SearchBackend) -> SearchBackend:
    for d in PRICES:
        backend.index_vsl(d)
    return backend


def _found(backend: SearchBackend, text: str) -> list[str]:
    return sorted(g.vsl.key for g in backend.search(SearchQuery(text=text)).vsls)


def test_a_price_is_found_written_or_said_in_every_backend(prices: SearchBackend) -> None:
    assert _found(prices, "R$ 500") == ["pt-said", "pt-written"]  # not "500 pessoas"
    assert _found(prices, "R$500") == ["pt-said", "pt-written"]
    assert _found(prices, "R$ quinhentos") == ["pt-said", "pt-written"]  # the number in words too
    assert _found(prices, "500 reais") == ["pt-said", "pt-written"]  # the name finds the sign
    assert _found(prices, "quinhentos reais") == ["pt-said", "pt-written"]
    assert _found(prices, "US$ 37") == ["en-dollars"]
    assert _found(prices, "$37") == ["en-dollars"]
