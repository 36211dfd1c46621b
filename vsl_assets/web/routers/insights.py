"""Insights per niche (or board, or any library filter): as JSON under ``/api/insights`` and as a
page of server-drawn charts under ``/insights``; both read ``services.insights``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from vsl_assets.services import boards, library
from vsl_assets.services import insights as insights_service
from vsl_assets.web import charts
from vsl_assets.web.deps import ApiUser, Ctx, Db, PageUser
from vsl_assets.web.filters import ApiFilters, PageFilters
from vsl_assets.web.i18n import fmt_number, label, translate
from vsl_assets.web.render import language, render

router = APIRouter(tags=["insights"])


@router.get("/api/insights", response_model=insights_service.Insights)
def insights_api(filters: ApiFilters, context: Ctx, session: Db, _user: ApiUser) -> insights_service.Insights:
    """Counts behind the insights charts for the VSLs the library's filters select (usually
    ``niche`` or ``board``); unsure or missing fields are counted as ``*_unknown``."""
    return insights_service.insights(session, filters, min_confidence=context.settings.breakdown_min_confidence)


@router.get("/insights", response_class=HTMLResponse, include_in_schema=False)
def insights_page(request: Request, filters: PageFilters, context: Ctx, session: Db, user: PageUser) -> Response:
    data = insights_service.insights(session, filters, min_confidence=context.settings.breakdown_min_confidence)
    lang = language(request)

    def _(text: str) -> str:
        return translate(lang, text)

    ranges = {chart.currency: price_ranges(lang, chart.bars) for chart in data.prices}
    drawn = {
        "prices": [
            (
                chart.currency,
                charts.bars(
                    f"chart-price-{chart.currency.lower()}",
                    _("Price points"),
                    chart.bars,
                    0,
                    _,
                    words=ranges[chart.currency].__getitem__,
                ),
            )
            for chart in data.prices
        ],
        "points": charts.scatter("chart-pitch", _("Pitch second vs duration"), data.points, _, data.link),
        "guarantees": charts.bars(
            "chart-guarantee", _("Guarantee (days)"), data.guarantees, data.guarantees_unknown, _
        ),
        "leads": charts.bars(
            "chart-lead", _("Lead"), data.leads, data.leads_unknown, _, words=lambda code: label(lang, "lead", code)
        ),
        "awareness": charts.bars(
            "chart-awareness",
            _("Awareness"),
            data.awareness,
            data.awareness_unknown,
            _,
            words=lambda code: label(lang, "awareness", code),
        ),
        "beats": charts.beats(
            "chart-beats", _("Typical order of beats"), data.beats, _, lambda code: label(lang, "beat", code)
        ),
    }
    board_name = None
    all_boards = boards.visible_boards(session, user.user_id)
    if filters.board is not None:
        board_name = next((b.name for b in all_boards if b.id == filters.board), None)
    return render(
        request,
        "insights.html",
        user,
        f=filters,
        data=data,
        drawn=drawn,
        facets=library.facets(session),
        boards=all_boards,
        board_name=board_name,
        price_ranges=ranges,
    )


def price_ranges(lang: str, bars: list[insights_service.Bar]) -> dict[str, str]:
    """Each price bucket's label in the reader's numbers: "50-99,99" and "2.000+" in Portuguese, where
    the service's plain "50-99.99" read as an English decimal point (the currency is the chart's heading)."""
    out = {}
    for bar in bars:
        low = fmt_number(lang, bar.low or 0)
        out[bar.label] = f"{low}+" if bar.high is None else f"{low}\u2013{fmt_number(lang, bar.high, 2)}"
    return out
