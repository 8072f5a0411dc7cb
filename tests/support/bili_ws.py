"""A loopback stand-in for Bilibili's danmaku websocket, and a recording SessionContext.

``DanmakuServer`` checks the op-7 auth packet, answers op 8, answers heartbeats with op 3
(with trailing bytes the length field leaves out, as the real server does), pushes commands
in brotli- and zlib-compressed batches, can drop the client after N commands and resends the
last ``overlap`` commands on reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import struct
import time
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from agent.events import Event
from tests.support.bili_frames import HEADER, batch, packet


class FakeCtx:
    """A SessionContext that keeps what the session emitted (the supervisor's part, recorded)."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.lives = 0
        self.alives = 0

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def live(self) -> None:
        self.lives += 1

    def alive(self) -> None:
        self.alives += 1


@dataclass
class DanmakuServer:
    """``auth_ok(body_bytes) -> bool`` decides op 8's code; commands are pushed in order."""

    auth_ok: Any = None
    commands: list[dict[str, Any]] = field(default_factory=list)
    batch_size: int = 5
    drop_after: int | None = None  # close the socket after this many commands per connection
    drops_left: int = 0  # how many connections to drop that way
    overlap: int = 3  # commands resent at the start of the next connection
    popularity: int = 4242
    connections: int = 0
    authed: int = 0
    auth_bodies: list[bytes] = field(default_factory=list)
    heartbeats: int = 0
    cursor: int = 0  # commands pushed so far (first-time)
    extra_frames: list[bytes] = field(default_factory=list)  # raw frames pushed right after auth
    drop_times: list[float] = field(default_factory=list)  # perf_counter() of each hard drop
    _server: Any = None

    async def start(self) -> DanmakuServer:
        self._server = await serve(self._handle, "127.0.0.1", 0)
        return self

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()

    @property
    def port(self) -> int:
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/sub"

    async def _handle(self, ws: ServerConnection) -> None:
        self.connections += 1
        try:
            first = await asyncio.wait_for(ws.recv(), 5)
        except (TimeoutError, Exception):
            return
        if not isinstance(first, bytes) or len(first) < 16:
            return
        length, hlen, _ver, op, _seq = HEADER.unpack_from(first)
        if op != 7 or length != len(first):
            await ws.close(1002)
            return
        body = first[hlen:length]
        self.auth_bodies.append(body)
        ok = self.auth_ok(body) if self.auth_ok else True
        await ws.send(packet(8, json.dumps({"code": 0 if ok else -101}).encode(), ver=1))
        if not ok:
            await ws.close()
            return
        self.authed += 1
        reader = asyncio.create_task(self._answer_heartbeats(ws))
        try:
            for frame in self.extra_frames:
                await ws.send(frame)
            start = max(0, self.cursor - self.overlap)
            sent = 0
            drop_now = self.drop_after is not None and self.drops_left > 0
            i = start
            n_batch = 0
            while i < len(self.commands):
                chunk = self.commands[i : i + self.batch_size]
                if drop_now:
                    chunk = chunk[: max(0, self.drop_after - sent)]  # type: ignore[operator]
                if not chunk:
                    break
                await ws.send(batch(chunk, "brotli" if n_batch % 2 == 0 else "zlib"))
                n_batch += 1
                i += len(chunk)
                sent += len(chunk)
                self.cursor = max(self.cursor, i)
                if drop_now and sent >= self.drop_after:  # type: ignore[operator]
                    break
            if drop_now:
                self.drops_left -= 1
                await asyncio.sleep(0.05)
                self.drop_times.append(time.perf_counter())
                ws.transport.abort()  # a hard drop: no close frame
                return
            await ws.wait_closed()
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _answer_heartbeats(self, ws: ServerConnection) -> None:
        with contextlib.suppress(Exception):
            async for frame in ws:
                if isinstance(frame, bytes) and len(frame) >= 16 and HEADER.unpack_from(frame)[3] == 2:
                    self.heartbeats += 1
                    # The length field counts header + popularity only; the echo follows.
                    reply = packet(3, struct.pack(">I", self.popularity), ver=1) + b"[object Object]"
                    await ws.send(reply)

    async def push(self, commands: list[dict[str, Any]]) -> None:
        """Append commands; they go out on the next connection (or call from a running one)."""
        self.commands.extend(commands)
