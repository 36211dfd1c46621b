"""The SQL statements an engine sends while a block runs: what the tests that count a page's queries read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from vsl_assets.db.engine import get_engine


@contextmanager
def sent_statements(database: str) -> Iterator[list[tuple[str, Any]]]:
    """Each statement the engine of ``database`` sends inside the block, with its parameters, in order."""
    engine = get_engine(database)
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
