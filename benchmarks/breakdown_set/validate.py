"""Check every labelled VSL breakdown file against the set's format and print the label distribution.

The breakdown engine is scored against these files, so a wrong timestamp or a label outside the allowed sets
would silently skew its figures; this script is the gate a person runs after editing or adding a file.
Usage: python benchmarks/breakdown_set/validate.py [ROOT]   (exit status 1 when any file fails)
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

LANGUAGES = {"pt", "en", "es"}
SPLITS = {"dev", "holdout"}
AWARENESS = ["unaware", "problem_aware", "solution_aware", "product_aware", "most_aware"]
LEADS = ["offer", "promise", "problem_solution", "big_secret", "proclamation", "story"]
BEATS = {"hook", "problem", "story", "mechanism", "proof", "offer", "bonus", "price", "guarantee", "urgency", "cta"}
TAXONOMY = {
    "health": {
        "weight_loss",
        "diabetes",
        "blood_pressure",
        "mens_health",
        "joint_pain",
        "memory",
        "vision",
        "hearing",
        "sleep",
        "beauty",
        "hair_loss",
        "other",
    },
    "wealth": {"make_money_online", "investing", "trading", "crypto", "business", "other"},
    "relationships": {"dating", "reconquest", "marriage", "other"},
    "spirituality": {"manifestation", "prayer", "astrology", "other"},
    "self_improvement": {"productivity", "language_learning", "fitness", "other"},
    "other": {"other"},
}
CURRENCIES = {"BRL", "USD", "EUR", "MXN", "GBP", "COP", "ARS", "CLP", "PEN", "CAD", "AUD"}
GOLD_KEYS = {
    "niche",
    "awareness",
    "lead_type",
    "beats",
    "offer_price",
    "anchor_price",
    "guarantee_days",
    "pitch_s",
    "product",
    "mechanism",
    "hook",
}
NAME = re.compile(r"^(pt|en|es)-(\d{2})-[a-z0-9-]+\.json$")
TOL = 0.01
SEG_MIN_S, SEG_MAX_S = 3.0, 12.0
DUR_MIN_S, DUR_MAX_S = 120.0, 720.0
WPM_MIN, WPM_MAX = 130.0, 180.0


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form, so a quoted hook matches however it was typed."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def near(a: float, b: float) -> bool:
    return abs(a - b) <= TOL


def check_price(errors: list[str], name: str, price: Any, installments_allowed: bool) -> None:
    if price is None:
        return
    if not isinstance(price, dict):
        errors.append(f"{name}: must be an object or null")
        return
    expected = {"amount", "currency"} | ({"installments", "installment_amount"} if installments_allowed else set())
    if set(price) != expected:
        errors.append(f"{name}: keys {sorted(price)} != {sorted(expected)}")
        return
    if not isinstance(price["amount"], (int, float)) or price["amount"] <= 0:
        errors.append(f"{name}.amount must be a positive number")
    if price["currency"] not in CURRENCIES:
        errors.append(f"{name}.currency {price['currency']!r} not in {sorted(CURRENCIES)}")
    if installments_allowed:
        n, each = price["installments"], price["installment_amount"]
        if (n is None) != (each is None):
            errors.append(f"{name}: installments and installment_amount must both be set or both null")
        elif n is not None and (not isinstance(n, int) or n < 2 or not isinstance(each, (int, float)) or each <= 0):
            errors.append(f"{name}: installments must be an int >= 2 and installment_amount positive")
        elif n is not None and n * each < price["amount"] * 0.99:
            errors.append(f"{name}: {n} x {each} is less than the cash amount {price['amount']}")


def check_file(path: Path) -> tuple[list[str], dict[str, Any] | None]:
    errors: list[str] = []
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [f"unreadable JSON: {exc}"], None
    if set(doc) != {"language", "duration_s", "segments", "gold", "notes"}:
        return [f"top-level keys {sorted(doc)}"], None
    match = NAME.match(path.name)
    if not match:
        errors.append("file name must be <lang>-<nn>-<slug>.json")
    elif match.group(1) != doc["language"]:
        errors.append(f"file name says {match.group(1)} but language is {doc['language']!r}")
    if doc["language"] not in LANGUAGES:
        errors.append(f"language {doc['language']!r} not in {sorted(LANGUAGES)}")
    if path.parent.name not in SPLITS:
        errors.append(f"folder {path.parent.name!r} is not a split {sorted(SPLITS)}")
    if not isinstance(doc["notes"], str) or len(doc["notes"]) < 20:
        errors.append("notes must explain the labels")

    duration = doc["duration_s"]
    segments = doc["segments"]
    if not (DUR_MIN_S <= duration <= DUR_MAX_S):
        errors.append(f"duration_s {duration} outside {DUR_MIN_S}-{DUR_MAX_S}")
    prev_end = None
    for i, seg in enumerate(segments):
        if set(seg) != {"start", "end", "text"} or not seg["text"].strip():
            errors.append(f"segment {i}: needs start, end and non-empty text")
            continue
        length = seg["end"] - seg["start"]
        if not (SEG_MIN_S - TOL <= length <= SEG_MAX_S + TOL):
            errors.append(f"segment {i}: {length:.2f} s long, allowed {SEG_MIN_S}-{SEG_MAX_S}")
        if prev_end is not None and seg["start"] < prev_end - 1e-9:
            errors.append(f"segment {i}: starts at {seg['start']} before the previous end {prev_end}")
        prev_end = seg["end"]
    if segments and (not near(segments[0]["start"], 0.0) or not near(segments[-1]["end"], duration)):
        errors.append("segments must start at 0 and the last must end at duration_s")
    words = sum(len(s["text"].split()) for s in segments)
    wpm = words / (duration / 60) if duration else 0.0
    if not (WPM_MIN <= wpm <= WPM_MAX):
        errors.append(f"speaking rate {wpm:.0f} words/min outside {WPM_MIN:.0f}-{WPM_MAX:.0f}")
    starts = [s["start"] for s in segments]
    ends = [s["end"] for s in segments]

    gold = doc["gold"]
    if set(gold) != GOLD_KEYS:
        errors.append(
            f"gold keys differ: missing {sorted(GOLD_KEYS - set(gold))}, extra {sorted(set(gold) - GOLD_KEYS)}"
        )
        return errors, None
    top, _, sub = str(gold["niche"]).partition("/")
    if sub not in TAXONOMY.get(top, set()):
        errors.append(f"niche {gold['niche']!r} not in the taxonomy")
    if gold["awareness"] not in AWARENESS:
        errors.append(f"awareness {gold['awareness']!r} not in {AWARENESS}")
    if gold["lead_type"] not in LEADS:
        errors.append(f"lead_type {gold['lead_type']!r} not in {LEADS}")

    beats = gold["beats"]
    if not beats or beats[0]["beat"] != "hook":
        errors.append("the first beat must be the hook")
    for i, beat in enumerate(beats):
        if beat.get("beat") not in BEATS:
            errors.append(f"beat {i}: {beat.get('beat')!r} not in {sorted(BEATS)}")
        if not any(near(beat["start"], s) for s in starts):
            errors.append(f"beat {i} ({beat['beat']}): start {beat['start']} is not a segment start")
        if not any(near(beat["end"], e) for e in ends):
            errors.append(f"beat {i} ({beat['beat']}): end {beat['end']} is not a segment end")
        if beat["end"] <= beat["start"]:
            errors.append(f"beat {i} ({beat['beat']}): empty or reversed")
        if i and beat["beat"] == beats[i - 1]["beat"] and beat["beat"] != "cta":
            errors.append(f"beat {i}: two adjacent {beat['beat']!r} beats should be one")
        if i:
            # Contiguous: this beat begins at the first segment after the one that ended the previous beat.
            following = [s for s in starts if s >= beats[i - 1]["end"] - TOL]
            if not following or not near(beat["start"], following[0]):
                errors.append(f"beat {i} ({beat['beat']}): gap or overlap after the previous beat")
    if beats and (not near(beats[0]["start"], 0.0) or not near(beats[-1]["end"], duration)):
        errors.append("beats must cover the transcript from 0 to duration_s")
    kinds = {b["beat"] for b in beats}
    if "cta" not in kinds:
        errors.append("no cta beat")

    pitch = gold["pitch_s"]
    if not any(near(pitch, s) for s in starts):
        errors.append(f"pitch_s {pitch} is not a segment start")
    # The pitch is the first moment the product is named or the offer is made, whichever comes first.
    candidates = [b["start"] for b in beats if b["beat"] in ("offer", "price")][:1]
    if gold["product"]:
        named = fold(gold["product"])
        candidates += [s["start"] for s in segments if named in fold(s["text"])][:1]
    # An offer lead may make the offer inside the hook before naming the product, so there it may come earlier.
    if candidates and pitch > min(candidates) + TOL:
        errors.append(f"pitch_s {pitch} is after the first product mention / offer beat ({min(candidates)})")
    elif candidates and gold["lead_type"] != "offer" and not near(pitch, min(candidates)):
        errors.append(f"pitch_s {pitch} is not the first product mention / offer beat ({min(candidates)})")

    check_price(errors, "offer_price", gold["offer_price"], installments_allowed=True)
    check_price(errors, "anchor_price", gold["anchor_price"], installments_allowed=False)
    offer, anchor = gold["offer_price"], gold["anchor_price"]
    if anchor is not None and offer is None:
        errors.append("anchor_price without offer_price")
    if isinstance(offer, dict) and isinstance(anchor, dict):
        if anchor.get("currency") != offer.get("currency") or anchor.get("amount", 0) <= offer.get("amount", 0):
            errors.append("anchor_price must be in the offer's currency and higher than it")
    if (offer is not None) != ("price" in kinds):
        errors.append("offer_price is set exactly when there is a price beat")
    days = gold["guarantee_days"]
    if days is not None and (not isinstance(days, int) or not 1 <= days <= 365):
        errors.append("guarantee_days must be an int 1-365 or null")
    if (days is not None) != ("guarantee" in kinds):
        errors.append("guarantee_days is set exactly when there is a guarantee beat")

    full = fold(" ".join(s["text"] for s in segments))
    opening = fold(" ".join(s["text"] for s in segments if s["start"] < 30.0))
    if not gold["hook"] or fold(gold["hook"]) not in opening:
        errors.append("hook must be a quote from the first 30 s")
    for key in ("product", "mechanism"):
        value = gold[key]
        if value is not None and fold(value) not in full:
            errors.append(f"{key} {value!r} is not said in the transcript")
    summary = {
        "file": path.name,
        "split": path.parent.name,
        "language": doc["language"],
        "niche": gold["niche"],
        "lead": gold["lead_type"],
        "awareness": gold["awareness"],
        "duration": duration,
        "offer": offer,
    }
    return errors, summary


def price_text(offer: dict[str, Any] | None) -> str:
    if not offer:
        return "-"
    text = f"{offer['currency']} {offer['amount']:g}"
    if offer.get("installments"):
        text += f" ({offer['installments']}x {offer['installment_amount']:g})"
    return text


def print_counts(title: str, counter: Counter[str], order: list[str] | None = None) -> None:
    keys = order if order else sorted(counter)
    print(f"{title:<12}" + "  ".join(f"{k}={counter[k]}" for k in keys))


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    files = sorted(root.glob("*/*.json"))
    if not files:
        print(f"no files under {root}/<split>/")
        return 1
    failed = 0
    rows = []
    for path in files:
        errors, summary = check_file(path)
        if errors:
            failed += 1
            print(f"FAIL {path.parent.name}/{path.name}")
            for err in errors:
                print(f"     - {err}")
        if summary:
            rows.append(summary)
    print()
    print(f"{'file':<36} {'split':<8} {'niche':<34} {'lead':<17} {'awareness':<15} {'dur':>6}  price")
    for r in rows:
        dur = f"{int(r['duration'] // 60)}:{int(r['duration'] % 60):02d}"
        print(
            f"{r['file'][:-5]:<36} {r['split']:<8} {r['niche']:<34} {r['lead']:<17} {r['awareness']:<15} "
            f"{dur:>6}  {price_text(r['offer'])}"
        )
    print()
    print_counts("split", Counter(f"{r['split']}" for r in rows), sorted(SPLITS))
    print_counts("language", Counter(r["language"] for r in rows), sorted(LANGUAGES))
    print_counts("split/lang", Counter(f"{r['split']}/{r['language']}" for r in rows))
    print_counts("niche top", Counter(r["niche"].split("/")[0] for r in rows), list(TAXONOMY))
    print_counts("lead", Counter(r["lead"] for r in rows), LEADS)
    print_counts("awareness", Counter(r["awareness"] for r in rows), AWARENESS)
    print(f"\n{len(files)} files, {len(files) - failed} pass, {failed} fail")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
