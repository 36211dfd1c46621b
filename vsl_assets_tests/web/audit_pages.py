"""Every page of the Swipe, with the data that makes it show what it can: the one list the
accessibility and layout audit (``test_accessibility.py``) visits.

To audit a new page, add an ``AuditPage`` to ``PAGES`` (its path may name any key that
``seed_audit_data`` returns, as ``{name}``), and seed what it needs in ``seed_audit_data``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.breakdown.models import Beat, Breakdown, Evidence, Price, PriceMention
from vsl_assets.db import repo
from vsl_assets.db.models import Audio, Job, Url
from vsl_assets.db.web_models import User
from vsl_assets.net.guard import NetPolicy
from vsl_assets.services import boards, intake
from vsl_assets.storage import StorageLayout
from vsl_assets.web import addpage
from vsl_assets_tests.web.seed import Fake, seed, seed_breakdown


@dataclass(frozen=True)
class AuditPage:
    name: str
    #: The path, with ``{placeholders}`` filled from ``seed_audit_data``'s answer.
    path: str
    #: Visited signed in (every page but the login page).
    login: bool = True
    #: The HTTP status the page answers with (error pages: theirs).
    status: int = 200


PAGES: list[AuditPage] = [
    AuditPage("login", "/login", login=False),
    AuditPage("library", "/"),
    AuditPage("library-filtered", "/?status=analyzed&sort=title"),
    AuditPage("search", "/search?q=garantia"),
    AuditPage("vsl", "/vsl/{vsl}"),
    AuditPage("vsl-failed", "/vsl/{failed}"),
    AuditPage("add", "/add"),
    AuditPage("add-batch", "/add?batch={batch}"),
    AuditPage("queue", "/queue"),
    AuditPage("boards", "/boards"),
    AuditPage("board", "/boards/{board}"),
    AuditPage("tokens", "/tokens"),
    AuditPage("compare-pick", "/compare"),
    AuditPage("compare", "/compare?keys={vsl},{other}"),
    AuditPage("compare-diff", "/compare?keys={other},{vsl}&mode=diff"),
    AuditPage("changes", "/changes"),
    AuditPage("insights", "/insights"),
    AuditPage("search-filtered", "/search?q=garantia&lead=story&price_max=100"),
    AuditPage("error-404", "/vsl/no_such_vsl_key", status=404),
    AuditPage("error-board", "/boards/987654", status=404),
]

#: Inside the 4-second test video, so every seek lands.
SEGMENTS = [
    (0.0, 1.2, "Você vai conhecer o Ritual Matinal que mudou a minha manhã."),
    (1.2, 2.2, "Não é quinhentos reais, nem trezentos."),
    (2.2, 3.1, "Hoje você leva por só 47 reais, em doze vezes de 4 reais e 70 centavos."),
    (3.1, 4.0, "Garantia de 30 dias: clique no botão abaixo agora."),
]

BREAKDOWN = Breakdown(
    language="pt",
    niche="health/weight_loss",
    awareness="problem_aware",
    lead_type="story",
    beats=[
        Beat(beat="hook", start=0.0, end=1.2, quote=SEGMENTS[0][2]),
        Beat(beat="problem", start=1.2, end=2.2, quote=SEGMENTS[1][2]),
        Beat(beat="offer", start=2.2, end=3.1, quote=SEGMENTS[2][2]),
        Beat(beat="guarantee", start=3.1, end=3.6, quote=SEGMENTS[3][2]),
        Beat(beat="cta", start=3.6, end=4.0, quote=SEGMENTS[3][2]),
    ],
    offer_price=Price(amount=47, currency="BRL", installments=12, installment_amount=4.7),
    anchor_price=Price(amount=500, currency="BRL"),
    guarantee_days=30,
    pitch_s=2.2,
    product_reveal_s=0.0,
    hook=SEGMENTS[0][2],
    product="Ritual Matinal",
    mechanism="o ritual da manhã",
    engine="local",
    model="rules-test",
    evidence={
        "guarantee_days": Evidence(quote="Garantia de 30 dias", start=3.1, end=4.0),
        "offer_price": Evidence(quote="por só 47 reais", start=2.2, end=3.1),
    },
    prices=[
        PriceMention(
            amount=500, currency="BRL", role="rejected", start=1.2, end=2.2, quote="Não é quinhentos reais", why="não é"
        ),
        PriceMention(amount=47, currency="BRL", role="offer", start=2.2, end=3.1, quote="por só 47 reais", why="só"),
    ],
)

#: A URL as long and unbroken as the ones people paste (tracking parameters and all).
LONG_URL = "https://checkout.example.com/vsl/" + "a1b2c3d4e5" * 6 + "?utm_source=facebook&utm_campaign=" + "x" * 60


def seed_audit_data(session: Session, layout: StorageLayout, video: Path) -> dict[str, str]:
    """VSLs in every state a page shows (analysed with a breakdown, failed, on their way), a board
    with items, an Add-page batch; returns the values ``PAGES``' placeholders name."""
    vsl = seed(
        session, layout, Fake("https://cdn.example.com/ritual.m3u8", title="Ritual Matinal", segments=SEGMENTS), video
    )
    seed_breakdown(session, layout, vsl, BREAKDOWN)
    failed = seed(
        session,
        layout,
        Fake(LONG_URL, status="failed", reason="retrying after attempt 3: HTTP 503 from the stream URL"),
    )
    moving = seed(session, layout, Fake("https://waiting.example.com/v", status="downloaded"))
    running = seed(session, layout, Fake("https://running.example.com/v", status="transcribing"))
    ids = {k: session.scalar(select(Url.id).where(Url.partition_key == k)) for k in (moving, running)}
    session.add(Audio(url_id=ids[moving], path="a", size_bytes=1, duration_s=600.0, codec="opus"))
    job = Job(url_id=ids[running], step="transcript", outcome="running")
    session.add(job)
    session.flush()
    repo.set_job_progress(session, job.id, 0.45, 900.0)
    others = [
        seed(
            session, layout, Fake(f"https://site{n}.example.com/vsl", title=f"VSL {n}", price=19.7 + n, currency="USD")
        )
        for n in range(3)
    ]
    user_id = session.scalar(select(User.id).where(User.name == "ana"))
    assert user_id is not None
    board = boards.create_board(session, user_id, "Ganchos de história", "Os melhores ganchos para estudar")
    boards.add_item(session, board, vsl, "Abre com o ritual", ["gancho", "história"])
    boards.add_item(session, board, failed, None, [])
    report = intake.add_urls(
        session,
        [LONG_URL, "https://new.example.com/pagina-de-vendas", "not a url at all"],
        partitions=None,
        net=NetPolicy(allow_private=True),
    )
    batch = addpage.save_batch(session, user_id, report, [])
    session.commit()
    return {
        "vsl": vsl,
        "other": others[0],
        "failed": failed,
        "running": running,
        "board": str(board.id),
        "batch": str(batch.id),
    }
