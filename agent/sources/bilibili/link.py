"""The asyncio shell around the codec: one danmaku websocket from connect to drop.

Both Bilibili sessions (web and open platform) speak the same packet protocol once
connected: send the auth packet, wait for op 8, then heartbeat and read commands.
Reconnecting is the supervisor's job; this module only runs one link.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from agent.sources.base import SessionContext, SourceProtocolError
from agent.sources.bilibili.codec import (
    AuthReply,
    Command,
    FrameDecoder,
    HeartbeatReply,
    Message,
    encode_heartbeat,
)
from agent.sources.bilibili.commands import GUARD_HOLD_S, CommandParser, command_name
from agent.sources.jsonread import BadJson, loads

log = logging.getLogger(__name__)

MAX_FRAME = 4 * 1024 * 1024


async def json_object(request: Awaitable[httpx.Response], what: str) -> dict[str, Any]:
    """The JSON object an HTTP call answers; anything else is a SourceProtocolError naming ``what``."""
    try:
        response = await request
        response.raise_for_status()
    except (httpx.HTTPError, httpx.InvalidURL, httpx.CookieConflict, UnicodeError) as exc:
        # UnicodeError: a cookie an earlier answer set with non-ASCII bytes, which the request
        # headers cannot carry (the server's doing, not ours).
        raise SourceProtocolError(f"bilibili {what} failed: {type(exc).__name__}: {exc}"[:300]) from None
    try:
        data = loads(response.content)
    except BadJson:
        raise SourceProtocolError(f"bilibili {what} did not answer JSON") from None
    if not isinstance(data, dict):
        raise SourceProtocolError(f"bilibili {what} answered {type(data).__name__}, not an object")
    return data


class AuthRefused(SourceProtocolError):
    """The danmaku server answered our auth packet with a non-zero code."""

    def __init__(self, code: int) -> None:
        super().__init__(f"danmaku server refused auth (code {code})")
        self.code = code


Background = Callable[[], Awaitable[None]]


async def run_link(
    url: str,
    auth_packet: bytes,
    ctx: SessionContext,
    *,
    heartbeat_s: float,
    auth_timeout_s: float,
    user_agent: str | None = None,
    stop_on: Collection[str] = (),
    background: Collection[Background] = (),
    parser: CommandParser | None = None,
) -> str:
    """Connect, authenticate, emit events until the link ends.

    Returns the command name from ``stop_on`` that ended the link, or "" when the
    server closed it. ``background`` coroutines (e.g. the open platform's HTTP
    heartbeat) run alongside; if one ends or raises, the link ends with it.
    """
    parser = parser or CommandParser()
    decoder = FrameDecoder()
    async with connect(
        url,
        user_agent_header=user_agent,
        open_timeout=auth_timeout_s,
        ping_interval=None,  # the protocol has its own heartbeat; some relays ignore pings
        max_size=MAX_FRAME,
        close_timeout=1,
    ) as ws:
        pending = await _authenticate(ws, decoder, auth_packet, auth_timeout_s)
        ctx.live()
        link = _Link(ws, decoder, parser, ctx, frozenset(stop_on), asyncio.get_running_loop())
        try:
            return await _first_of(
                link.receive(pending),
                link.heartbeat(heartbeat_s),
                link.release_guards(),
                *(job() for job in background),
            )
        finally:
            for event in parser.flush():  # a guard purchase is never lost with the link
                ctx.emit(event)


async def _authenticate(
    ws: ClientConnection, decoder: FrameDecoder, auth_packet: bytes, timeout_s: float
) -> list[Command]:
    """Send the auth packet and wait for its reply; the commands that came before it."""
    await ws.send(auth_packet)
    pending: list[Command] = []
    async with asyncio.timeout(timeout_s):
        code: int | None = None
        while code is None:
            for msg in decoder.decode(_as_bytes(await ws.recv())):
                if isinstance(msg, AuthReply) and code is None:
                    code = msg.code
                elif isinstance(msg, Command):
                    pending.append(msg)
    if code != 0:
        raise AuthRefused(code)
    return pending


@dataclass(frozen=True)
class _Link:
    """One live link's loops: receiving commands, the protocol heartbeat, held guard events."""

    ws: ClientConnection
    decoder: FrameDecoder
    parser: CommandParser
    ctx: SessionContext
    stop_on: frozenset[str]
    loop: asyncio.AbstractEventLoop

    def handle(self, command: Command) -> str:
        name = command_name(command.body)
        if name in self.stop_on:
            return name
        for event in self.parser.parse(command.body, self.loop.time()):
            self.ctx.emit(event)
        return ""

    def frame_messages(self, frame: str | bytes) -> list[Message]:
        skipped = self.decoder.stats.bad_packets
        messages = self.decoder.decode(_as_bytes(frame))
        if self.decoder.stats.bad_packets > skipped:
            # Once at WARNING, then quietly: a broken relay can send thousands.
            level = logging.WARNING if skipped == 0 else logging.DEBUG
            log.log(level, "bilibili: skipped a malformed packet (%s)", self.decoder.stats.last_problem)
        return messages

    async def heartbeat(self, every_s: float) -> None:
        while True:
            await self.ws.send(encode_heartbeat())
            await asyncio.sleep(every_s)

    async def release_guards(self) -> None:
        while True:
            await asyncio.sleep(GUARD_HOLD_S / 2)
            for event in self.parser.due(self.loop.time()):
                self.ctx.emit(event)

    async def receive(self, pending: list[Command]) -> str:
        for command in pending:
            if stopped := self.handle(command):
                return stopped
        async for frame in self.ws:
            for msg in self.frame_messages(frame):
                if isinstance(msg, Command):
                    if stopped := self.handle(msg):
                        return stopped
                elif isinstance(msg, HeartbeatReply):
                    self.ctx.alive()
        return ""


def _as_bytes(frame: str | bytes) -> bytes:
    if isinstance(frame, str):
        raise SourceProtocolError("text frame on a binary protocol")
    return frame


async def _first_of(main: Awaitable[str], *others: Awaitable[None]) -> str:
    """Run all; when the first finishes, cancel the rest and pass on its result or error."""
    main_task = asyncio.ensure_future(main)
    tasks = [main_task, *(asyncio.ensure_future(o) for o in others)]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        # gather, not a suppress-all loop: a cancellation of *this* task must still propagate.
        await asyncio.gather(*tasks, return_exceptions=True)
    first = main_task if main_task in done else next(iter(done))
    result = first.result()  # raises the task's exception, if any
    if first is not main_task:
        raise SourceProtocolError("a background job of the link ended")
    return result if isinstance(result, str) else ""
