"""The breakdown of one VSL: what every breakdown engine returns and every consumer reads.

The vocabularies are the ones copywriters already use (Schwartz's five awareness levels, Masterson &
Forde's six lead types, the beats of a pitch), fixed as ``Literal`` types so that a typo in an engine
fails validation instead of creating a new category in the database.  The same model is the JSON
stored as ``breakdowns/<key>.json`` and printed by ``vsl analyze --json``, and, through
:func:`openai_schema`, the structured-output schema a language model fills.

Every label carries its evidence (the quote and time it was read from) so a person can check a
label in seconds, and so a wrong label can be traced to the sentence that misled the engine.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

NicheTop = Literal["health", "wealth", "relationships", "spirituality", "self_improvement", "other"]

#: ``top/sub`` pairs.  Static (not read from the taxonomy file) so type checkers and the JSON
#: schema know them; a test keeps ``taxonomy.json`` and this list identical.
Niche = Literal[
    "health/weight_loss",
    "health/diabetes",
    "health/blood_pressure",
    "health/mens_health",
    "health/joint_pain",
    "health/memory",
    "health/vision",
    "health/hearing",
    "health/sleep",
    "health/beauty",
    "health/hair_loss",
    "health/other",
    "wealth/make_money_online",
    "wealth/investing",
    "wealth/trading",
    "wealth/crypto",
    "wealth/business",
    "wealth/other",
    "relationships/dating",
    "relationships/reconquest",
    "relationships/marriage",
    "relationships/other",
    "spirituality/manifestation",
    "spirituality/prayer",
    "spirituality/astrology",
    "spirituality/other",
    "self_improvement/productivity",
    "self_improvement/language_learning",
    "self_improvement/fitness",
    "self_improvement/other",
    "other/other",
]

#: Eugene Schwartz, *Breakthrough Advertising*: from least to most aware (the order is meaningful:
#: the benchmark scores "within one level").
Awareness = Literal["unaware", "problem_aware", "solution_aware", "product_aware", "most_aware"]

#: Michael Masterson & John Forde, *Great Leads*: from the most direct to the most indirect.
LeadType = Literal["offer", "promise", "problem_solution", "big_secret", "proclamation", "story"]

BeatLabel = Literal[
    "hook",
    "problem",
    "story",
    "mechanism",
    "proof",
    "offer",
    "bonus",
    "price",
    "guarantee",
    "urgency",
    "cta",
]

#: Labels that may carry evidence; the keys of :attr:`Breakdown.evidence`.
EvidenceField = Literal[
    "niche",
    "awareness",
    "lead_type",
    "offer_price",
    "anchor_price",
    "guarantee_days",
    "pitch_s",
    "product_reveal_s",
    "hook",
    "product",
    "mechanism",
]

#: What an amount said in the video is, as the price model reads it.  Only ``offer`` is the price
#: the buyer is asked to pay for the base offer; ``anchor`` is the "normal" price it is compared
#: against; the rest are amounts a naive reader would take for the price and must not.
PriceRole = Literal[
    "offer",  # the price asked for the base offer (cash / à vista total)
    "anchor",  # the normal / list / "worth" price the offer is set against
    "rejected",  # a price struck down on the way to the offer ("not $399", "não por 500 reais")
    "installment",  # one instalment of the offer ("12x de R$ 9,74", "3 payments of $49")
    "alternative",  # another package of the same offer (3 or 6 bottles), an upsell tier
    "per_period",  # a per-day / per-portion breakdown of the offer ("less than $1 a day")
    "comparison",  # what something else costs (a surgery, a competitor, a coach)
    "income",  # money the viewer (or someone) makes or made; results, revenue claims
    "bonus_value",  # what a bonus is "worth"
    "other",  # an amount the model could not place
]

#: Why a breakdown is partial: ``ok`` (analysed), ``no_speech`` (empty transcript: nothing to read),
#: ``unsupported_language`` (not pt/en/es: only language-neutral parts such as prices are read).
Status = Literal["ok", "no_speech", "unsupported_language"]

NICHES: tuple[str, ...] = get_args(Niche)
AWARENESS_LEVELS: tuple[str, ...] = get_args(Awareness)
LEAD_TYPES: tuple[str, ...] = get_args(LeadType)
BEAT_LABELS: tuple[str, ...] = get_args(BeatLabel)
EVIDENCE_FIELDS: tuple[str, ...] = get_args(EvidenceField)

#: The fields issue 12 names for ``vsl analyze --json`` (the model adds evidence, consistency, status, note).
CORE_FIELDS: tuple[str, ...] = (
    "language",
    "niche",
    "awareness",
    "lead_type",
    "beats",
    "offer_price",
    "anchor_price",
    "guarantee_days",
    "pitch_s",
    "product_reveal_s",
    "hook",
    "product",
    "mechanism",
    "engine",
    "model",
)

#: Languages the local engine has lexicons for.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("pt", "en", "es")


def is_sure(confidence: Mapping[Any, Any] | None, field: str, threshold: float) -> bool:
    """Whether ``field`` may be shown and filtered on as known (``threshold``: the configured
    ``VSL_BREAKDOWN_MIN_CONFIDENCE``; below it a field is "not sure").

    A field with no confidence recorded (breakdowns written before confidence existed, or an engine
    that does not grade that field) counts as sure: it is treated as it always was.
    """
    value = (confidence or {}).get(field)
    return value is None or float(value) >= threshold


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Strict):
    """The words a label was read from and where they are in the video (seconds)."""

    quote: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)


class Beat(_Strict):
    """One stretch of the pitch; ``start``/``end`` are segment boundaries of the transcript."""

    beat: BeatLabel
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    quote: str


class Price(_Strict):
    """A price as said: ``amount`` is the total (à vista) price, ``installment_amount`` one instalment.

    ``currency`` is an ISO 4217 code (``BRL``, ``USD``, ``EUR``, ``MXN``...), or None when the video
    never says which.  A "12x de R$ 19,70" with no total said has ``amount`` = 12 x 19.70.
    """

    amount: float = Field(ge=0, description="Total price as a number, e.g. 197 or 49.95.")
    currency: str | None = Field(default=None, description="ISO 4217 code such as BRL, USD, EUR, MXN; null if unsaid.")
    installments: int | None = Field(default=None, ge=1, description="Number of instalments, e.g. 12 in '12x'.")
    installment_amount: float | None = Field(default=None, ge=0, description="One instalment, e.g. 19.70.")

    def describe(self) -> str:
        """``BRL 197.00 (12x 19.70)``: how a person reads the price."""
        text = f"{self.currency or ''} {self.amount:,.2f}".strip()
        if self.installments and self.installment_amount:
            text += f" ({self.installments}x {self.installment_amount:,.2f})"
        return text

    @field_validator("installments", mode="before")
    @classmethod
    def _zero_is_none(cls, value: Any) -> Any:
        # "0 instalments" is how a model (or a careless writer) says "paid at once".
        return None if value == 0 else value


class PriceMention(_Strict):
    """One amount said in the video, with the role the price model gave it and why.

    Kept for every amount (not only the offer) so the VSL page can show why a R$ 500 that was
    struck down is not the price.
    """

    amount: float = Field(ge=0, description="The amount as a number ('$1.5 million' is 1500000).")
    currency: str | None = Field(default=None, description="ISO 4217 code; null if unsaid.")
    role: PriceRole = Field(
        description=(
            "offer: what the buyer is asked to pay now for the base offer; anchor: the normal/list price it is "
            "set against; rejected: a price struck down ('not $399', 'não por 500 reais'); installment: one "
            "instalment of the offer; alternative: another package or tier; per_period: a per-day/per-month "
            "breakdown; comparison: what something else costs; income: money earned or claimed; bonus_value: "
            "what a bonus is worth; other: none of these."
        )
    )
    start: float = Field(ge=0, description="[S] of the line the amount is said in.")
    end: float = Field(ge=0, description="[S] of the line after it.")
    quote: str = Field(description="The words around the amount, verbatim.")
    why: str = Field(default="", description="The cue that decided the role, e.g. 'rejected: \"não por\"'.")


#: An opening sentence shorter than this many words is a call for attention ("Atenção!", "Stop.",
#: "¡Atención!"), not the hook's claim: the hook holds the sentence after it (``names.claims.find_hook``)
#: and a title made from a hook starts there (``services.titles.hook_words``; a new user's trial named a
#: card "Atenção").
HOOK_CALL_WORDS = 3


class Breakdown(_Strict):
    """Niche, lead, awareness, timed beats and offer of one VSL.

    ``consistency`` reports (never forces) Todd Brown's mapping between lead and awareness: offer
    and promise leads suit prospects who already know the product, story/proclamation/big-secret
    leads suit those who do not.  None when the pair fits or either label is missing.
    """

    language: str | None = None
    niche: Niche | None = None
    awareness: Awareness | None = None
    lead_type: LeadType | None = None
    beats: list[Beat] = Field(default_factory=list)
    offer_price: Price | None = None
    anchor_price: Price | None = None
    guarantee_days: int | None = Field(default=None, ge=0, description="Days of the money-back guarantee.")
    pitch_s: float | None = Field(
        default=None,
        ge=0,
        description="Second the offer section starts (what the buyer gets, its price, or the turn into it).",
    )
    product_reveal_s: float | None = Field(default=None, ge=0, description="Second the product is first named.")
    hook: str | None = Field(default=None, description="The opening claim, in the transcript's words.")
    product: str | None = Field(default=None, description="The product's name as said.")
    mechanism: str | None = Field(default=None, description="The named mechanism (the 'why it works'), as said.")
    engine: str
    model: str
    evidence: dict[EvidenceField, Evidence] = Field(default_factory=dict)
    #: How sure the engine is of each field it set, 0..1; a field below the configured threshold
    #: is shown as "not sure" (with its evidence) and treated as unknown by the catalog and filters.
    confidence: dict[EvidenceField, float] = Field(default_factory=dict)
    #: Every amount said, with its role (the offer, rejected anchors, other things' costs...).
    prices: list[PriceMention] = Field(
        default_factory=list, description="Every amount of money said, in time order, each with its role."
    )
    consistency: str | None = None
    status: Status = "ok"
    note: str | None = None

    @field_validator("evidence", mode="before")
    @classmethod
    def _drop_null_evidence(cls, value: Any) -> Any:
        # A strict structured-output schema has every evidence key, null where there is none;
        # the stored form lists only the labels that have evidence.
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if v is not None}
        return value

    @field_validator("confidence", mode="before")
    @classmethod
    def _drop_null_confidence(cls, value: Any) -> Any:
        # Same closed-object form as evidence in the strict schema: null means "not graded".
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if v is not None}
        return value

    @field_validator("confidence")
    @classmethod
    def _confidence_is_a_probability(cls, value: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in value.items() if not 0.0 <= v <= 1.0}
        if bad:
            raise ValueError(f"confidence must be between 0 and 1, got {bad}")
        return value

    def unsure_fields(self, threshold: float) -> list[str]:
        """The fields that hold a value the engine graded below ``threshold`` (in field order)."""
        return [
            name
            for name in EVIDENCE_FIELDS
            if getattr(self, name) is not None and not is_sure(self.confidence, name, threshold)
        ]

    def sure_only(self, threshold: float) -> Breakdown:
        """A copy with every not-sure field set to None: what cards, filters and the catalog may use."""
        return self.model_copy(update={name: None for name in self.unsure_fields(threshold)})

    @property
    def niche_top(self) -> str | None:
        return self.niche.split("/", 1)[0] if self.niche else None

    @property
    def niche_sub(self) -> str | None:
        return self.niche.split("/", 1)[1] if self.niche else None


#: Filled by the code that runs an engine, not by a language model.
_NOT_FROM_MODEL = ("language", "engine", "model", "consistency", "status", "note")


def _strictify(node: Any) -> Any:
    """Make a pydantic JSON schema acceptable to OpenAI's strict structured outputs.

    Strict mode wants every object closed (``additionalProperties: false``) with all its properties
    required (optional ones nullable through ``anyOf`` with null), and ``$ref`` alone in its node;
    it rejects ``default``.  Titles are dropped to keep the prompt short.
    """
    if isinstance(node, list):
        return [_strictify(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strictify(v) for k, v in node.items() if k not in ("default", "title", "minimum")}
    if "$ref" in out and len(out) > 1:
        out = {"$ref": out["$ref"]}
    if out.get("type") == "object" or "properties" in out:
        out["additionalProperties"] = False
        out["required"] = list(out.get("properties", {}))
    return out


def _evidence_object() -> dict[str, Any]:
    """Evidence as a closed object with one nullable key per label (strict mode has no free maps)."""
    nullable = {"anyOf": [{"$ref": "#/$defs/Evidence"}, {"type": "null"}]}
    return {
        "type": "object",
        "description": "For each label you set: the transcript words it was read from and their [seconds].",
        "properties": {name: copy.deepcopy(nullable) for name in EVIDENCE_FIELDS},
    }


def _confidence_object() -> dict[str, Any]:
    """Confidence as a closed object with one nullable number per label (strict mode has no free maps)."""
    nullable = {"anyOf": [{"type": "number"}, {"type": "null"}]}
    return {
        "type": "object",
        "description": (
            "For each label you set: how sure you are, 0 to 1 (0.9: the transcript says it plainly; "
            "0.5: a guess between readings); null for labels you left null."
        ),
        "properties": {name: copy.deepcopy(nullable) for name in EVIDENCE_FIELDS},
    }


def openai_schema() -> dict[str, Any]:
    """The JSON schema a language model fills, valid as an OpenAI ``strict`` response format.

    It is :class:`Breakdown` without the fields the calling code sets (language, engine, model,
    consistency, status, note); evidence and confidence are closed objects with a nullable entry per
    label.  ``Breakdown.model_validate({**reply, "engine": ..., "model": ...,
    "language": ...})`` turns a reply into a breakdown (null evidence and confidence entries are dropped).
    """
    schema = Breakdown.model_json_schema()
    props = schema["properties"]
    for name in _NOT_FROM_MODEL:
        props.pop(name, None)
    props["evidence"] = _evidence_object()
    props["confidence"] = _confidence_object()
    return _strictify(schema)
