"""Compare 2-3 VSLs side by side, and what changed between two: ``/compare`` (the page, with a
picker when fewer than two VSLs are named; ``mode=diff`` for the "what changed" view),
``/api/compare`` and ``/api/diff`` (the service's output as JSON).

The watch feature links a new version here as ``/compare?keys=OLD,NEW&mode=diff``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from vsl_assets.services import compare, library
from vsl_assets.services.library import LibraryFilters
from vsl_assets.web.deps import ApiUser, Ctx, Db, PageUser
from vsl_assets.web.render import render

router = APIRouter(prefix="/api", tags=["compare"])
pages = APIRouter(include_in_schema=False)

#: ``keys=A,B`` or ``keys=A&keys=B``: at most 10 values (422 beyond), and the service reads at
#: most ``MAX_KEYS_CHARS`` characters of them all (400 beyond) before any work.
KeysParam = Annotated[
    list[str],
    Query(max_length=10, description="2 or 3 VSL keys, comma separated (or repeated)"),
]
KeyParam = Annotated[str, Query(min_length=1, max_length=200, description="a VSL key")]
#: VSLs the picker lists (the library's newest first, or those matching the text).
PICKER_LIMIT = 48


def _keys(values: list[str]) -> list[str]:
    if len(values) > compare.MAX_VSLS:
        raise HTTPException(status_code=400, detail=f"keys: at most {compare.MAX_VSLS} VSLs at once")
    try:
        return compare.parse_keys(values)
    except compare.CompareRequestError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None


def _one_key(value: str, name: str) -> str:
    try:
        [key] = compare.parse_keys([value], at_most=1)
    except (compare.CompareRequestError, ValueError):
        raise HTTPException(status_code=400, detail=f"{name}: {value[:80]!r} is not one VSL key") from None
    return key


@router.get("/compare", response_model=compare.Comparison)
def compare_api(session: Db, context: Ctx, _user: ApiUser, keys: KeysParam) -> compare.Comparison:
    """2 or 3 VSLs: headers, breakdowns (unsure values withheld), transcripts, one time axis, and
    each breakdown field in columns with whether the VSLs differ on it."""
    try:
        return compare.compare(session, _keys(keys), min_confidence=context.settings.breakdown_min_confidence)
    except compare.CompareRequestError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    except compare.UnknownVsl as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None


@router.get("/diff", response_model=compare.Changes)
def diff_api(session: Db, context: Ctx, _user: ApiUser, old: KeyParam, new: KeyParam) -> compare.Changes:
    """What changed from ``old`` to ``new``: transcript rows (unchanged, added, removed, rewritten
    with word marks, with each side's seconds), a summary, and the breakdown diff."""
    old_key, new_key = _one_key(old, "old"), _one_key(new, "new")
    try:
        return compare.diff(session, old_key, new_key, min_confidence=context.settings.breakdown_min_confidence)
    except compare.UnknownVsl as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None


@pages.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    session: Db,
    context: Ctx,
    user: PageUser,
    keys: KeysParam = [],  # noqa: B006 (FastAPI copies defaults)
    mode: Literal["columns", "diff"] = "columns",
    only: Literal["all", "changes"] = "all",
    q: Annotated[str, Query(max_length=200)] = "",
    edit: bool = False,
    order: Literal["given", "added"] = "given",
) -> Response:
    chosen = _keys(keys)
    if order == "added":  # the picker: its boxes are newest first, a diff reads older -> newer
        chosen = compare.in_added_order(session, chosen)
    threshold = context.settings.breakdown_min_confidence
    try:
        if mode == "diff":
            if len(chosen) != 2:
                raise HTTPException(
                    status_code=400,
                    detail=f"what changed compares exactly 2 VSLs (keys=OLD,NEW), got {len(chosen)}",
                )
            if compare.versions_of_one(session, chosen) == [True]:
                changes = compare.diff(session, chosen[0], chosen[1], min_confidence=threshold)
                return render(
                    request, "compare_diff.html", user, d=changes, only=only, keys=chosen, facts=compare.FACTS
                )
            # Two different VSLs: nothing "changed" from one into the other; side by side instead.
        if len(chosen) >= compare.MIN_VSLS and not edit:
            found = compare.compare(session, chosen, min_confidence=threshold)
            return render(
                request, "compare.html", user, c=found, keys=chosen, facts=compare.FACTS, unrelated=mode == "diff"
            )
    except compare.UnknownVsl as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    # The page's own facts: its box picks the page's own version (its later ones are listed under it).
    cards = library.list_vsls(
        session, LibraryFilters(q=q or None, limit=PICKER_LIMIT), min_confidence=threshold, newest_facts=False
    )
    listed = {c.partition_key for c in cards.items}
    versions = compare.later_versions(session, list(listed), min_confidence=threshold)
    listed |= {h.key for found in versions.values() for h in found}
    kept = [h for h in compare.headers(session, chosen, min_confidence=threshold) if h.key not in listed]
    return render(request, "compare_pick.html", user, cards=cards.items, versions=versions, kept=kept, keys=chosen, q=q)
