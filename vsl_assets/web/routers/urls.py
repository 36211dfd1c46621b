"""Adding URLs: the intake service, as ``vsl add`` and the ``add_urls`` job use it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy.orm import Session

from vsl_assets.net.guard import NetPolicy
from vsl_assets.services import intake
from vsl_assets.services.schemas import AddUrlsRequest, AddUrlsResponse
from vsl_assets.web.context import WebContext
from vsl_assets.web.deps import ApiUser, Ctx, Db

router = APIRouter(prefix="/api", tags=["urls"])


def add_many(
    session: Session, context: WebContext, raw_urls: list[str], language: str | None = None
) -> AddUrlsResponse:
    """Valid URLs are added (and their partitions made) even when others are refused; each refusal says why.

    ``language`` (already validated) is the URLs' own language; None = detected.
    """
    report = intake.add_urls(
        session,
        raw_urls,
        partitions=context.partitions,
        net=NetPolicy.from_settings(context.settings),
        tracking=context.settings.url_tracking_params,
        language=language,
    )
    return AddUrlsResponse(
        results=report.items, added=report.added, known=report.known, invalid=report.invalid, notes=report.notes
    )


@router.post("/urls", response_model=AddUrlsResponse)
def post_urls(body: AddUrlsRequest, session: Db, context: Ctx, _user: ApiUser) -> AddUrlsResponse:
    cap = context.settings.web_max_urls_per_add
    if len(body.urls) > cap:
        raise HTTPException(
            status_code=422,
            detail=f"{len(body.urls)} URLs sent, at most {cap} per request (VSL_WEB_MAX_URLS_PER_ADD): "
            "nothing was added; send them in smaller lists",
        )
    return add_many(session, context, body.urls, body.language)
