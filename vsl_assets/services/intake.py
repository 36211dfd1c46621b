"""Adding URLs: validate, normalise, de-duplicate, store as ``pending_ingest``, make the partitions.

The one definition behind ``vsl add``, ``POST /api/urls``, the web app's Add page and the
``add_urls`` Dagster job.  Valid URLs are added even when others in the same batch are refused,
and each refusal says why; an address the fetch guard will refuse (a private IP, ``localhost``)
is stored but flagged, so whoever added it learns before the pipeline fails on it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.db import Url, repo
from vsl_assets.errors import InvalidUrlError
from vsl_assets.net import guard as netguard
from vsl_assets.net.guard import NetPolicy
from vsl_assets.net.urls import TrackingParams, normalize_url, partition_key_for
from vsl_assets.services.ports import PartitionPort
from vsl_assets.services.schemas import AddedUrl
from vsl_assets.settings import DEFAULT_URL_TRACKING_PARAMS

#: Said when no partition port was given: the URL waits for the sensor instead of being runnable now.
NO_PARTITIONS_NOTE = "no Dagster instance (DAGSTER_HOME unset, no project): partitions will be registered by the sensor"


@dataclass
class IntakeReport:
    #: One per input line, in input order: ``POST /api/urls`` answers with them as they are.
    items: list[AddedUrl]
    #: One line per fact every front end should show (e.g. partitions left to the sensor).
    notes: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> list[AddedUrl]:
        """The stored URLs, once each, in input order."""
        seen: dict[str, AddedUrl] = {}
        for item in self.items:
            if item.partition_key is not None and item.partition_key not in seen:
                seen[item.partition_key] = item
        return list(seen.values())

    @property
    def refused(self) -> list[AddedUrl]:
        return [i for i in self.items if i.error]

    @property
    def added(self) -> int:
        return sum(1 for i in self.items if i.added)

    @property
    def invalid(self) -> int:
        return len(self.refused)

    @property
    def known(self) -> int:
        return len(self.items) - self.invalid - self.added

    @property
    def keys(self) -> list[str]:
        return [i.partition_key for i in self.accepted if i.partition_key]


@functools.lru_cache(maxsize=8)
def tracking_params(spec: str) -> TrackingParams:
    """``VSL_URL_TRACKING_PARAMS`` parsed (once per value)."""
    return TrackingParams.parse(spec)


def canonical_urls(session: Session, raw_urls: Sequence[str], tracking: str) -> list[str | InvalidUrlError]:
    """Each input's canonical URL (tracking parameters dropped), or why it is refused.

    A URL stored before its tracking parameters were dropped (its key was made from the whole URL)
    is still that URL: pasting it again finds the row it has, instead of making a second VSL."""
    drop = tracking_params(tracking)
    out: list[str | InvalidUrlError] = []
    legacy: dict[str, str] = {}  # canonical -> as keyed before, where they differ
    for raw in raw_urls:
        try:
            url = normalize_url(raw, tracking=drop)
        except InvalidUrlError as exc:
            out.append(exc)
            continue
        out.append(url)
        if drop:
            whole = normalize_url(raw)
            if whole != url:
                legacy[whole] = url
    if legacy:
        by_key = {partition_key_for(whole): whole for whole in legacy}
        keys = list(by_key)
        found: dict[str, str] = {}
        for start in range(0, len(keys), repo.CHUNK):
            part = keys[start : start + repo.CHUNK]
            found.update(session.execute(select(Url.partition_key, Url.url).where(Url.partition_key.in_(part))).all())
        canonical_keys = {partition_key_for(legacy[by_key[k]]) for k in found}
        known_canonical = set(
            session.scalars(select(Url.partition_key).where(Url.partition_key.in_(list(canonical_keys))))
        )
        kept = {
            legacy[url]: url
            for key, url in found.items()
            if partition_key_for(legacy[url]) not in known_canonical  # the new form wins once it exists
        }
        out = [kept.get(u, u) if isinstance(u, str) else u for u in out]
    return out


def add_urls(
    session: Session,
    raw_urls: Sequence[str],
    *,
    partitions: PartitionPort | None,
    net: NetPolicy,
    tracking: str = DEFAULT_URL_TRACKING_PARAMS,
    language: str | None = None,
) -> IntakeReport:
    """Store the valid URLs (committing ``session``), then register their partitions.

    The rows are committed before the partitions exist, so a run started the moment a partition
    appears always finds its URL.  ``net`` is the running app's address policy
    (``NetPolicy.from_settings``): when it allows private networks, private addresses are fetched and
    no warning is given.  ``tracking`` is ``VSL_URL_TRACKING_PARAMS``: the query parameters dropped
    before the key is made; every front end passes its setting (the default is the setting's default,
    for callers with no settings).  ``language`` (validated by the caller, ``settings.url_language``)
    is the URLs' own language; None = detected.
    """
    normalised = canonical_urls(session, raw_urls, tracking)
    stored = {
        r.partition_key: r for r in repo.add_urls(session, [u for u in normalised if isinstance(u, str)], language)
    }
    session.commit()
    items: list[AddedUrl] = []
    seen: set[str] = set()
    for raw, url in zip(raw_urls, normalised, strict=True):
        if isinstance(url, InvalidUrlError):
            items.append(AddedUrl(url=str(raw)[:300], error=url.reason))
            continue
        r = stored[partition_key_for(url)]
        first = r.partition_key not in seen
        seen.add(r.partition_key)
        refusal = None if net.allow_private else netguard.static_refusal(r.url, net)
        items.append(
            AddedUrl(
                url=r.url, partition_key=r.partition_key, status=r.status, added=r.created and first, warning=refusal
            )
        )
    report = IntakeReport(items)
    if report.keys:
        if partitions is not None:
            partitions.register(report.keys)
        else:
            report.notes.append(NO_PARTITIONS_NOTE)
    return report


def refusal_note(item: AddedUrl) -> str:
    """The warning for a stored URL the guard will refuse, with what to do about it."""
    return (
        f"{item.partition_key}: {item.warning}. The running app fetches such addresses only if it was "
        "started with VSL_ALLOW_PRIVATE_NETWORKS=1 or VSL_ALLOW_ADDRESSES (put them in the project's .env)"
    )
