"""Writing into ffmpeg's input pipes from the event loop, with back-pressure."""

from __future__ import annotations

import asyncio
import contextlib
import os


class PipeWriter(asyncio.Protocol):
    """Non-blocking writes into a pipe with back-pressure (no thread can be left blocked in write)."""

    def __init__(self) -> None:
        self.transport: asyncio.WriteTransport | None = None
        self.lost = False
        self._paused = False
        self._waiter: asyncio.Future[None] | None = None

    @classmethod
    async def open(cls, fd: int) -> PipeWriter:
        loop = asyncio.get_running_loop()
        pipe = os.fdopen(fd, "wb", buffering=0)
        try:
            transport, protocol = await loop.connect_write_pipe(cls, pipe)
        except BaseException:
            pipe.close()
            raise
        protocol.transport = transport
        transport.set_write_buffer_limits(high=1024 * 1024)
        return protocol

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
        self._waiter = None

    async def write(self, data: bytes) -> None:
        if self.lost or self.transport is None:
            raise BrokenPipeError
        self.transport.write(data)
        while self._paused and not self.lost:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        if self.lost:
            raise BrokenPipeError

    def finish(self) -> None:
        """Close after the buffered bytes are written: ffmpeg then sees end of input."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def abort(self) -> None:
        if self.transport is not None and not self.lost:
            self.transport.abort()


def grow_pipe(fd: int) -> None:
    """Bigger pipe buffer (Linux): fewer wake-ups per segment; harmless where unsupported."""
    with contextlib.suppress(OSError, AttributeError, ImportError):
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1024 * 1024)
