"""The generic JSON WebSocket source: room events from any bridge that speaks --record's shape.

One JSON object per websocket text message (or a JSON array of them), exactly
what ``agent.events.to_dict`` writes; ``type`` picks the event. docs/jsonws.md
is the schema a bridge author reads. Two modes: connect to ``url``, or listen on
``listen_host:listen_port`` for bridges (a Douyin or Kuaishou bridge, a chat
relay) to connect to us.

``control`` events are refused unless ``allow_control`` is set: this feed has no
credentials, so accepting them would let anything that reaches it mute the bot
or make it say arbitrary text on stream. The control API (with its token) is
the way in for commands.

Nothing a peer sends is fatal: bad JSON, unknown or refused types, wrong
field types and impossible numbers (negative, infinite, or above what any room
sends: ``agent.sources.boundary``) are counted by kind in
``JsonWsDecoder.rejected`` and logged once per kind; one bad item of a batch
never costs the others; text and names lose control and bidi characters. An
oversized message makes websockets close that connection (1009), which is
counted as ``too_big``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from typing import Any, get_args

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from agent.config import JsonWsSource, SourcesConfig
from agent.events import INPUT_TYPES, Control, ControlAction, Enter, Event, EventDecodeError, from_dict
from agent.sources.base import SessionContext, not_for, ws_url_problem
from agent.sources.boundary import Implausible, admit
from agent.sources.jsonread import BadJson, loads

log = logging.getLogger(__name__)

ROOM_TYPES = frozenset(INPUT_TYPES - {"control", "streamer_voice"})
_ENTER_ACTIONS = frozenset({"enter", "follow", "share"})  # Enter.action's Literal
_CONTROL_ACTIONS = frozenset(get_args(ControlAction))
_NO_PLATFORM = frozenset({"transcript", "control"})
TOO_BIG = 1009  # websocket close code: message too big


class JsonWsDecoder:
    """Sans-I/O: one websocket message in, (events, problems) out; never raises."""

    def __init__(self, *, platform: str = "jsonws", allow_control: bool = False) -> None:
        self.platform = platform
        self.allowed = ROOM_TYPES | {"control"} if allow_control else ROOM_TYPES
        self.rejected: Counter[str] = Counter()
        self.accepted = 0

    def decode(self, message: str | bytes) -> tuple[list[Event], list[tuple[str, str]]]:
        problems: list[tuple[str, str]] = []
        try:
            data = loads(message)
        except BadJson as exc:
            problems.append(("bad_json", str(exc)[:200]))
            data = None
        items = data if isinstance(data, list) else [data] if data is not None else []
        events: list[Event] = []
        for item in items:
            try:
                events.append(self._event(item))
            except _Rejected as exc:
                problems.append((exc.kind, exc.detail))
            except Exception as exc:  # a shape no check anticipated: this item, not the batch
                problems.append(("unreadable", f"{type(exc).__name__}: {exc}"[:200]))
        for kind, _ in problems:
            self.rejected[kind] += 1
        self.accepted += len(events)
        return events, problems

    def _event(self, item: Any) -> Event:
        if not isinstance(item, dict):
            raise _Rejected("not_object", f"expected a JSON object, got {type(item).__name__}")
        kind = item.get("type")
        if not isinstance(kind, str) or kind not in self.allowed:
            if kind == "control":
                raise _Rejected("control_refused", "control events are off (sources.jsonws.allow_control)")
            raise _Rejected("unknown_type", f"type {str(kind)[:40]!r} is not a room event")
        if kind not in _NO_PLATFORM and not item.get("platform"):
            item = {**item, "platform": self.platform}
        if kind == "control" and not item.get("origin"):
            item = {**item, "origin": "jsonws"}
        try:
            event = from_dict(item)
        except EventDecodeError as exc:
            raise _Rejected("bad_field", str(exc)[:200]) from None
        _check_actions(event)
        try:
            return admit(event)
        except Implausible as exc:
            raise _Rejected("bad_field", str(exc)[:200]) from None


class _Rejected(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def _check_actions(event: Event) -> None:
    """from_dict checks JSON types, not Literal values: a list there would even be unhashable."""
    if isinstance(event, Enter) and not (isinstance(event.action, str) and event.action in _ENTER_ACTIONS):
        raise _Rejected("bad_field", f"enter.action: expected one of {sorted(_ENTER_ACTIONS)}")
    if isinstance(event, Control) and not (
        isinstance(event.action, str) and event.action in _CONTROL_ACTIONS
    ):
        raise _Rejected("bad_field", f"control.action: expected one of {sorted(_CONTROL_ACTIONS)}")


class JsonWsSession:
    """Connect to ``cfg.url``, or listen for bridges when it is empty; see ``Session``."""

    name = "jsonws"

    def __init__(self, cfg: JsonWsSource) -> None:
        self.cfg = cfg
        self.decoder = JsonWsDecoder(platform=cfg.platform, allow_control=cfg.allow_control)
        self.port = cfg.listen_port  # the bound port once listening (useful with port 0)
        self._reported: set[str] = set()

    async def run_once(self, ctx: SessionContext) -> None:
        if self.cfg.url:
            await self._connect(ctx)
        else:
            await self._listen(ctx)

    # --- shared ---

    def _report(self, kind: str, detail: str) -> None:
        if kind not in self._reported:
            self._reported.add(kind)
            log.warning("jsonws: ignored a message (%s: %s); further %s are only counted", kind, detail, kind)

    def _feed(self, message: str | bytes, ctx: SessionContext) -> None:
        events, problems = self.decoder.decode(message)
        for kind, detail in problems:
            self._report(kind, detail)
        for event in events:
            ctx.emit(event)

    def _closed(self, exc: ConnectionClosed) -> None:
        if exc.sent is not None and exc.sent.code == TOO_BIG:
            self.decoder.rejected["too_big"] += 1
            self._report(
                "too_big", f"a message over {self.cfg.max_message_bytes} bytes closed the connection"
            )

    # --- connect mode ---

    async def _connect(self, ctx: SessionContext) -> None:
        async with connect(self.cfg.url, max_size=self.cfg.max_message_bytes, open_timeout=10) as ws:
            ctx.live()
            pinger = asyncio.create_task(self._ping(ws, ctx))
            try:
                async for message in ws:
                    ctx.alive()
                    self._feed(message, ctx)
            except ConnectionClosed as exc:
                self._closed(exc)
                raise
            finally:
                pinger.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pinger

    async def _ping(self, ws: ClientConnection, ctx: SessionContext) -> None:
        """A quiet feed is not a dead one: each answered ping feeds the stale timer."""
        while True:
            await asyncio.sleep(self.cfg.heartbeat_s)
            pong = await ws.ping()
            await pong
            ctx.alive()

    # --- listen mode ---

    async def _listen(self, ctx: SessionContext) -> None:
        cfg = self.cfg

        async def bridge(conn: ServerConnection) -> None:
            peer = conn.remote_address
            log.info("jsonws: bridge connected from %s", peer)
            try:
                async for message in conn:
                    self._feed(message, ctx)
            except ConnectionClosed as exc:
                self._closed(exc)
            except Exception as exc:  # a peer must never take the listener down
                log.error("jsonws: bridge %s failed: %s: %s", peer, type(exc).__name__, exc)
            log.info("jsonws: bridge %s disconnected", peer)

        if cfg.listen_host not in ("127.0.0.1", "::1", "localhost"):
            log.warning("jsonws: listening on %s: anyone who can reach it can post chat", cfg.listen_host)
        async with serve(bridge, cfg.listen_host, cfg.listen_port, max_size=cfg.max_message_bytes) as server:
            self.port = next(iter(server.sockets)).getsockname()[1]
            log.info("jsonws: listening for bridges on ws://%s:%d", cfg.listen_host, self.port)
            ctx.live()
            while True:
                # The listener is local: while it is open, the source is up even if no bridge talks.
                await asyncio.sleep(cfg.heartbeat_s)
                ctx.alive()


# --- what the registry needs (agent.sources.registry) ---


def problems(cfg: SourcesConfig) -> list[str]:
    j = cfg.jsonws
    lines: list[str | None] = []
    if not j.url and not j.listen_port:
        lines.append(
            "config error: sources.jsonws needs url (to connect to a feed) or listen_port "
            "(to let bridges connect): set one of them"
        )
    lines.append(ws_url_problem("sources.jsonws.url", j.url))
    return [line for line in lines if line]


def session(cfg: SourcesConfig) -> JsonWsSession:
    return JsonWsSession(cfg.jsonws)


def cli_options(room: str | None, ws_url: str | None, api_base: str | None) -> dict[str, Any]:
    for option, value in (("--room", room), ("--api-base", api_base)):
        if value is not None:
            raise not_for(option, "jsonws")
    return {} if ws_url is None else {"url": ws_url}
