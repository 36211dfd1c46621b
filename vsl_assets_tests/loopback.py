"""The media entry points with the test servers' address allowed, said explicitly.

Every test server listens on 127.0.0.1, which the network guard refuses by default; the guard reads
no settings (the front ends hand it a ``NetPolicy``), so the tests that call the media code directly
go through these wrappers, which pass ``LOOPBACK`` in the options they were given (or the defaults).
Tests of the refusal itself (``net/test_guard.py``) call the real functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from vsl_assets.media import download as _download
from vsl_assets.media.hls import HlsOptions
from vsl_assets.media.hls import download_hls as _download_hls
from vsl_assets.media.pages import ResolveOptions
from vsl_assets.media.pages import resolve as _resolve
from vsl_assets.media.pages.fetch import Fetcher as _Fetcher
from vsl_assets.media.probe import MediaInfo
from vsl_assets.net.guard import NetPolicy

#: What ``VSL_ALLOW_PRIVATE_NETWORKS=1`` gives the pipeline.
LOOPBACK = NetPolicy(allow_private=True)


def resolve(url: str, *, client: httpx.Client | None = None, options: ResolveOptions | None = None) -> Any:
    return _resolve(url, client=client, options=replace(options or ResolveOptions(), net=LOOPBACK))


def Fetcher(options: ResolveOptions, client: httpx.Client | None = None) -> _Fetcher:
    return _Fetcher(replace(options, net=LOOPBACK), client)


def extract(url: str, *, referer: str | None, options: ResolveOptions | None = None, what: str = "page") -> Any:
    from vsl_assets.media.pages.ytdlp import extract as _extract

    return _extract(url, referer=referer, options=replace(options or ResolveOptions(), net=LOOPBACK), what=what)


def download_hls(
    url: str,
    dest: Path,
    options: HlsOptions | None = None,
    log: Callable[[str], None] | None = None,
    *,
    pcm: Path | None = None,
) -> MediaInfo:
    return _download_hls(url, dest, replace(options or HlsOptions(), net=LOOPBACK), log, pcm=pcm)


def download_stream(
    url: str,
    dest: Path,
    options: _download.DownloadOptions | None = None,
    log: Callable[[str], None] | None = None,
) -> MediaInfo:
    return _download.download_stream(url, dest, replace(options or _download.DownloadOptions(), net=LOOPBACK), log)
