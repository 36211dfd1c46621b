"""The filters of a ``SearchQuery`` as one SQL condition over the VSL table (alias ``v``).

Both backends keep the same VSL columns, so the condition is shared; only how an instant is
passed differs (ISO text for SQLite, a timestamp for PostgreSQL), hence ``encode_time``.
Values always travel as bound parameters, never inside the SQL text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from vsl_assets.search.model import SearchQuery, split_niche
from vsl_assets.search.text import normalise_language


def casefold(value: str | None) -> str | None:
    """How labels are stored for filtering: stripped and case-folded (SQLite's lower() is ASCII-only)."""
    return value.strip().casefold() if value and value.strip() else None


def vsl_filter(query: SearchQuery, encode_time: Callable[[datetime], Any]) -> tuple[str, dict[str, Any]]:
    """(condition, parameters); the condition is ``1=1`` when nothing is filtered."""
    conds: list[str] = []
    params: dict[str, Any] = {}

    def equal(column: str, value: Any) -> None:
        if value is not None:
            conds.append(f"v.{column} = :f_{column}")
            params[f"f_{column}"] = value

    def between(column: str, low: Any, high: Any) -> None:
        if low is not None:
            conds.append(f"v.{column} >= :f_{column}_min")
            params[f"f_{column}_min"] = low
        if high is not None:
            conds.append(f"v.{column} <= :f_{column}_max")
            params[f"f_{column}_max"] = high

    if query.language is not None:
        # An unknown language name filters to nothing rather than silently to everything.
        equal("language", normalise_language(query.language) or f"?{query.language}")
    top, sub = split_niche(query.niche)
    equal("niche_top", casefold(top))
    equal("niche_sub", casefold(sub))
    equal("lead_key", casefold(query.lead_type))
    equal("awareness_key", casefold(query.awareness))
    equal("player_key", casefold(query.player))
    equal("currency", query.currency)
    equal("key", query.key)
    if query.keys is not None:
        if not query.keys:
            # No VSL at all (an empty board); a bound parameter like every filter, since the
            # backends tell "no filter" from "a filter" by its parameters.  No key is blank.
            conds.append("v.key = :f_keys_none")
            params["f_keys_none"] = ""
        else:
            names = [f"f_keys_{i}" for i in range(len(query.keys))]
            conds.append(f"v.key IN ({', '.join(':' + n for n in names)})")
            params.update(zip(names, query.keys, strict=True))
    between("duration_s", query.duration_min_s, query.duration_max_s)
    between("pitch_s", query.pitch_min_s, query.pitch_max_s)
    between("price", query.price_min, query.price_max)
    if query.added_from is not None:
        conds.append("v.added_at >= :f_added_from")
        params["f_added_from"] = encode_time(query.added_from)
    if query.added_to is not None:
        conds.append("v.added_at < :f_added_to")
        params["f_added_to"] = encode_time(query.added_to)
    return (" AND ".join(conds) or "1=1"), params
