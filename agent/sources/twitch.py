"""Twitch chat: the Sans-I/O protocol object and the websocket session around it.

``TwitchIrc`` takes the text frames the server sends and returns events; it
never touches a socket, so tests feed it raw lines. ``TwitchSession`` is the
thin asyncio shell: connect, send what the protocol object queued, heartbeat.
How each IRC message becomes a room event is ``agent.sources.twitch_irc``.
Every event passes ``agent.sources.boundary.admit`` (control and bidi characters
stripped, impossible numbers refused and counted in ``TwitchIrc.rejected``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from agent.config import SourcesConfig, TwitchSource
from agent.events import Event
from agent.sources.base import SessionContext, SourceAuthError, not_for, ws_url_problem
from agent.sources.boundary import Implausible, admit
from agent.sources.twitch_helix import HelixPoller
from agent.sources.twitch_irc import IrcMessage, parse_line, privmsg_events, usernotice_events

log = logging.getLogger(__name__)

# Twitch's own limits are far lower (500 chars of chat); this only bounds a broken peer.
MAX_FRAME_BYTES = 1 << 20

AUTH_FAILED_NOTICES = ("Login authentication failed", "Improperly formatted auth", "Invalid NICK")


class TwitchIrc:
    """Sans-I/O Twitch chat client: text frames in, room events and lines to send out.

    After each ``receive`` the caller sends ``data_to_send()`` and checks
    ``joined`` (the channel is ours: the link is live), ``auth_error`` (the fix
    for the streamer, one line) and ``reconnect_requested``.
    """

    def __init__(self, channel: str, *, nick: str = "", token: str = "") -> None:
        self.channel = channel.strip().lstrip("#").lower()
        token = token.strip()
        if token:
            self.nick = nick.strip().lower()
            self.password = token if token.startswith("oauth:") else f"oauth:{token}"
        else:
            # Twitch lets any justinfan<digits> read chat with any password.
            self.nick = f"justinfan{random.randint(10000, 99999)}"
            self.password = "SCHMOOPIIE"
        self.anonymous = not token
        self.joined = False
        self.reconnect_requested = False
        self.auth_error: str | None = None
        self.rejected: Counter[str] = Counter()  # events refused for impossible numbers, by type
        self._outgoing: list[str] = []

    def opening_lines(self) -> list[str]:
        """What to send right after the websocket opens; PASS must come before NICK."""
        return [
            "CAP REQ :twitch.tv/tags twitch.tv/commands",
            f"PASS {self.password}",
            f"NICK {self.nick}",
            f"JOIN #{self.channel}",
        ]

    def data_to_send(self) -> list[str]:
        out, self._outgoing = self._outgoing, []
        return out

    def receive(self, text: str) -> list[Event]:
        """One websocket text frame (one or more CRLF-separated lines) -> room events."""
        events: list[Event] = []
        for line in text.split("\n"):
            try:
                msg = parse_line(line)
                if msg is None:
                    continue
                handled = self._handle(msg)
            except Exception as exc:  # a line no check anticipated: that line, not the frame or the link
                self.rejected["unreadable"] += 1
                log.warning("twitch: ignored an unreadable line (%s: %s)", type(exc).__name__, str(exc)[:120])
                continue
            for event in handled:
                try:
                    events.append(admit(event))
                except Implausible as exc:
                    if not self.rejected:
                        log.warning(
                            "twitch: refused a %s (%s); further ones are only counted", msg.command, exc
                        )
                    self.rejected[event.type] += 1
        return events

    def _handle(self, msg: IrcMessage) -> list[Event]:
        command = msg.command
        if command == "PRIVMSG":
            return privmsg_events(msg)
        if command == "USERNOTICE":
            return usernotice_events(msg)
        if command == "PING":
            self._outgoing.append(f"PONG :{msg.trailing or 'tmi.twitch.tv'}")
        elif command == "RECONNECT":
            self.reconnect_requested = True
        elif command == "NOTICE":
            self._notice(msg)
        elif command in ("366", "ROOMSTATE") or (command == "JOIN" and msg.nick == self.nick):
            self.joined = True
        return []

    def _notice(self, msg: IrcMessage) -> None:
        text = msg.trailing
        if any(text.startswith(n) for n in AUTH_FAILED_NOTICES):
            self.auth_error = (
                f"twitch refused the login ({text}): set sources.twitch.oauth_token to a chat token "
                "with the chat:read scope and sources.twitch.nick to its account, or clear the token "
                "to read anonymously"
            )
        elif msg.tags.get("msg-id") in ("msg_channel_suspended", "msg_banned", "tos_ban"):
            self.auth_error = (
                f"twitch will not let us read #{self.channel} ({text}): check sources.twitch.channel"
            )
        else:
            log.info("twitch notice: %s", text)


class TwitchSession:
    """One connection to Twitch chat over its websocket endpoint; see ``Session``."""

    name = "twitch"

    def __init__(self, cfg: TwitchSource) -> None:
        self.cfg = cfg
        self.helix = HelixPoller(cfg)  # title and game; off without sources.twitch.client_id

    async def run_once(self, ctx: SessionContext) -> None:
        cfg = self.cfg
        irc = TwitchIrc(cfg.channel, nick=cfg.nick, token=cfg.oauth_token.get_secret_value())
        async with connect(cfg.ws_url, max_size=MAX_FRAME_BYTES, open_timeout=10) as ws:
            for line in irc.opening_lines():
                await ws.send(line)
            helpers = [asyncio.create_task(self._heartbeat(ws))]
            if self.helix.enabled:
                helpers.append(asyncio.create_task(self.helix.run(ctx.emit)))
            try:
                await self._read(ws, irc, ctx)
            finally:
                for task in helpers:
                    task.cancel()
                # A heartbeat that failed on a closed socket says nothing the read loop did not;
                # the title poller reports its own failures.
                for task in helpers:
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task

    async def _read(self, ws: ClientConnection, irc: TwitchIrc, ctx: SessionContext) -> None:
        async for frame in ws:
            text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
            ctx.alive()
            events = irc.receive(text)
            for line in irc.data_to_send():
                await ws.send(line)
            if irc.auth_error:
                raise SourceAuthError(irc.auth_error)
            if irc.joined:
                ctx.live()  # idempotent in the supervisor
            for event in events:
                ctx.emit(event)
            if irc.reconnect_requested:
                log.info("twitch asked us to reconnect")
                return

    async def _heartbeat(self, ws: ClientConnection) -> None:
        """Twitch pings only every few minutes; our own PING keeps the stale timer fed."""
        while True:
            await asyncio.sleep(self.cfg.heartbeat_s)
            await ws.send("PING :cohost")


# --- what the registry needs (agent.sources.registry) ---


def problems(cfg: SourcesConfig) -> list[str]:
    t = cfg.twitch
    lines: list[str | None] = []
    if not t.channel.strip().lstrip("#"):
        lines.append(
            "config error: sources.twitch.channel is not set: the channel name from "
            "twitch.tv/<channel>, or pass --room"
        )
    if t.oauth_token.get_secret_value() and not t.nick.strip():
        lines.append(
            "config error: sources.twitch.nick is not set: with an oauth_token, nick must be "
            "the token's account (or clear the token to read anonymously)"
        )
    lines.append(ws_url_problem("sources.twitch.ws_url", t.ws_url))
    has_token = t.api_token.get_secret_value().strip() or t.oauth_token.get_secret_value().strip()
    if t.client_id.strip() and not has_token:
        lines.append(
            "config error: sources.twitch.client_id is set but there is no token for Helix: set "
            "sources.twitch.api_token (an app access token for that client id), or clear client_id"
        )
    if t.client_id.strip() and not t.api_base.startswith(("https://", "http://")):
        lines.append(f"config error: sources.twitch.api_base = {t.api_base!r}: expected an http(s):// URL")
    if t.heartbeat_s >= cfg.reconnect.stale_after_s:
        lines.append(
            f"config error: sources.twitch.heartbeat_s = {t.heartbeat_s:g} must be below "
            f"sources.reconnect.stale_after_s = {cfg.reconnect.stale_after_s:g}"
        )
    return [line for line in lines if line]


def session(cfg: SourcesConfig) -> TwitchSession:
    return TwitchSession(cfg.twitch)


def cli_options(room: str | None, ws_url: str | None, api_base: str | None) -> dict[str, Any]:
    if api_base is not None:
        raise not_for("--api-base", "twitch")
    section: dict[str, Any] = {}
    if room is not None:
        section["channel"] = room.strip().lstrip("#").lower()
    if ws_url is not None:
        section["ws_url"] = ws_url
    return section
