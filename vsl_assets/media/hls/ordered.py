"""Ordered, windowed fetching: items fetched concurrently, handed out in order, with progress lines."""

from __future__ import annotations

import asyncio
import math
import time

from vsl_assets.media.hls.client import Http
from vsl_assets.media.hls.decrypt import decrypt
from vsl_assets.media.hls.options import Log
from vsl_assets.media.hls.tracks import Item, Track


class Progress:
    """Segments and bytes so far; a line every ``interval_s`` or 10 % step, never one per segment."""

    def __init__(self, total: int, log: Log, interval_s: float) -> None:
        self.total = max(total, 1)
        self.log = log
        self.interval_s = interval_s
        self.started = time.monotonic()
        self.done = 0
        self.bytes = 0
        self._last_log = self.started
        self._last_step = 0

    def add(self, nbytes: int) -> None:
        self.done += 1
        self.bytes += nbytes
        now = time.monotonic()
        step = self.done * 10 // self.total
        since = now - self._last_log
        if self.done < self.total and (since >= self.interval_s or (step > self._last_step and since >= 1.0)):
            self._last_log, self._last_step = now, step
            self.log(self.line(now))

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.started, 1e-6)
        rate = self.bytes / elapsed
        eta = (self.total - self.done) * elapsed / self.done if self.done else math.inf
        return (
            f"HLS: {self.done}/{self.total} segments ({100 * self.done / self.total:.0f} %), "
            f"{self.bytes / 1e6:.1f} MB, {rate / 1e6:.1f} MB/s, ETA {eta:.0f} s"
        )


class Ordered:
    """Items of one track, fetched concurrently but handed out in order, at most ``window`` ahead."""

    def __init__(self, http: Http, track: Track, window: int, progress: Progress) -> None:
        self.http = http
        self.items = track.items
        self.window = window
        self.progress = progress
        self._tasks: dict[int, asyncio.Task[bytes]] = {}
        self._next = 0

    async def get(self, index: int) -> bytes:
        while self._next < len(self.items) and self._next < index + self.window:
            self._tasks[self._next] = asyncio.ensure_future(self._fetch(self.items[self._next]))
            self._next += 1
        try:
            return await self._tasks[index]
        finally:
            self._tasks.pop(index, None)

    async def _fetch(self, item: Item) -> bytes:
        async with self.http.slots:
            data, _ = await self.http.get(item.uri, item.label, byterange=item.byterange)
        if item.key is not None and item.key.uri is not None and item.iv is not None:
            key = await self.http.key(item.key.uri, item.label)
            if len(data) > 256 * 1024:
                data = await asyncio.to_thread(decrypt, data, key, item.iv, item.label)
            else:
                data = decrypt(data, key, item.iv, item.label)
        if item.is_segment:
            self.progress.add(len(data))
        return data

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
