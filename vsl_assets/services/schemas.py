"""Pydantic models of every request and response body (they are the OpenAPI schema at /docs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vsl_assets.settings import retranscribe_language, url_language

Sort = Literal["newest", "oldest", "duration", "-duration", "price", "-price", "title", "-days_live", "days_live"]


class AddUrlsRequest(BaseModel):
    urls: list[str] = Field(
        min_length=1,
        max_length=100_000,
        description="Page or stream URLs, as pasted (at most VSL_WEB_MAX_URLS_PER_ADD).",
    )
    language: str | None = Field(
        default=None,
        max_length=8,
        description="The VSLs' language (pt, en, es...): transcribed in it; empty or auto = detected.",
    )

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return url_language(value)


class AddedUrl(BaseModel):
    """One pasted URL's outcome, in input order (``services.intake.add_urls`` makes them)."""

    model_config = ConfigDict(frozen=True)

    #: The normalised URL, or the input (cut to 300 characters) when it was refused.
    url: str
    partition_key: str | None = None
    status: str | None = None
    #: True for the first occurrence of a URL that was not in the database before.
    added: bool = False
    #: Why the URL was refused (then partition_key and status are null).
    error: str | None = None
    #: Why the pipeline will refuse to fetch it (a private address, ``localhost``); stored all the same.
    warning: str | None = None


class AddUrlsResponse(BaseModel):
    results: list[AddedUrl]
    added: int
    known: int
    invalid: int
    #: What the caller should know about the batch as a whole (e.g. partitions left to the sensor).
    notes: list[str] = []


#: Where a VSL's title came from (``services.titles``): a person's edit, the sales page, the
#: product the breakdown named, the hook's first words, or nothing ("Untitled VSL").
TitleSourceOut = Literal["custom", "page", "product", "hook", "none"]


class VslCard(BaseModel):
    partition_key: str
    url: str
    host: str
    #: The display title (``services.titles``): never the host or the URL.
    title: str
    title_source: TitleSourceOut
    #: Another URL of a VSL already in the library (same video): status ``alias``, not processed.
    alias: bool = False
    status: str
    reason: str | None
    duration_s: float | None
    language: str | None
    niche: str | None
    lead_type: str | None
    awareness: str | None
    price: float | None
    currency: str | None
    created_at: datetime | None
    #: The transcript has a warning or a low quality score: shown flagged, not green.
    needs_review: bool = False
    transcript_quality: float | None = None
    #: Watched pages: whole days from first seen to last seen live, down since, versions seen.
    days_live: int | None = None
    down_since: datetime | None = None
    versions: int | None = None


class VslPage(BaseModel):
    items: list[VslCard]
    total: int
    limit: int
    offset: int
    #: Pass as ``after`` for the next page (newest/oldest sort only): keyset pagination.
    next_after: int | None = None


class SegmentOut(BaseModel):
    start: float
    end: float
    text: str
    #: The engine doubted this stretch (low log-probability, a loop, or likely silence).
    low_confidence: bool = False


class BeatOut(BaseModel):
    beat: str
    start_s: float
    end_s: float
    quote: str


class JobOut(BaseModel):
    step: str
    run_id: str | None
    attempt: int
    outcome: str
    error: str | None
    started_at: datetime | None
    finished_at: datetime | None


class DeadLetterOut(BaseModel):
    step: str
    run_id: str | None
    error_class: str
    message: str
    attempt: int
    created_at: datetime | None
    retried_at: datetime | None


class SourceOut(BaseModel):
    page_url: str
    stream_url: str
    player: str
    title: str | None
    cta_seconds: float | None
    cta_source: str | None
    drm: bool


class MediaOut(BaseModel):
    size_bytes: int
    duration_s: float
    codec: str | None = None
    width: int | None = None
    height: int | None = None
    bitrate: int | None = None
    sample_rate: int | None = None
    channels: int | None = None


class EvidenceOut(BaseModel):
    quote: str
    start: float
    end: float


class UnsureOut(BaseModel):
    """A field the engine read but graded below ``min_confidence``: its value is withheld (null in
    the breakdown) and shown as "not sure", with the grade and the words it was read from."""

    confidence: float
    evidence: EvidenceOut | None


class PriceMentionOut(BaseModel):
    """One amount said in the video and the role it was given (only ``offer`` is the price)."""

    amount: float
    currency: str | None
    role: str
    start: float
    end: float
    quote: str
    why: str = ""


class BreakdownOut(BaseModel):
    """A VSL's breakdown.  A value field is null when unknown, and also when the engine was not sure
    of it: then ``unsure`` names it with its grade and evidence.  ``confidence`` lists every grade
    recorded; a breakdown with none (analysed before grades existed) is taken as sure throughout."""

    status: str
    language: str | None
    niche: str | None
    lead_type: str | None
    awareness: str | None
    #: Second the offer section starts (from the transcript).
    pitch_s: float | None
    #: Second the page revealed its buy button (the player's configuration), when known.
    page_pitch_s: float | None
    #: Second the product is first named.
    product_reveal_s: float | None
    offer_amount: float | None
    offer_currency: str | None
    offer_installments: int | None
    offer_installment_amount: float | None
    anchor_amount: float | None
    anchor_currency: str | None
    guarantee_days: int | None
    hook: str | None
    product: str | None
    mechanism: str | None
    consistency: str | None
    engine: str
    model: str
    evidence: dict[str, Any]
    confidence: dict[str, float] = Field(default_factory=dict)
    #: The threshold (``VSL_BREAKDOWN_MIN_CONFIDENCE``) this answer was judged with.
    min_confidence: float
    unsure: dict[str, UnsureOut] = Field(default_factory=dict)
    prices: list[PriceMentionOut] = Field(default_factory=list)
    beats: list[BeatOut]


class TranscriptWarningOut(BaseModel):
    #: ``language`` (outside VSL_LANGUAGES or unsure) or ``coverage`` (speech without text).
    kind: str
    message: str


class VslRef(BaseModel):
    partition_key: str
    title: str


class VslDetail(BaseModel):
    partition_key: str
    url: str
    #: The display title and where it came from; ``detected_title`` is what it is without the
    #: person's edit (``custom_title``), which clearing the edit gives back.
    title: str
    title_source: TitleSourceOut
    detected_title: str
    detected_title_source: TitleSourceOut
    custom_title: str | None
    #: The VSL whose video this URL's page plays (this one is its alias, not processed again)...
    alias_of: VslRef | None = None
    #: ...and, on that VSL, the URLs that are its aliases.
    aliases: list[VslRef] = Field(default_factory=list)
    status: str
    reason: str | None
    created_at: datetime | None
    updated_at: datetime | None
    source: SourceOut | None
    video: MediaOut | None
    audio: MediaOut | None
    language: str | None
    #: How the transcript's language was decided: detected (with its probability among the
    #: allowed languages), url (the URL's own), setting, engine or model.
    language_probability: float | None = None
    language_source: str | None = None
    language_note: str | None = None
    #: The language given for this URL (None: detected).
    url_language: str | None = None
    #: Share of the VAD's speech time with transcript text (0-1).
    speech_coverage: float | None = None
    #: Why the transcript should not be trusted as is; empty = no warning.
    transcript_warnings: list[TranscriptWarningOut] = []
    segments: list[SegmentOut]
    breakdown: BreakdownOut | None
    jobs: list[JobOut]
    dead_letters: list[DeadLetterOut]


class TitleIn(BaseModel):
    title: str | None = Field(
        default=None, max_length=2000, description="The VSL's title; null or blank = back to the detected title."
    )


class TitleOut(BaseModel):
    partition_key: str
    title: str
    title_source: TitleSourceOut
    detected_title: str
    custom_title: str | None


class RetranscribeRequest(BaseModel):
    language: str | None = Field(
        default=None,
        max_length=8,
        description="Transcribe in this language (kept for the URL); auto = detect; empty = as before.",
    )
    model: str | None = Field(
        default=None,
        max_length=256,
        description="Whisper model for this URL: the configured one or a standard faster-whisper size "
        "(tiny ... large-v3, turbo, distil-*); empty = as before.",
    )

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return retranscribe_language(value)


class RequeueResponse(BaseModel):
    partition_key: str
    status: str
    queued: bool


class RemovedResponse(BaseModel):
    partition_key: str
    #: Rows, files (and their objects in the shared store), search documents and the partition.
    removed: bool


class UrlState(BaseModel):
    partition_key: str
    status: str
    reason: str | None
    #: Where a URL on its way stands (``vsl_assets.progress``): 0-5 along the pipeline, the running
    #: step's percent, the estimated end, URLs waiting ahead, and whether its worker went silent.
    stage: int | None = None
    percent: float | None = None
    eta_at: datetime | None = None
    ahead: int | None = None
    stalled: bool | None = None


class SearchRow(BaseModel):
    """One hit, exactly as ``vsl search --json`` prints it; a VSL that only the filters list (no
    words given) has no moment: ``start``/``end`` null and empty text."""

    partition_key: str
    url: str
    title: str | None
    language: str | None
    start: float | None
    end: float | None
    text: str
    snippet: str
    snippet_html: str
    score: float


class SavedSearchIn(BaseModel):
    """A search to keep: the search page's query string (``q=...&language=pt&board=3``), read
    exactly as the page's "Save this search" reads it (unknown fields dropped)."""

    query: str = Field(max_length=4000, description="the search page's query string, e.g. q=garantia&language=pt")
    name: str = Field(default="", max_length=200, description="blank: the words searched")


class SavedSearchOut(BaseModel):
    id: int
    name: str
    #: The query string as kept (only the search page's own fields).
    query: str
    #: The search page with it: ``/search?<query>``.
    url: str
    created_at: datetime | None


class Health(BaseModel):
    status: Literal["ok"]
    database: str
    schema_head: str


class BoardIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    note: str | None = Field(default=None, max_length=5000, description="the board's description")
    visibility: Literal["private", "team"] = Field(
        default="private", description="private: the owner and members; team: every login"
    )


class BoardEdit(BaseModel):
    """Only the fields sent change; ``visibility`` is the owner's to change."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    note: str | None = Field(default=None, max_length=5000)
    visibility: Literal["private", "team"] | None = None


class BoardItemIn(BaseModel):
    partition_key: str = Field(max_length=64)
    note: str | None = Field(default=None, max_length=5000)
    tags: list[str] = Field(default_factory=list, max_length=50)


class BoardItemEdit(BaseModel):
    """Only the fields sent change; an empty note or tag list clears it."""

    note: str | None = Field(default=None, max_length=5000)
    tags: list[str] | None = Field(default=None, max_length=50)


class BoardOrder(BaseModel):
    """Partition keys in the wanted order; those left out follow, in their current order."""

    keys: list[str] = Field(max_length=5000)


class BoardsOrder(BaseModel):
    ids: list[int] = Field(max_length=5000)


class BoardMemberIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)


class BoardShareIn(BaseModel):
    days: int = Field(default=7, ge=1, le=90, description="the link stops working after this many days")


class BoardShareOut(BaseModel):
    id: int
    created_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    #: active, expired or revoked.
    state: str


class BoardShareCreated(BoardShareOut):
    #: The link, shown this once: only its hash is stored.
    url: str


class BoardItemOut(BaseModel):
    partition_key: str
    url: str
    title: str | None
    note: str | None
    tags: list[str]
    position: int = 0
    status: str | None = None
    duration_s: float | None = None
    niche: str | None = None
    lead_type: str | None = None
    awareness: str | None = None
    price: float | None = None
    currency: str | None = None
    pitch_s: float | None = None
    guarantee_days: int | None = None


class TagCount(BaseModel):
    tag: str
    #: What tags are compared by (no case, no accents): pass it as ``?tag=``.
    key: str
    count: int


class BoardSummary(BaseModel):
    id: int
    name: str
    note: str | None
    visibility: str
    owner: str
    count: int
    mine: bool


class BoardOut(BaseModel):
    id: int
    name: str
    note: str | None
    visibility: str = "private"
    owner: str = ""
    members: list[str] = Field(default_factory=list)
    #: Every tag on the board with how many VSLs carry it (not only the filtered ones).
    tags: list[TagCount] = Field(default_factory=list)
    #: VSLs on the board, and those matching the tag filter (``items`` may show fewer: a page
    #: shows the first ones, in order).
    total: int = 0
    matching: int = 0
    items: list[BoardItemOut] = Field(default_factory=list)
