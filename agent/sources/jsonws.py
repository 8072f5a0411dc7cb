"""The generic JSON WebSocket source: room events from any bridge that speaks --record's shape.

One JSON object per websocket text message (or a JSON array of them), exactly
what ``agent.events.to_dict`` writes; ``type`` picks the event. docs/jsonws.md
is the schema a bridge author reads. Two modes: connect to ``url``, or listen on
``listen_host:listen_port`` for bridges (a Douyin or Kuaishou bridge, a chat
relay) to connect to us.

``control`` events are refused unless ``allow_control`` is set: this feed has no
credentials, so accepting them would let anything that reaches it mute the bot
or make it say arbitrary text on stream. The control API (with its token) is
the way in for commands. ``transcript`` and ``streamer_voice`` (what the
streamer said) come from the local ears; a bridge may send them only with
``allow_voice``: otherwise a bridge could put words in the streamer's mouth.

In listen mode any web page the streamer opens can reach a loopback port, so a
handshake that carries a browser ``Origin`` is refused (403) unless the origin
is in ``allowed_origins``; bridges (scripts, not pages) send none. With
``token`` set a bridge must also present it (``Authorization: Bearer <token>``
or ``?token=<token>`` in the URL).

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
import hmac
import json
import logging
import math
from collections import Counter
from http import HTTPStatus
from typing import Any, get_args
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from agent.config import JsonWsSource, SourcesConfig
from agent.events import INPUT_TYPES, Control, ControlAction, Enter, Event, EventDecodeError, from_dict
from agent.sources.base import SessionContext, not_for, ws_url_problem
from agent.sources.boundary import Implausible, admit
from agent.sources.jsonread import BadJson, loads

log = logging.getLogger(__name__)

VOICE_TYPES = frozenset({"transcript", "streamer_voice"})  # the streamer's own words: the ears' job
ROOM_TYPES = frozenset(INPUT_TYPES - {"control"} - VOICE_TYPES)
_ENTER_ACTIONS = frozenset({"enter", "follow", "share"})  # Enter.action's Literal
_CONTROL_ACTIONS = frozenset(get_args(ControlAction))
_NO_PLATFORM = frozenset({"transcript", "control"})
TOO_BIG = 1009  # websocket close code: message too big


class JsonWsDecoder:
    """Sans-I/O: one websocket message in, (events, problems) out; never raises."""

    def __init__(
        self, *, platform: str = "jsonws", allow_control: bool = False, allow_voice: bool = False
    ) -> None:
        self.platform = platform
        allowed = ROOM_TYPES | {"control"} if allow_control else ROOM_TYPES
        self.allowed = allowed | VOICE_TYPES if allow_voice else allowed
        self.rejected: Counter[str] = Counter()
        self.accepted = 0

    def decode(self, message: str | bytes) -> tuple[list[Event], list[tuple[str, str]]]:
        problems: list[tuple[str, str]] = []
        try:
            data = loads(message)
        except BadJson as exc:
            data = _batch_with_bad_numbers(message)
            if data is None:
                problems.append(("bad_json", str(exc)[:200]))
        items = data if isinstance(data, list) else [data] if data is not None else []
        events: list[Event] = []
        for item in items:
            try:
                if _has_bad_number(item):
                    raise _Rejected("bad_json", "a number that is not finite (NaN, Infinity, 1e400)")
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
            if isinstance(kind, str) and kind in VOICE_TYPES:
                raise _Rejected(
                    "voice_refused", f"{kind} comes from the local ears (sources.jsonws.allow_voice)"
                )
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


class _BadNumber:
    """Stands in for a number JSON cannot carry (NaN, Infinity, 1e400) while the batch is read."""


_BAD_NUMBER = _BadNumber()


def _batch_with_bad_numbers(message: str | bytes) -> list[Any] | None:
    """A batch that failed strict reading only for its numbers: its items, each bad number a
    marker (that item alone is refused); None for anything else (not JSON, not a batch)."""

    def number(raw: str) -> float | _BadNumber:
        value = float(raw)
        return value if math.isfinite(value) else _BAD_NUMBER

    try:
        text = message if isinstance(message, str) else message.decode("utf-8")
        data = json.loads(text, parse_constant=lambda _c: _BAD_NUMBER, parse_float=number)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, list) else None


def _has_bad_number(value: Any, depth: int = 0) -> bool:
    if value is _BAD_NUMBER:
        return True
    if depth > 64:  # the strict reader already refuses deeper nesting
        return False
    if isinstance(value, dict):
        return any(_has_bad_number(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_has_bad_number(v, depth + 1) for v in value)
    return False


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
        self.decoder = JsonWsDecoder(
            platform=cfg.platform, allow_control=cfg.allow_control, allow_voice=cfg.allow_voice
        )
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

        if cfg.listen_host not in ("127.0.0.1", "::1", "localhost") and not cfg.token.get_secret_value():
            log.warning(
                "jsonws: listening on %s with no token: anyone who can reach it can post chat "
                "(set sources.jsonws.token)",
                cfg.listen_host,
            )
        async with serve(
            bridge,
            cfg.listen_host,
            cfg.listen_port,
            max_size=cfg.max_message_bytes,
            process_request=self._handshake,
        ) as server:
            self.port = next(iter(server.sockets)).getsockname()[1]
            log.info("jsonws: listening for bridges on ws://%s:%d", cfg.listen_host, self.port)
            ctx.live()
            while True:
                # The listener is local: while it is open, the source is up even if no bridge talks.
                await asyncio.sleep(cfg.heartbeat_s)
                ctx.alive()

    def _handshake(self, conn: ServerConnection, request: Request) -> Response | None:
        """Refuse web pages (a browser ``Origin`` not allowed) and, with a token, strangers."""
        problem = handshake_problem(self.cfg, request)
        if problem is None:
            return None
        kind, detail = problem
        self.decoder.rejected[kind] += 1
        self._report(kind, detail)
        status = HTTPStatus.FORBIDDEN if kind == "origin_refused" else HTTPStatus.UNAUTHORIZED
        return conn.respond(status, detail + "\n")


def handshake_problem(cfg: JsonWsSource, request: Request) -> tuple[str, str] | None:
    """Why a bridge's handshake is refused (kind, one line), or None to let it in."""
    origin = request.headers.get("Origin")
    if origin is not None and origin.rstrip("/") not in {o.rstrip("/") for o in cfg.allowed_origins}:
        return (
            "origin_refused",
            f"a web page ({origin[:80]!r}) tried to connect as a bridge; "
            "add its origin to sources.jsonws.allowed_origins if it is yours",
        )
    token = cfg.token.get_secret_value()
    if token:
        offered = request.headers.get("Authorization", "")
        given = offered[7:] if offered.startswith("Bearer ") else ""
        if not given:
            given = (parse_qs(urlsplit(request.path).query).get("token") or [""])[0]
        if not hmac.compare_digest(given.encode(), token.encode()):
            return (
                "token_refused",
                "a bridge came without the right token (sources.jsonws.token): send it as "
                "'Authorization: Bearer <token>' or ?token=<token>",
            )
    return None


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
