"""The catalog: one row per VSL, for analysts (pandas, Parquet, CSV, JSON).

Built from the app database in one query (the product's record), so the files always agree with
what the web app and ``vsl status`` show.  Written atomically: a reader never sees a half-written
catalog.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.db.models import Audio, BreakdownRow, Source, TranscriptRow, Url, Video
from vsl_assets.storage import atomic_path

#: The catalog's columns, in order.
COLUMNS = (
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
    "niche",
    "lead_type",
    "awareness",
    "pitch_s",
    "page_pitch_s",
    "offer_price",
    "offer_currency",
    "anchor_price",
    "guarantee_days",
    "product",
    "created_at",
    "updated_at",
)
FORMATS = ("parquet", "csv", "json")


def build_catalog(session: Session) -> pd.DataFrame:
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
            BreakdownRow.niche,
            BreakdownRow.lead_type,
            BreakdownRow.awareness,
            BreakdownRow.pitch_s,
            BreakdownRow.page_pitch_s,
            BreakdownRow.offer_amount.label("offer_price"),
            BreakdownRow.offer_currency,
            BreakdownRow.anchor_amount.label("anchor_price"),
            BreakdownRow.guarantee_days,
            BreakdownRow.product,
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
    df["duration_s"] = df["audio_duration_s"].fillna(df["video_duration_s"])
    df["language"] = df["transcript_language"].fillna(df["breakdown_language"])
    minutes = df["duration_s"] / 60.0
    df["words_per_minute"] = (df["words"] / minutes.where(minutes > 0)).round(1)
    for column in ("words", "guarantee_days"):
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
        elif fmt == "csv":
            df.to_csv(tmp, index=False)
        else:
            df.to_json(tmp, orient="records", date_format="iso", force_ascii=False, indent=2)
    return path


def preview_markdown(df: pd.DataFrame, rows: int = 10) -> str:
    shown = df.head(rows)[["partition_key", "status", "duration_s", "language", "niche", "lead_type", "offer_price"]]
    header = "| " + " | ".join(shown.columns) + " |\n|" + "---|" * len(shown.columns)
    lines = [
        "| " + " | ".join("" if pd.isna(v) else str(v).replace("|", "/") for v in row) + " |"
        for row in shown.itertuples(index=False)
    ]
    more = f"\n\n… {len(df) - rows} more" if len(df) > rows else ""
    return "\n".join([header, *lines]) + more
