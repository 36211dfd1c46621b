"""The breakdown read by a language model through an OpenAI-compatible chat API (engine ``openai``).

The model gets the transcript as compact ``[second] text`` lines and must answer with
:func:`~vsl_assets.breakdown.models.openai_schema` as a ``strict`` JSON-schema response format
(structured outputs), so its answer is machine-checked twice: by the API's constrained decoding,
then by the pydantic models here.  Any OpenAI-compatible server that supports
``response_format={"type": "json_schema", ...}`` works through ``base_url`` (Ollama, vLLM,
llama.cpp's server).

A transcript whose estimated prompt exceeds ``max_input_tokens`` is sent in windows of whole
segments, one request each, and the answers are merged (:func:`merge_windows`); an answer cut
short by the model's output limit is asked again in two halves.  Retries are the official
client's (``max_retries`` re-tries of connection errors, 408, 409, 429 and 5xx with backoff or
the server's ``Retry-After``); what still fails becomes a typed error whose ``reason`` a person
can act on, marked ``retried`` so the orchestrator does not multiply attempts.  The API key never
appears in a reason, detail, log line or result.
"""

from __future__ import annotations

import bisect
import json
import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import openai
from pydantic import ValidationError

from vsl_assets.breakdown.language import guess_language
from vsl_assets.breakdown.models import Breakdown, Evidence, openai_schema
from vsl_assets.core import deadline
from vsl_assets.core.openai_errors import OpenAIErrors
from vsl_assets.errors import ConfigurationError, PermanentError, TransientError, VslError
from vsl_assets.transcription.models import Segment

#: Receives human-readable progress lines (e.g. Dagster's ``context.log.info``).
LogFn = Callable[[str], None]

DEFAULT_MODEL = "gpt-4o-mini"
#: Prompt tokens per request before the transcript is split into windows: well inside the
#: 128k context of gpt-4o(-mini), with room for the answer.  A 60-minute VSL is ~15-20k tokens.
DEFAULT_MAX_INPUT_TOKENS = 100_000
SCHEMA_NAME = "vsl_breakdown"

#: US dollars per million (input, output) tokens, from https://openai.com/api/pricing (standard
#: tier, as listed in mid-2025; check before quoting).  Dated snapshots match by prefix
#: (``gpt-4o-mini-2024-07-18``); any other model (local servers, other vendors) costs None.
PRICE_PER_MTOK_USD: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "o4-mini": (1.10, 4.40),
}

#: Characters per token used to size requests: conservative for Portuguese and Spanish (~3.5 in
#: the GPT-4o tokenizer) so a window never overflows because its estimate was optimistic.
_CHARS_PER_TOKEN = 3.0
#: An answer cut short by the output limit is asked again in halves at most this many times.
_MAX_HALVINGS = 2
_CONNECT_TIMEOUT_S = 10.0

#: What each field means, as the local engine reads it (issue 22): one text per field, sent both in the
#: instructions and as the field's ``description`` in the response schema, so the model sees the definition
#: where it fills the value.  The examples are sentences of this project, not of any VSL.
DEFINITIONS: dict[str, str] = {
    "pitch_s": (
        "the [S] where the offer section starts: the first line presenting what the buyer gets, its price, "
        'or the explicit turn into it ("let me show you everything you get", "agora vou te mostrar como '
        'garantir o seu", "te voy a mostrar todo lo que recibes"); where a sales page would show its buy '
        "button. In a video that asks no price and names no turn, the invitation (a free call, demo, training or "
        'event) or, failing that, the closing call to action ("request a demo", "baixe agora", "comienza '
        'gratis hoy"). Not the first mention of the product.'
    ),
    "product_reveal_s": "the [S] of the line where the product is first named.",
    "offer_price": (
        "the price the buyer is asked to pay now for the base offer (the entry package when several are "
        'offered: "one jar $79, three jars $65 each" -> 79; a price list "Solo — $97 a month. Teams — $297" -> '
        "97; the cash / à vista total when both cash and "
        'instalments are said: "12x de R$ 9,74 ou R$ 97 à vista" -> 97; only instalments said: amount = '
        'installments x installment_amount). Struck-down prices ("não é 300 reais... hoje só R$ 47", '
        '"not $249... only $59", a price struck down several times before the real one), "normally" / '
        '"worth" / "valued at" prices, a stack value ("a $2,000 value"), bounds ("more than $20,000", '
        '"mais de R$ 2 mil"), ranges ("between $10,000 and $40,000", "$200 to $2,000 a day": a rate or a '
        "result), what other things cost (a surgery, a competitor, a coach, a debt), income claims "
        '("$500 a day", "$1.5 million"), what someone offered or is willing to pay ("a man offered to pay $500 a '
        'bottle"), per-day breakdowns ("R$ 3,20 por dia") and bonus values are NOT '
        'the offer. An amount inside square brackets ("[PRICE]", "[$X]", "R$ [valor]") is a template\'s '
        "stand-in, never a price. A price shown only on screen, a free call, demo or event, or a seller "
        'who says it publishes no price ("we don\'t publish a price list", "no hay tarifa de lista"): null; '
        "never invent one."
    ),
    "anchor_price": (
        'the normal price the offer is set against ("normally $490", "de 297 por", a price struck down '
        'before the real one, a price someone else wanted: "my partner wanted to charge $297")'
        "; not a bound, a range, a bonus's value or another thing's cost; null when none."
    ),
    "amounts": (
        'amount is the total as a number, spelled-out numbers too ("twenty-seven dollars" is 27, '
        '"$1.5 million" is 1500000; "doze vezes de dezenove e setenta" is installments 12, '
        'installment_amount 19.70, amount 236.40; English says a price in the hundreds without "hundred": '
        '"nine ninety-seven, or three payments of three sixty-six" is 997 with installments 3 of 366, and '
        "without a payment plan to tell 997 from 9.97 give a low confidence); currency as ISO 4217 (BRL for R$, USD for US$ or "
        'dollars said in English; a bare "$" is the dollar, in a Portuguese script too, unless the transcript '
        "names another currency, ...)."
    ),
    "guarantee_days": (
        'days of the money-back guarantee: "30 dias de garantia" -> 30; in hours, whole days ("garantia de '
        '72 horas" -> 3); in weeks, months or years, in digits or words ("six weeks" -> 42, "dois meses" -> '
        '60, "un año" -> 365). A free trial with nothing given back, a period in the past ("in the last '
        'twelve months"), a delivery time, a result promise ("results in 90 days") or a performance '
        'guarantee with no window ("we guarantee 50% more") is no guarantee window: null.'
    ),
    "product": (
        'the name the copy gives it ("I call it X", "we call it X", "it\'s called X", "nós chamamos de X", '
        '"apresento o X", "se llama X", "te presento X", "X is a program for...", a title built on a kind: '
        '"the X Protocol", "o Método X", a name said with ™/® or repeated, also in lower case as a '
        'transcriber writes it); never a shouted common word ("NO", "STOP", "NÃO"), a common noun that '
        "only opens a sentence, an amount, a tool or platform the product runs on, a bonus's name or the "
        'speaker\'s name. A product named only generically ("the course") or only on screen: null, or a '
        "low confidence."
    ),
}

SYSTEM_PROMPT = f"""\
You analyse the transcript of a video sales letter (VSL) for a swipe file used by copywriters.
The transcript comes as lines "[S] text", S being the second the line starts. Answer in JSON with \
the given schema. Use only what the transcript says; null when it is not said.

- niche: "top/sub" from the schema's list; "<top>/other" when no sub fits.
- awareness (Eugene Schwartz), of the prospect the VSL is written for: unaware, problem_aware, \
solution_aware, product_aware, most_aware.
- lead_type (Masterson & Forde, Great Leads): offer (opens with the deal), promise (opens with the \
big benefit), problem_solution (opens with the pain), big_secret (opens with a hidden discovery), \
proclamation (opens with a startling statement), story (opens with a narrative).
- beats: the structure in time order, each {{beat, start, end, quote}}; start/end are the [S] of \
the first line of the beat and the [S] of the line after it; quote: a short verbatim excerpt. \
Labels: hook, problem, story, mechanism, proof, offer, bonus, price, guarantee, urgency, cta; a \
label may repeat (several cta).
- offer_price: {DEFINITIONS["offer_price"]} anchor_price: {DEFINITIONS["anchor_price"]} \
{DEFINITIONS["amounts"]}
- prices: every amount of money said, in time order, with its role (offer, anchor, rejected, \
installment, alternative, per_period, comparison, income, bonus_value, other), the quote, its [S], \
and why (the cue that decided the role, e.g. 'rejected: "não por"'). A bracketed stand-in is no amount said.
- pitch_s: {DEFINITIONS["pitch_s"]} product_reveal_s: {DEFINITIONS["product_reveal_s"]}
- product: {DEFINITIONS["product"]} mechanism: the named reason it works, as said. \
guarantee_days: {DEFINITIONS["guarantee_days"]} hook: the opening claim, verbatim.
- evidence: for each label you set, the verbatim quote and its start/end seconds.
- confidence: for each label you set, how sure you are from 0 to 1; a low number shows the label \
as "not sure" instead of a wrong value, so give one rather than a confident guess.
"""


def breakdown_schema() -> dict[str, Any]:
    """:func:`openai_schema` with each defined field's :data:`DEFINITIONS` text as its description."""
    schema = openai_schema()
    for name, text in DEFINITIONS.items():
        if name in schema["properties"]:
            schema["properties"][name]["description"] = text[:1].upper() + text[1:]
    return schema


class BreakdownError(PermanentError):
    """The model refused, or answered something that is not a breakdown; retrying will not help."""


class TransientBreakdownError(TransientError):
    """The breakdown API failed in a way that may pass (rate limit, 5xx, timeout, unreachable)."""


@dataclass
class Usage:
    """What the requests of one analysis consumed; ``cost_usd`` is None for unpriced models."""

    requests: int = 0
    attempts: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None


@dataclass
class BreakdownRun:
    """A breakdown and what it cost to read it."""

    breakdown: Breakdown
    usage: Usage
    windows: int = 1


@dataclass
class _Window:
    """A run of consecutive segments sent in one request."""

    segments: list[Segment]
    index: int = 0
    count: int = 1

    @property
    def start(self) -> float:
        return self.segments[0].start

    @property
    def end(self) -> float:
        return self.segments[-1].end


class _CutShort(Exception):
    """The answer stopped at the output limit (internal: triggers the halving)."""


def price_per_mtok(model: str) -> tuple[float, float] | None:
    """(input, output) USD per million tokens: exact name, else the longest known prefix."""
    if model in PRICE_PER_MTOK_USD:
        return PRICE_PER_MTOK_USD[model]
    prefixes = [name for name in PRICE_PER_MTOK_USD if model.startswith(name + "-")]
    return PRICE_PER_MTOK_USD[max(prefixes, key=len)] if prefixes else None


def estimate_cost_usd(model: str, input_tokens: int, output_tokens: int) -> float | None:
    price = price_per_mtok(model)
    if price is None:
        return None
    return round((input_tokens * price[0] + output_tokens * price[1]) / 1_000_000, 6)


def estimate_tokens(text: str) -> int:
    """A deliberately high token count for ``text`` (no tokenizer download at run time)."""
    return math.ceil(len(text) / _CHARS_PER_TOKEN)


def timed_lines(segments: Sequence[Segment]) -> str:
    """The transcript as the model reads it: ``[second] text``, one segment a line."""
    return "\n".join(f"[{int(s.start)}] {' '.join(s.text.split())}" for s in segments)


def split_windows(segments: Sequence[Segment], max_tokens: int) -> list[_Window]:
    """Consecutive runs of whole segments whose lines fit ``max_tokens`` each (at least one segment)."""
    windows: list[list[Segment]] = [[]]
    used = 0
    for seg in segments:
        cost = estimate_tokens(timed_lines([seg]) + "\n")
        if windows[-1] and used + cost > max_tokens:
            windows.append([])
            used = 0
        windows[-1].append(seg)
        used += cost
    return [_Window(w, i, len(windows)) for i, w in enumerate(windows)]


class _Timeline:
    """Snaps times the model gave (integer seconds) onto the transcript's segment boundaries."""

    def __init__(self, segments: Sequence[Segment]) -> None:
        self.starts = [s.start for s in segments]
        self.ends = sorted(s.end for s in segments)
        self.duration = max(self.ends) if self.ends else 0.0

    def start_of(self, t: float) -> float:
        """The start of the segment the model meant: the first line labelled ``[t]`` when ``t`` is a
        whole second (the prompt shows starts rounded down), else the nearest segment start."""
        t = min(max(t, 0.0), self.duration)
        if t == int(t):
            i = bisect.bisect_left(self.starts, t)
            if i < len(self.starts) and int(self.starts[i]) == int(t):
                return self.starts[i]
        return self._nearest(self.starts, t)

    def end_after(self, start: float, t: float) -> float:
        """The nearest segment end after ``start`` (the end of ``start``'s segment at least)."""
        first = bisect.bisect_right(self.ends, start)
        candidates = self.ends[first:] or [self.duration]
        return self._nearest(candidates, min(max(t, start), self.duration))

    @staticmethod
    def _nearest(sorted_values: list[float], t: float) -> float:
        i = bisect.bisect_left(sorted_values, t)
        near = sorted_values[max(0, i - 1) : i + 1]
        return min(near, key=lambda v: (abs(v - t), v))


def align(breakdown: Breakdown, segments: Sequence[Segment]) -> Breakdown:
    """Beats, evidence, price mentions, pitch and product reveal moved onto segment boundaries, inside
    the duration, in time order.

    The model sees integer seconds and may return an end before its start or a time past the end
    of the video; the stored breakdown must not (the asset checks rely on it).
    """
    timeline = _Timeline(segments)
    beats = []
    for beat in breakdown.beats:
        if beat.start > timeline.duration:
            continue  # a beat after the end of the video was invented
        start = timeline.start_of(beat.start)
        beats.append(beat.model_copy(update={"start": start, "end": timeline.end_after(start, beat.end)}))
    seen: set[tuple[str, float]] = set()
    unique = []
    for beat in sorted(beats, key=lambda b: (b.start, b.end)):
        if (beat.beat, beat.start) not in seen:
            seen.add((beat.beat, beat.start))
            unique.append(beat)
    evidence: dict[Any, Evidence] = {}
    for name, ev in breakdown.evidence.items():
        start = timeline.start_of(ev.start)
        evidence[name] = ev.model_copy(update={"start": start, "end": timeline.end_after(start, ev.end)})
    prices = []
    for mention in breakdown.prices:
        if mention.start > timeline.duration:
            continue  # an amount "said" after the end of the video was invented
        start = timeline.start_of(mention.start)
        prices.append(mention.model_copy(update={"start": start, "end": timeline.end_after(start, mention.end)}))
    prices.sort(key=lambda m: m.start)
    update: dict[str, Any] = {"beats": unique, "evidence": evidence, "prices": prices}
    for name in ("pitch_s", "product_reveal_s"):
        value = getattr(breakdown, name)
        update[name] = timeline.start_of(value) if value is not None else None
    return breakdown.model_copy(update=update)


_SET_BY_CODE = frozenset({"language", "engine", "model", "consistency", "status", "note"})
_MAJORITY = ("niche", "awareness")
_FIRST_FOUND = (
    "lead_type",
    "hook",
    "offer_price",
    "anchor_price",
    "guarantee_days",
    "pitch_s",
    "product_reveal_s",
    "product",
    "mechanism",
)


def merge_windows(parts: Sequence[Breakdown]) -> Breakdown:
    """One breakdown from the answers of consecutive windows (in time order).

    Beats are concatenated and re-sorted.  Niche and awareness, which every part of a VSL shows,
    take the value most windows gave, ties going to the earliest window.  The lead type and hook
    are the opening of the video, so they come from the first window that gives them (normally
    the first), as do prices, guarantee, pitch, product reveal, product and mechanism.  Evidence
    and confidence follow the value they support; every window's price mentions are kept.
    """
    first = parts[0]
    update: dict[str, Any] = {
        "beats": sorted((b for p in parts for b in p.beats), key=lambda b: (b.start, b.end)),
        "prices": sorted((m for p in parts for m in p.prices), key=lambda m: m.start),
    }
    evidence: dict[Any, Evidence] = {}
    confidence: dict[Any, float] = {}
    for name in _MAJORITY:
        values = [getattr(p, name) for p in parts if getattr(p, name) is not None]
        if not values:
            update[name] = None
            continue
        counts = Counter(values)
        best = max(counts.values())
        chosen = next(v for v in values if counts[v] == best)
        update[name] = chosen
        voter = next(p for p in parts if getattr(p, name) == chosen)
        if name in voter.evidence:
            evidence[name] = voter.evidence[name]
        if name in voter.confidence:
            confidence[name] = voter.confidence[name]
    for name in _FIRST_FOUND:
        finder = next((p for p in parts if getattr(p, name) is not None), None)
        update[name] = getattr(finder, name) if finder is not None else None
        if finder is not None and name in finder.evidence:
            evidence[name] = finder.evidence[name]
        if finder is not None and name in finder.confidence:
            confidence[name] = finder.confidence[name]
    update["evidence"] = evidence
    update["confidence"] = confidence
    return first.model_copy(update=update)


class OpenAIBreakdownEngine:
    """Reads a breakdown off a transcript with a chat model's structured outputs.

    A client is built per request, which costs nothing next to a model call and lets each request
    count its own attempts for the error reason.
    """

    engine = "openai"

    def __init__(
        self,
        api_key: str,
        model: str = DEFAULT_MODEL,
        base_url: str | None = None,
        timeout_s: float = 300.0,
        max_retries: int = 2,
        *,
        max_input_tokens: int = DEFAULT_MAX_INPUT_TOKENS,
        max_output_tokens: int | None = None,
        temperature: float | None = None,
    ) -> None:
        if not api_key or not api_key.strip():
            raise ConfigurationError("the OpenAI breakdown engine needs an API key; set OPENAI_API_KEY")
        if not model or not model.strip():
            raise ConfigurationError("the OpenAI breakdown engine needs a model name (VSL_BREAKDOWN_MODEL)")
        if timeout_s <= 0:
            raise ConfigurationError(f"OpenAI timeout must be positive, got {timeout_s}")
        if max_retries < 0:
            raise ConfigurationError(f"OpenAI max_retries must be 0 or more, got {max_retries}")
        if max_input_tokens <= 0:
            raise ConfigurationError(f"breakdown max_input_tokens must be positive, got {max_input_tokens}")
        if max_output_tokens is not None and max_output_tokens <= 0:
            raise ConfigurationError(f"breakdown max_output_tokens must be positive, got {max_output_tokens}")
        self._api_key = api_key.strip()
        self._errors = OpenAIErrors(
            self._api_key,
            timeout_s,
            BreakdownError,
            TransientBreakdownError,
            {404: f"OpenAI API does not know the model {model!r} (HTTP 404): {{message}}"},
        )
        self.model = model.strip()
        self.base_url = base_url
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        #: Estimated prompt tokens per request (instructions, schema and transcript lines); a longer
        #: transcript is sent in windows.
        self.max_input_tokens = max_input_tokens
        #: Sent as ``max_completion_tokens`` when set; None leaves the model's own limit.
        self.max_output_tokens = max_output_tokens
        #: None sends none (reasoning models accept only their default).
        self.temperature = temperature
        self._schema = breakdown_schema()
        #: Estimated prompt tokens of everything but the transcript lines (instructions, schema, header).
        self.overhead_tokens = estimate_tokens(SYSTEM_PROMPT + json.dumps(self._schema)) + 200
        if max_input_tokens <= self.overhead_tokens:
            raise ConfigurationError(
                f"breakdown max_input_tokens ({max_input_tokens}) leaves no room for the transcript: the "
                f"instructions and schema alone take about {self.overhead_tokens} tokens"
            )

    def __repr__(self) -> str:
        # Hand-written so the key can never leak through a repr in a log or traceback.
        return f"OpenAIBreakdownEngine(model={self.model!r}, base_url={self.base_url!r})"

    @property
    def response_format(self) -> dict[str, Any]:
        return {"type": "json_schema", "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": self._schema}}

    def analyze(self, segments: Sequence[Segment], language: str | None, *, log: LogFn | None = None) -> Breakdown:
        run = self.run(segments, language, log=log)
        #: What the last analysis consumed (tokens, dollars), for the caller to record.
        self.last_usage: Usage | None = run.usage
        return run.breakdown

    def run(self, segments: Sequence[Segment], language: str | None, *, log: LogFn | None = None) -> BreakdownRun:
        """The breakdown of ``segments`` (times in seconds), and the tokens and dollars it took."""
        spoken = sorted((s for s in segments if s.text.strip()), key=lambda s: (s.start, s.end))
        language = language or guess_language(s.text for s in spoken)
        usage = Usage()
        if not spoken:
            empty = Breakdown(
                language=language,
                engine=self.engine,
                model=self.model,
                status="no_speech",
                note="the transcript has no speech, so there is nothing to analyse (no request was made)",
            )
            return BreakdownRun(empty, usage, windows=0)
        budget = self.max_input_tokens - self.overhead_tokens
        windows = split_windows(spoken, budget)
        if log:
            duration = max(s.end for s in spoken)
            log(
                f"OpenAI {self.model}: breakdown of {len(spoken)} segment(s), {duration:.0f} s, "
                f"about {estimate_tokens(timed_lines(spoken))} transcript tokens, in {len(windows)} request(s)"
            )
        answers: list[Breakdown] = []
        for window in windows:
            answers.extend(self._window(window, language, usage, log, depth=0))
        usage.cost_usd = estimate_cost_usd(self.model, usage.input_tokens, usage.output_tokens)
        result = align(merge_windows(answers), spoken)
        if log:
            log(
                f"OpenAI {self.model}: {len(result.beats)} beat(s), niche={result.niche}, lead={result.lead_type}, "
                f"awareness={result.awareness}; {usage.requests} request(s), {usage.input_tokens} tokens in, "
                f"{usage.output_tokens} out" + (f", about ${usage.cost_usd:.4f}" if usage.cost_usd is not None else "")
            )
        return BreakdownRun(result, usage, windows=len(windows))

    def _window(
        self, window: _Window, language: str | None, usage: Usage, log: LogFn | None, depth: int
    ) -> list[Breakdown]:
        """The answer for one window; when it is cut short by the output limit, the answers of
        its two halves (recursively, a few times), since a shorter transcript has fewer beats."""
        try:
            return [self._request(window, language, usage, log)]
        except _CutShort:
            what = (
                f"{self._label(window)}OpenAI {self.model} stopped at its output limit before finishing the "
                "breakdown, so its answer was cut short"
            )
            if depth >= _MAX_HALVINGS or len(window.segments) < 2:
                raise BreakdownError(
                    f"{what}; raise the model's output limit or use a model with a larger one"
                ) from None
            if log:
                log(f"{what}; asking again in two halves")
            half = len(window.segments) // 2
            out: list[Breakdown] = []
            for part in (window.segments[:half], window.segments[half:]):
                out.extend(self._window(_Window(part, window.index, window.count), language, usage, log, depth + 1))
            return out

    @staticmethod
    def _label(window: _Window) -> str:
        if window.count == 1:
            return ""
        return f"window {window.index + 1} of {window.count} ({window.start:.0f}-{window.end:.0f} s): "

    def _messages(self, window: _Window, language: str | None) -> list[dict[str, str]]:
        head = f"Language: {language or 'unknown'}."
        if window.count > 1:
            opening = (
                "it is the opening, so judge lead_type and hook from it"
                if window.index == 0
                else "lead_type and hook belong to the opening, so give null for them"
            )
            head += (
                f" This is part {window.index + 1} of {window.count} of a long transcript (seconds "
                f"{window.start:.0f}-{window.end:.0f}): give the beats of this part only, judge niche and "
                f"awareness from what it shows, {opening}; null for anything not in this part."
            )
        return [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"{head}\nTranscript:\n{timed_lines(window.segments)}"},
        ]

    def _client(self, on_request: Callable[[object], None]) -> openai.OpenAI:
        limit = deadline.remaining(self.timeout_s)
        timeout = openai.Timeout(limit, connect=min(limit, _CONNECT_TIMEOUT_S))
        http_client = openai.DefaultHttpxClient(timeout=timeout, event_hooks={"request": [on_request]})
        kwargs: dict[str, Any] = {"base_url": self.base_url} if self.base_url else {}
        return openai.OpenAI(
            api_key=self._api_key, timeout=timeout, max_retries=self.max_retries, http_client=http_client, **kwargs
        )

    def _request(self, window: _Window, language: str | None, usage: Usage, log: LogFn | None) -> Breakdown:
        label = self._label(window)
        params: dict[str, Any] = {
            "model": self.model,
            "messages": self._messages(window, language),
            "response_format": self.response_format,
        }
        if self.max_output_tokens is not None:
            params["max_completion_tokens"] = self.max_output_tokens
        if self.temperature is not None:
            params["temperature"] = self.temperature
        attempts = 0

        def count_attempt(request: object) -> None:
            nonlocal attempts
            attempts += 1

        deadline.check()
        started = time.monotonic()
        failure: VslError | None = None
        try:
            with self._client(count_attempt) as client:
                response = client.chat.completions.create(**params)
        except openai.OpenAIError as exc:
            failure = self._map_error(exc, max(attempts, 1), label)
            failure.retried = self.max_retries > 0 and failure.transient
        usage.attempts += max(attempts, 1)
        if failure is not None:
            # Raised outside the except block so the client's exception (whose text may echo a
            # masked key) is neither the cause nor the context of what callers log.
            deadline.check()
            raise failure
        usage.requests += 1
        if response.usage is not None:
            usage.input_tokens += response.usage.prompt_tokens or 0
            usage.output_tokens += response.usage.completion_tokens or 0
        if log:
            log(f"{label}OpenAI {self.model} answered in {time.monotonic() - started:.1f} s ({attempts} attempt(s))")
        if not response.choices:
            raise BreakdownError(f"{label}OpenAI {self.model} returned no answer")
        choice = response.choices[0]
        message = choice.message
        if message.refusal:
            raise BreakdownError(f"{label}OpenAI {self.model} refused to analyse the transcript: {message.refusal}")
        if choice.finish_reason == "length":
            raise _CutShort
        if choice.finish_reason == "content_filter":
            raise BreakdownError(f"{label}OpenAI {self.model} stopped its answer on its content filter")
        return self._parse(message.content, language, label)

    def _parse(self, content: str | None, language: str | None, label: str) -> Breakdown:
        problem = f"{label}the model's answer was not valid JSON for the breakdown schema"
        if not content or not content.strip():
            raise BreakdownError(f"{problem}: the answer was empty")
        try:
            reply = json.loads(content)
        except json.JSONDecodeError as exc:
            raise BreakdownError(
                f"{problem}: {exc.msg} at character {exc.pos}", detail=self._scrub(content[:500])
            ) from None
        if not isinstance(reply, dict):
            raise BreakdownError(f"{problem}: expected an object, got {type(reply).__name__}")
        # Fields the calling code sets: a lenient server (no strict mode) may still add them.
        reply = {k: v for k, v in reply.items() if k not in _SET_BY_CODE}
        if isinstance(reply.get("confidence"), dict):
            # Strict schemas cannot bound a number; a model's 1.2 means "very sure", not a bad answer.
            reply["confidence"] = {
                k: min(max(float(v), 0.0), 1.0) if isinstance(v, int | float) else v
                for k, v in reply["confidence"].items()
            }
        try:
            return Breakdown.model_validate({**reply, "engine": self.engine, "model": self.model, "language": language})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(top)"
            more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
            raise BreakdownError(
                f"{problem}: {where}: {first['msg']}{more}", detail=self._scrub(content[:500])
            ) from None

    def _scrub(self, text: str) -> str:
        return self._errors.scrub(text)

    def _map_error(self, exc: openai.OpenAIError, attempts: int, label: str) -> VslError:
        return self._errors.map(exc, attempts, label)
