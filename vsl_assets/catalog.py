"""The catalog: one row per VSL, for analysts (pandas, Parquet, CSV, JSON).

Built from the app database in one query (the product's record), so the files always agree with
what the web app and ``vsl status`` show.  Written atomically: a reader never sees a half-written
catalog.

A breakdown value the engine graded below ``min_confidence`` (``VSL_BREAKDOWN_MIN_CONFIDENCE``) is
left empty, as unknown, and its field named in ``not_sure``; breakdowns with no grades recorded
(analysed before grades existed) are listed as they always were.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.breakdown import columns as breakdown_columns
from vsl_assets.breakdown.models import is_sure
from vsl_assets.db.models import Audio, BreakdownRow, Source, TranscriptRow, Url, Video
from vsl_assets.storage import atomic_path

#: The URL's, its media's and its transcript's columns, ahead of the breakdown's facts.
_HEAD = (
    "partition_key",
    "url",
    "status",
    "reason",
    "title",
    "player",
    "duration_s",
    "language",
    "words",
    "words_per_minute",
    "transcript_quality",
    "needs_review",
)
#: The facts of ``breakdown.columns.FIELDS`` the catalog leaves out, and why.
LEFT_OUT: dict[str, str] = {
    "hook": "a quoted sentence, not a value to sort or count: read it on the VSL page or in its export",
    "mechanism": "a quoted phrase, not a value to sort or count: read it on the VSL page or in its export",
}


def fact_columns(fact: breakdown_columns.BreakdownField) -> tuple[str, ...]:
    """The catalog's columns of one fact: a graded fact's columns that have a catalog name (a
    price: its amount and, for the offer, its currency); the page's and the media's seconds under
    their own name."""
    if not fact.graded:
        return (fact.name,)
    return tuple(c.catalog for c in breakdown_columns.field_columns(fact.name) if c.catalog)


#: The breakdown's facts in the catalog, in the order a copywriter reads them (``FIELDS``); the
#: video's length is among the head's columns.
FACT_COLUMNS: tuple[str, ...] = tuple(
    column for f in breakdown_columns.FIELDS for column in fact_columns(f) if column not in _HEAD
)
#: The catalog's columns, in order.
COLUMNS = (*_HEAD, *FACT_COLUMNS, "not_sure", "created_at", "updated_at")
#: Columns read as numbers (seconds, amounts) and as whole numbers (counts), by each fact's kind.
_FLOATS = (
    *(c for f in breakdown_columns.FIELDS if f.kind == "seconds" for c in fact_columns(f) if c in FACT_COLUMNS),
    *(c.catalog for c in breakdown_columns.COLUMNS if c.part == "amount" and c.catalog),
)
_INTEGERS = ("words", *(c for f in breakdown_columns.FIELDS if f.kind == "number" for c in fact_columns(f)))
#: The catalog columns each graded breakdown field fills (emptied together when it is not sure),
#: from the one definition of the breakdown's columns.
GRADED_COLUMNS: dict[str, tuple[str, ...]] = breakdown_columns.graded(lambda c: c.catalog)
FORMATS = ("parquet", "csv", "json")


def _withhold_unsure(df: pd.DataFrame, min_confidence: float) -> None:
    """Empty the values graded below ``min_confidence`` and name their fields in ``not_sure``."""
    not_sure: list[str | None] = []
    for i, grades in enumerate(df["confidence"]):
        grades = grades if isinstance(grades, dict) else None
        unsure = [
            field
            for field, columns in GRADED_COLUMNS.items()
            if not pd.isna(df.at[i, columns[0]]) and not is_sure(grades, field, min_confidence)
        ]
        for field in unsure:
            for column in GRADED_COLUMNS[field]:
                df.at[i, column] = None
        not_sure.append(",".join(unsure) or None)
    df["not_sure"] = not_sure


def build_catalog(session: Session, *, min_confidence: float) -> pd.DataFrame:
    """One row per URL, whatever its status (a failed URL shows its reason)."""
    query = (
        select(
            Url.partition_key,
            Url.url,
            Url.status,
            Url.reason,
            Source.title,
            Source.kind.label("player"),
            Video.duration_s.label("video_duration_s"),
            Audio.duration_s.label("audio_duration_s"),
            TranscriptRow.language.label("transcript_language"),
            TranscriptRow.word_count.label("words"),
            TranscriptRow.quality_score.label("transcript_quality"),
            TranscriptRow.needs_review,
            BreakdownRow.language.label("breakdown_language"),
            *(getattr(BreakdownRow, c.name).label(c.catalog) for c in breakdown_columns.COLUMNS if c.catalog),
            BreakdownRow.page_pitch_s,
            BreakdownRow.confidence,
            Url.created_at,
            Url.updated_at,
        )
        .outerjoin(Source, Source.url_id == Url.id)
        .outerjoin(Video, Video.url_id == Url.id)
        .outerjoin(Audio, Audio.url_id == Url.id)
        .outerjoin(TranscriptRow, TranscriptRow.url_id == Url.id)
        .outerjoin(BreakdownRow, BreakdownRow.url_id == Url.id)
        .order_by(Url.id)
    )
    df = pd.DataFrame(session.execute(query).mappings().all())
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    df = df.astype({column: "object" for columns in GRADED_COLUMNS.values() for column in columns})
    _withhold_unsure(df, min_confidence)
    for column in _FLOATS:
        df[column] = pd.to_numeric(df[column])
    df["duration_s"] = df["audio_duration_s"].fillna(df["video_duration_s"])
    df["language"] = df["transcript_language"].fillna(df["breakdown_language"])
    minutes = df["duration_s"] / 60.0
    df["words_per_minute"] = (df["words"] / minutes.where(minutes > 0)).round(1)
    for column in _INTEGERS:
        df[column] = df[column].astype("Int64")
    for column in ("created_at", "updated_at"):
        df[column] = pd.to_datetime(df[column], utc=True)
    return df[list(COLUMNS)]


def write(df: pd.DataFrame, path: Path, fmt: str) -> Path:
    """Write ``df`` to ``path`` as ``fmt`` (temp file, fsync, rename)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown catalog format {fmt!r}; use one of {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        if fmt == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            tmp.write_text(as_text(df, fmt), encoding="utf-8")
    return path


def as_text(df: pd.DataFrame, fmt: str) -> str:
    """``df`` as CSV or JSON text (Parquet is binary: write it to a file)."""
    if fmt == "csv":
        return str(df.to_csv(index=False))
    if fmt == "json":
        return str(df.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
    raise ValueError(f"{fmt} is not a text format; use csv or json")


def preview_markdown(df: pd.DataFrame, rows: int = 10) -> str:
    shown = df.head(rows)[["partition_key", "status", "duration_s", "language", "niche", "lead_type", "offer_price"]]
    header = "| " + " | ".join(shown.columns) + " |\n|" + "---|" * len(shown.columns)
    lines = [
        "| " + " | ".join("" if pd.isna(v) else str(v).replace("|", "/") for v in row) + " |"
        for row in shown.itertuples(index=False)
    ]
    more = f"\n\n… {len(df) - rows} more" if len(df) > rows else ""
    return "\n".join([header, *lines]) + more
