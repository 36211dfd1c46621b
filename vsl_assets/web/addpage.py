"""The Add page's batches: what one paste submitted, shown a page at a time.

The batch is a row (its keys, the lines refused and the lines past the per-add limit), so the
page and each failed row's Retry link carry only ``?batch=ID&page=N``, whatever the batch's size:
the page costs what one page of rows costs, not the square of the URLs pasted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vsl_assets.db.models import Url, utcnow
from vsl_assets.db.web_models import AddBatch
from vsl_assets.services.intake import IntakeReport

PAGE_SIZE = 50
#: A batch older than this is deleted (its URLs stay, of course: only the page's list goes).
KEEP_DAYS = 30


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def save_batch(session: Session, user_id: int, report: IntakeReport, not_taken: list[str]) -> AddBatch:
    batch = AddBatch(
        user_id=user_id,
        keys=report.keys,
        refused=[[r.url, r.error or ""] for r in report.refused],
        not_taken=not_taken,
        warned=[[r.partition_key or r.url, r.warning] for r in report.accepted if r.warning],
        notes=list(report.notes),
    )
    session.add(batch)
    if random.random() < 0.05:  # batches are for following a paste through; old ones go
        session.execute(delete(AddBatch).where(AddBatch.created_at < utcnow() - timedelta(days=KEEP_DAYS)))
    session.flush()
    return batch


@dataclass
class BatchView:
    batch_id: int | None = None
    rows: list[Url] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    not_taken: list[str] = field(default_factory=list)
    warned: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1

    def template_data(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "rows": self.rows,
            "refused": self.refused,
            "not_taken": self.not_taken,
            "warned": self.warned,
            "notes": self.notes,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "first_row": (self.page - 1) * PAGE_SIZE + 1,
        }


def batch_view(session: Session, user_id: int, batch_id: int | None, page: int = 1) -> BatchView | None:
    """One page of the user's batch (None: no such batch of this user); refusals on page 1 only."""
    if batch_id is None:
        return BatchView()
    batch = session.get(AddBatch, batch_id)
    if batch is None or batch.user_id != user_id:
        return None
    keys = list(batch.keys or [])
    pages = max(1, -(-len(keys) // PAGE_SIZE))
    page = max(1, min(page, pages))
    wanted = keys[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    rows = list(session.scalars(select(Url).where(Url.partition_key.in_(wanted)))) if wanted else []
    order = {k: i for i, k in enumerate(wanted)}
    rows.sort(key=lambda u: order.get(u.partition_key, 0))
    first = page == 1
    return BatchView(
        batch_id=batch.id,
        rows=rows,
        refused=[{"url": u, "error": e} for u, e in (batch.refused or [])] if first else [],
        not_taken=list(batch.not_taken or []) if first else [],
        warned=[{"partition_key": k, "warning": w} for k, w in (batch.warned or [])] if first else [],
        notes=list(batch.notes or []) if first else [],
        total=len(keys),
        page=page,
        pages=pages,
    )
