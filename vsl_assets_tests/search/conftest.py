"""A search backend per test, embedded and on the real PostgreSQL server, with a small corpus.

Every behavioural test takes ``backend`` and so runs against both; the PostgreSQL half carries
the ``postgres`` marker and uses the session's server (vsl_assets_tests/conftest.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from vsl_assets.search import SearchBackend, Segment, VslDocument, open_search

_db_names = itertools.count()


def doc(key: str, language: str | None, texts: list[str], **fields: Any) -> VslDocument:
    """A VSL whose segments are five seconds each, in order."""
    segments = [Segment(5.0 * i, 5.0 * i + 5.0, t) for i, t in enumerate(texts)]
    return VslDocument(
        key=key, url=f"https://vsl.example/{key}", title=f"Title {key}", language=language, segments=segments, **fields
    )


PT = doc(
    "pt-emagrecer",
    "pt",
    [
        "Você vai descobrir o segredo do emagrecimento natural.",
        "Com a garantia de 30 dias, você não arrisca nada.",
        "Emagrecer nunca foi tão fácil para quem tem mais de 40 anos.",
        "Os médicos odeiam este truque simples.",
    ],
    player="vturb",
    duration_s=2400.0,
    added_at=datetime(2026, 1, 10, 12, 0, tzinfo=UTC),
    niche="Saúde/Emagrecimento",
    lead_type="story",
    awareness="problem_aware",
    pitch_s=1500.0,
    price=197.0,
    currency="brl",
)
EN = doc(
    "en-doctors",
    "en",
    [
        "Doctors hate this one simple trick.",
        "Every order comes with our 60-day money-back guarantee.",
        "We guarantee you will see results or your money back.",
        "<script>alert('x')</script> is not how you fix joint pain & stiffness.",
    ],
    player="wistia",
    duration_s=1800.0,
    added_at=datetime(2026, 2, 1, 9, 30, tzinfo=UTC),
    niche="health/joint pain",
    lead_type="Secret",
    awareness="solution_aware",
    pitch_s=900.0,
    price=49.0,
    currency="USD",
)
ES = doc(
    "es-dinero",
    "es",
    [
        "Las garantías de nuestro programa son reales.",
        "Aprenda a ganar dinero desde su casa, sin jefe.",
        "Con la garantía usted no pierde nada.",
    ],
    player="youtube",
    duration_s=3600.0,
    added_at=datetime(2026, 3, 5, tzinfo=UTC),
    niche="finance/trading",
    lead_type="proof",
    awareness="unaware",
    pitch_s=3000.0,
    price=297.0,
    currency="USD",
)
CORPUS = (PT, EN, ES)


@pytest.fixture(params=["sqlite", "tantivy", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])])
def backend(request: pytest.FixtureRequest, tmp_path) -> Iterator[SearchBackend]:
    if request.param in ("sqlite", "tantivy"):
        search = open_search(f"sqlite:///{tmp_path / 'vsl.db'}", engine=request.param)
    else:
        server = request.getfixturevalue("postgres")
        name = f"search_{next(_db_names)}"
        search = open_search(server.create_database(name))
    search.ensure_schema()
    try:
        yield search
    finally:
        search.close()
        if request.param == "postgres":
            server.drop_database(name)


@pytest.fixture
def corpus(backend: SearchBackend) -> SearchBackend:
    for d in CORPUS:
        backend.index_vsl(d)
    return backend
