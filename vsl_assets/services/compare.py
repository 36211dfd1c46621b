"""Compare two or three VSLs side by side, and say what changed between two versions of one VSL
(:func:`versions_of_one`: the pages offer "what changed" only there; ``/api/diff`` diffs any two):
the rows come from the library's detail, the work from :mod:`vsl_assets.compare`.

The library's detail already withholds every breakdown value the engine was not sure of (with the
configured ``VSL_BREAKDOWN_MIN_CONFIDENCE``) and names it under ``unsure``; the facts handed to the
diff are built from that, so "not sure" is decided in one place and a guess is never compared.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from vsl_assets.breakdown import columns as breakdown_columns
from vsl_assets.compare import FIELDS, BeatSpan, Diff, Facts, diff_versions, time_axis
from vsl_assets.compare.facts import diff_field
from vsl_assets.db.models import Audio, BreakdownRow, TranscriptRow, Url, Video
from vsl_assets.db.watch_models import WatchVersion
from vsl_assets.net.urls import page_address
from vsl_assets.services import library, schemas, titles
from vsl_assets.storage import validate_key

#: Each compared fact's definition by name: how the pages show its value and its change.
FACTS: dict[str, breakdown_columns.BreakdownField] = {f.name: f for f in breakdown_columns.FIELDS}
MIN_VSLS = 2
MAX_VSLS = 3
#: The longest ``keys`` value read: three keys and their commas, with room to spare.
MAX_KEYS_CHARS = 600


class CompareRequestError(ValueError):
    """The request names too few, too many or malformed keys; the message says which."""


class UnknownVsl(LookupError):
    def __init__(self, key: str) -> None:
        super().__init__(f"no VSL with key {key[:80]!r}")
        self.key = key


def parse_keys(values: Iterable[str], *, at_most: int = MAX_VSLS) -> list[str]:
    """Keys from ``keys=A,B`` and/or ``keys=A&keys=B``, in order, each once."""
    keys: list[str] = []
    total = 0
    for value in values:
        total += len(value)
        if total > MAX_KEYS_CHARS:
            raise CompareRequestError(f"keys: at most {at_most} VSL keys, separated by commas")
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            try:
                key = validate_key(part)
            except ValueError:
                raise CompareRequestError(f"keys: {part[:80]!r} is not a VSL key") from None
            if key not in keys:
                keys.append(key)
    if len(keys) > at_most:
        raise CompareRequestError(f"keys: at most {at_most} VSLs at once, got {len(keys)}")
    return keys


class VslHeader(BaseModel):
    key: str
    #: What the VSL page calls it (the display title, ``services.titles``).
    title: str
    url: str
    status: str
    duration_s: float | None
    language: str | None
    #: False: not analysed yet, so its breakdown fields are unknown (shown "not analysed").
    has_breakdown: bool = True


class ComparedVsl(VslHeader):
    breakdown: schemas.BreakdownOut | None
    segments: list[schemas.SegmentOut]


class Cell(BaseModel):
    """One VSL's value of a field: None when unstated or not sure (then ``unsure`` is true)."""

    value: Any = None
    unsure: bool = False


class FieldRow(BaseModel):
    field: str
    cells: list[Cell]
    #: Some VSL's known value differs from the first's (a "not sure" never counts as different).
    differs: bool


class Comparison(BaseModel):
    vsls: list[ComparedVsl]
    #: The shared time axis: the longest video's seconds, and its ticks.
    axis_s: float
    ticks: list[float]
    fields: list[FieldRow]
    #: For each VSL after the first: whether it and the one before it are versions of one VSL
    #: (:func:`versions_of_one`), the only pairs the page offers "what changed" between.
    versions: list[bool] = []


class Changes(Diff):
    """The diff, with who the two sides are."""

    old: VslHeader
    new: VslHeader


def title_of(detail: schemas.VslDetail) -> str:
    """The VSL's display title, as every page shows it (``services.titles``, carried by the detail)."""
    return detail.title


def duration_of(detail: schemas.VslDetail) -> float | None:
    for media in (detail.video, detail.audio):
        if media is not None and media.duration_s:
            return float(media.duration_s)
    return detail.segments[-1].end if detail.segments else None


def header_of(detail: schemas.VslDetail) -> VslHeader:
    return VslHeader(
        key=detail.partition_key,
        title=title_of(detail),
        url=detail.url,
        status=detail.status,
        duration_s=duration_of(detail),
        language=detail.language,
        has_breakdown=detail.breakdown is not None,
    )


def _value(b: schemas.BreakdownOut, field: breakdown_columns.BreakdownField) -> Any:
    """A fact's value from the API's breakdown: its column, or a price from its columns' parts."""
    if field.kind != "price":
        return getattr(b, field.name)
    price = {c.part: getattr(b, c.name) for c in breakdown_columns.field_columns(field.name) if c.api and c.part}
    if price.get("amount") is None:
        return None
    return {part: price.get(part) for part in PRICE_PARTS}


#: What a price holds for the diff (``compare.facts.Facts``); a part the breakdown lacks is None.
PRICE_PARTS = ("amount", "currency", "installments", "installment_amount")


def facts_of(detail: schemas.VslDetail) -> Facts:
    """The diff's view of a VSL: its breakdown's sure values, the page's offer second, its duration."""
    b = detail.breakdown
    page_pitch = b.page_pitch_s if b is not None and b.page_pitch_s is not None else None
    if page_pitch is None and detail.source is not None:
        page_pitch = detail.source.cta_seconds
    values: dict[str, Any] = {"duration_s": duration_of(detail), "page_pitch_s": page_pitch}
    if b is None:  # not analysed: the breakdown's fields are unknown, not absent
        return Facts.not_analysed(values)
    values.update({f.name: _value(b, f) for f in breakdown_columns.FIELDS if f.graded})
    return Facts(
        values=values,
        unsure=frozenset(b.unsure),
        beats=tuple(BeatSpan(x.beat, x.start_s, x.end_s) for x in b.beats),
    )


#: What an alias shows of its original: the video it plays is that VSL's, analysed there once.
CONTENT_OF_ORIGINAL = ("segments", "breakdown", "video", "audio", "language")


def _details(session: Session, keys: list[str], min_confidence: float) -> list[schemas.VslDetail]:
    """Each key's detail; an alias (a page whose video was already in the library, so it was not
    processed again) carries its original's transcript, breakdown and media under its own key,
    title, address and page facts: a watched page whose first video was a duplicate compared as
    "not analysed, every sentence added" against its next version (a new user's trial)."""
    out = []
    for key in keys:
        found = library.detail(session, key, min_confidence=min_confidence)
        if found is None:
            raise UnknownVsl(key)
        if found.alias_of is not None and found.breakdown is None and not found.segments:
            original = library.detail(session, found.alias_of.partition_key, min_confidence=min_confidence)
            if original is not None:
                found = found.model_copy(update={name: getattr(original, name) for name in CONTENT_OF_ORIGINAL})
        out.append(found)
    return out


def compare(session: Session, keys: list[str], *, min_confidence: float) -> Comparison:
    if not MIN_VSLS <= len(keys) <= MAX_VSLS:
        raise CompareRequestError(f"keys: compare {MIN_VSLS} or {MAX_VSLS} VSLs, got {len(keys)}")
    details = _details(session, keys, min_confidence)
    facts = [facts_of(d) for d in details]
    rows = []
    for name, kind in FIELDS:
        cells = [Cell(value=None if name in f.unsure else f.values.get(name), unsure=name in f.unsure) for f in facts]
        differs = any(
            diff_field(name, kind, facts[0], other).status in ("changed", "added", "removed") for other in facts[1:]
        )
        rows.append(FieldRow(field=name, cells=cells, differs=differs))
    axis_s, ticks = time_axis([duration_of(d) for d in details])
    vsls = [ComparedVsl(**header_of(d).model_dump(), breakdown=d.breakdown, segments=d.segments) for d in details]
    pairs = versions_of_one(session, keys)
    return Comparison(vsls=vsls, axis_s=axis_s, ticks=ticks, fields=rows, versions=pairs)


def versions_of_one(session: Session, keys: list[str]) -> list[bool]:
    """For each neighbouring pair of ``keys``: whether the two are versions of one VSL, so that
    "what changed" between them means something. They are when the watch found both on one page
    (a page and its later versions, ``watch_versions``), when one is the other's alias (or both
    one VSL's), or when both are the same address (``net.urls.page_address``). Two unrelated VSLs are compared side by side, never "changed" into each other."""
    rows = {
        r.partition_key: r
        for r in session.execute(
            select(Url.partition_key, Url.id, Url.url, Url.alias_of).where(Url.partition_key.in_(keys))
        )
    }
    ids = [r.id for r in rows.values()]
    page_of: dict[int, int] = {
        version: page
        for version, page in session.execute(
            select(WatchVersion.version_url_id, WatchVersion.url_id).where(WatchVersion.version_url_id.in_(ids))
        )
    }

    def one_vsl(a: str, b: str) -> bool:
        x, y = rows.get(a), rows.get(b)
        if x is None or y is None:
            return False
        if page_of.get(x.id, x.id) == page_of.get(y.id, y.id):
            return True
        if (x.alias_of or x.id) == (y.alias_of or y.id):
            return True
        return page_address(x.url) == page_address(y.url)

    return [one_vsl(a, b) for a, b in itertools.pairwise(keys)]


def diff(session: Session, old_key: str, new_key: str, *, min_confidence: float) -> Changes:
    old, new = _details(session, [old_key, new_key], min_confidence)
    found = diff_versions(old_key, old.segments, facts_of(old), new_key, new.segments, facts_of(new))
    return Changes(**dict(found), old=header_of(old), new=header_of(new))


def in_added_order(session: Session, keys: list[str]) -> list[str]:
    """The keys ordered as the VSLs were added (unknown keys last, as given): a picker's boxes
    come newest first, but "what changed" reads from the older to the newer."""
    rows = session.execute(select(Url.partition_key, Url.id).where(Url.partition_key.in_(keys)))
    ids: dict[str, int] = {key: url_id for key, url_id in rows}
    return sorted(keys, key=lambda k: (k not in ids, ids.get(k, 0)))


def headers(session: Session, keys: list[str], *, min_confidence: float) -> list[VslHeader]:
    """The named VSLs that exist (for a picker that keeps what was already chosen)."""
    found = _light_headers(session, keys, min_confidence=min_confidence)
    return [found[key] for key in keys if key in found]


def later_versions(session: Session, page_keys: list[str], *, min_confidence: float) -> dict[str, list[VslHeader]]:
    """Each of these watched pages' later versions, oldest first: the library shows one card per
    page, and the picker lists its versions under it, so two of them can be picked for "what changed".

    A header needs a few columns of each version's rows (:func:`_light_headers`), not its detail:
    the detail reads the transcript's segments, beats, jobs and dead letters of every version."""
    page, version = aliased(Url), aliased(Url)
    rows = session.execute(
        select(page.partition_key, version.partition_key)
        .join(WatchVersion, WatchVersion.url_id == page.id)
        .join(version, version.id == WatchVersion.version_url_id)
        .where(page.partition_key.in_(page_keys), WatchVersion.number > 1)
        .order_by(page.id, WatchVersion.number)
    ).all()
    found = _light_headers(session, [key for _, key in rows], min_confidence=min_confidence)
    out: dict[str, list[VslHeader]] = {}
    for page_key, key in rows:
        if key in found:
            out.setdefault(page_key, []).append(found[key])
    return out


def _light_headers(session: Session, keys: list[str], *, min_confidence: float) -> dict[str, VslHeader]:
    """These VSLs' headers, as :func:`header_of` makes them from a detail, from one statement and
    their titles (``titles.titles_for``): the media's duration, else the transcript's."""
    if not keys:
        return {}
    named = titles.titles_for(session, keys, min_confidence=min_confidence)
    # An alias with no title of its own is called by its original's, as its detail calls it.
    named |= titles.alias_titles(
        session, [k for k, t in named.items() if t.source == "none"], min_confidence=min_confidence
    )
    rows = session.execute(
        select(
            Url.partition_key,
            Url.url,
            Url.status,
            Video.duration_s.label("video_s"),
            Audio.duration_s.label("audio_s"),
            TranscriptRow.duration_s.label("transcript_s"),
            TranscriptRow.language,
            BreakdownRow.id.label("breakdown_id"),
        )
        .select_from(Url)
        .outerjoin(Video, Video.url_id == Url.id)
        .outerjoin(Audio, Audio.url_id == Url.id)
        .outerjoin(TranscriptRow, TranscriptRow.url_id == Url.id)
        .outerjoin(BreakdownRow, BreakdownRow.url_id == Url.id)
        .where(Url.partition_key.in_(keys))
    )
    return {
        r.partition_key: VslHeader(
            key=r.partition_key,
            title=named[r.partition_key].text,
            url=r.url,
            status=r.status,
            duration_s=next((float(d) for d in (r.video_s, r.audio_s, r.transcript_s) if d), None),
            language=r.language,
            has_breakdown=r.breakdown_id is not None,
        )
        for r in rows
    }
