"""The catalog, one row per VSL: to a file or a stream (``vsl export``), or into storage (``vsl_catalog``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from vsl_assets.services import titles
from vsl_assets.services.ports import Sessions
from vsl_assets.storage import LocalStore, StorageLayout

#: The formats the ``vsl_catalog`` asset keeps in storage.
STORED_FORMATS = ("parquet", "csv")


class ExportError(ValueError):
    """The request cannot be met as asked (e.g. binary Parquet to a terminal); ``str()`` says why."""


@dataclass(frozen=True)
class Exported:
    rows: int
    #: The file written, or None when the text is in ``text``.
    path: Path | None = None
    text: str | None = None


def export_catalog(*, sessions: Sessions, fmt: str, out: Path | None, min_confidence: float) -> Exported:
    """The catalog as ``fmt``: into ``out``, or as text when ``out`` is None (CSV and JSON only).

    A breakdown field graded below ``min_confidence`` is left empty (``VSL_BREAKDOWN_MIN_CONFIDENCE``)."""
    from vsl_assets import catalog  # pandas: loaded by the commands that export, not by every run

    if out is None and fmt == "parquet":
        raise ExportError("parquet is binary: give --out PATH")
    if fmt not in catalog.FORMATS:
        raise ExportError(f"unknown catalog format {fmt!r}; use one of {', '.join(catalog.FORMATS)}")
    with sessions() as s:
        df = _titled(s, catalog.build_catalog(s, min_confidence=min_confidence), min_confidence)
    if out is None:
        return Exported(len(df), text=catalog.as_text(df, fmt))
    return Exported(len(df), path=catalog.write(df, out, fmt))


def _titled(session: Session, df: Any, min_confidence: float) -> Any:
    """The catalog's ``title`` column as every front end shows it (``services.titles``)."""
    if len(df):
        named = titles.titles_for(session, df["partition_key"], min_confidence=min_confidence)
        df["title"] = [named[k].text if k in named else None for k in df["partition_key"]]
    return df


@dataclass(frozen=True)
class StoredCatalog:
    rows: int
    by_status: dict[str, int]
    paths: dict[str, Path]
    preview: str


def store_catalog(
    *, sessions: Sessions, layout: StorageLayout, store: LocalStore, min_confidence: float
) -> StoredCatalog:
    """Write the catalog to its place in the storage layout and publish it to the shared store."""
    from vsl_assets import catalog

    with sessions() as s:
        df = _titled(s, catalog.build_catalog(s, min_confidence=min_confidence), min_confidence)
    paths = {fmt: catalog.write(df, layout.catalog_path(fmt), fmt) for fmt in STORED_FORMATS}
    store.publish(*paths.values())
    counts = df["status"].value_counts().to_dict() if len(df) else {}
    return StoredCatalog(len(df), {str(k): int(v) for k, v in counts.items()}, paths, catalog.preview_markdown(df))
