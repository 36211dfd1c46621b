"""Adding URLs: validated like ``vsl add``; the pipeline's sensor picks up the ``urls`` rows."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy.orm import Session

from vsl_assets.db import repo
from vsl_assets.errors import InvalidUrlError
from vsl_assets.urls import normalize_url, partition_key_for
from vsl_assets.web.deps import ApiUser, Ctx, Db
from vsl_assets.web.schemas import AddedUrl, AddUrlsRequest, AddUrlsResponse

router = APIRouter(prefix="/api", tags=["urls"])


def add_many(session: Session, raw_urls: list[str], language: str | None = None) -> AddUrlsResponse:
    """Valid URLs are added even when others are refused; each refusal says why.

    ``language`` (already validated) is the URLs' own language; None = detected.
    """
    results: list[AddedUrl | None] = []
    valid: list[tuple[int, str]] = []
    for i, raw in enumerate(raw_urls):
        try:
            valid.append((i, normalize_url(raw)))
            results.append(None)
        except InvalidUrlError as exc:
            results.append(AddedUrl(url=str(raw)[:300], error=exc.reason))
    added = {r.partition_key: r for r in repo.add_urls(session, [u for _, u in valid], language)}
    seen: set[str] = set()
    for i, url in valid:
        r = added[partition_key_for(url)]
        first = r.partition_key not in seen
        seen.add(r.partition_key)
        results[i] = AddedUrl(url=r.url, partition_key=r.partition_key, status=r.status, added=r.created and first)
    final = [r for r in results if r is not None]
    created = sum(1 for r in final if r.added)
    invalid = sum(1 for r in final if r.error)
    return AddUrlsResponse(results=final, added=created, known=len(final) - invalid - created, invalid=invalid)


@router.post("/urls", response_model=AddUrlsResponse)
def post_urls(body: AddUrlsRequest, session: Db, context: Ctx, _user: ApiUser) -> AddUrlsResponse:
    cap = context.settings.web_max_urls_per_add
    if len(body.urls) > cap:
        raise HTTPException(
            status_code=422,
            detail=f"{len(body.urls)} URLs sent, at most {cap} per request (VSL_WEB_MAX_URLS_PER_ADD): "
            "nothing was added; send them in smaller lists",
        )
    return add_many(session, body.urls, body.language)
