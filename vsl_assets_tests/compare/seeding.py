"""Two versions of one VSL (and a third VSL) in the database and storage, for the service, API,
page and browser tests: scripts written for these tests, the new one re-cut into other segments.

Known changes from OLD to NEW: the price sentence rewritten (197 -> 147), the "Milhares" sentence
removed, a free-shipping sentence added; the offer price, guarantee and pitch changed; the new
version's lead type is a guess (unsure), so it must show as unknown, never as changed.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from vsl_assets.breakdown.models import Beat, Breakdown, Evidence, Price
from vsl_assets.db import repo
from vsl_assets.db.watch_models import WatchVersion
from vsl_assets.storage import StorageLayout
from vsl_assets_tests.web.seed import Fake, seed, seed_breakdown

OLD_SCRIPT = [
    "Você vai descobrir o ritual da manhã que mudou a minha vida.",
    "Milhares de pessoas já assistiram a este vídeo até o final.",
    "Eu pesava noventa quilos e nada funcionava para mim.",
    "Então uma pesquisadora me mostrou um chá de três ervas.",
    "Hoje você leva o kit completo por só 197 reais.",
    "A garantia é de 30 dias, sem perguntas.",
    "Clique no botão abaixo antes que a oferta acabe.",
]
REWRITTEN = ("Hoje você leva o kit completo por só 197 reais.", "Hoje você leva o kit completo por só 147 reais.")
REMOVED = "Milhares de pessoas já assistiram a este vídeo até o final."
ADDED = "Só nesta semana o frete é grátis para todo o Brasil."
NEW_SCRIPT = [
    OLD_SCRIPT[0],
    OLD_SCRIPT[2],
    OLD_SCRIPT[3],
    REWRITTEN[1],
    ADDED,
    "A garantia é de 30 dias, sem perguntas.",
    OLD_SCRIPT[6],
]
OTHER_SCRIPT = [
    "Aprenda inglês em quinze minutos por dia com as músicas que você já conhece.",
    "A professora Marta criou um método simples para adultos ocupados.",
    "O curso completo sai por 97 reais, com garantia de 7 dias.",
]


def _one_per_segment(lines: list[str], seconds: float = 4.0) -> list[tuple[float, float, str]]:
    return [(k * seconds, (k + 1) * seconds, line) for k, line in enumerate(lines)]


def _recut(
    lines: list[str], sizes: tuple[int, ...] = (6, 9, 4, 11), word_s: float = 0.45
) -> list[tuple[float, float, str]]:
    words = " ".join(lines).split()
    out, at, t, k = [], 0, 0.0, 0
    while at < len(words):
        chunk = words[at : at + sizes[k % len(sizes)]]
        out.append((round(t, 2), round(t + word_s * len(chunk), 2), " ".join(chunk)))
        at, t, k = at + len(chunk), t + word_s * len(chunk), k + 1
    return out


def _breakdown(
    price: float, guarantee: int, pitch: float, beats: list[Beat], unsure: tuple[str, ...] = ()
) -> Breakdown:
    confidence = {"niche": 0.9, "lead_type": 0.9, "offer_price": 0.9, "guarantee_days": 0.9, "pitch_s": 0.9}
    confidence.update(dict.fromkeys(unsure, 0.3))
    return Breakdown(
        language="pt",
        niche="health/weight_loss",
        lead_type="story",
        awareness="problem_aware",
        offer_price=Price(amount=price, currency="BRL"),
        guarantee_days=guarantee,
        pitch_s=pitch,
        hook="Você vai descobrir o ritual da manhã que mudou a minha vida.",
        product="Ritual Matinal",
        beats=beats,
        engine="local",
        model="rules-test",
        evidence={"lead_type": Evidence(quote="Eu pesava noventa quilos", start=8.0, end=12.0)},
        confidence=confidence,  # type: ignore[arg-type]
    )


OLD_BREAKDOWN = _breakdown(
    197.0,
    30,
    16.0,
    [
        Beat(beat="hook", start=0.0, end=4.0, quote=OLD_SCRIPT[0]),
        Beat(beat="story", start=8.0, end=16.0, quote=OLD_SCRIPT[2]),
        Beat(beat="offer", start=16.0, end=20.0, quote=OLD_SCRIPT[4]),
        Beat(beat="guarantee", start=20.0, end=24.0, quote=OLD_SCRIPT[5]),
    ],
)
NEW_BREAKDOWN = _breakdown(
    147.0,
    60,
    12.6,
    [
        Beat(beat="hook", start=0.0, end=4.5, quote=NEW_SCRIPT[0]),
        Beat(beat="story", start=4.5, end=12.6, quote=NEW_SCRIPT[1]),
        Beat(beat="offer", start=12.6, end=16.7, quote=NEW_SCRIPT[3]),
        Beat(beat="bonus", start=16.7, end=21.0, quote=ADDED),
        Beat(beat="guarantee", start=21.0, end=24.5, quote=NEW_SCRIPT[5]),
    ],
    unsure=("lead_type",),
)


def link_versions(session: Session, page: str, *later: str) -> None:
    """``later`` as the watch records them: the next versions of the page ``page`` (version 1)."""
    from sqlalchemy import func, select

    page_id = repo.require_url(session, page).id
    last = session.scalar(select(func.max(WatchVersion.number)).where(WatchVersion.url_id == page_id)) or 0
    keys = later if last else (page, *later)
    for number, key in enumerate(keys, start=last + 1):
        version_id = repo.require_url(session, key).id
        session.add(WatchVersion(url_id=page_id, number=number, identity=f"stream-{number}", version_url_id=version_id))
    session.flush()


def seed_versions(session: Session, layout: StorageLayout, video: Path | None = None) -> tuple[str, str, str]:
    """The old version, the new one (re-cut) of one watched page, and another VSL; their keys."""
    old = seed(
        session,
        layout,
        Fake(
            "https://cdn.example.com/ritual-v1.m3u8",
            title="Ritual — v1",
            segments=_one_per_segment(OLD_SCRIPT),
            duration_s=28.0,
        ),
        video,
    )
    seed_breakdown(session, layout, old, OLD_BREAKDOWN)
    new = seed(
        session,
        layout,
        Fake(
            "https://cdn.example.com/ritual-v2.m3u8", title="Ritual — v2", segments=_recut(NEW_SCRIPT), duration_s=26.0
        ),
        video,
    )
    seed_breakdown(session, layout, new, NEW_BREAKDOWN)
    other = seed(
        session,
        layout,
        Fake(
            "https://cdn.example.com/ingles.m3u8",
            title="Inglês em 15 minutos",
            niche="self_improvement/language_learning",
            lead="promise",
            price=97.0,
            segments=_one_per_segment(OTHER_SCRIPT, 10.0),
            duration_s=30.0,
        ),
        video,
    )
    link_versions(session, old, new)
    return old, new, other
