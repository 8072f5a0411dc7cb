"""Twitch chat: Sans-I/O IRC parsing into room events, and the websocket session around it.

``TwitchIrc`` takes the text frames the server sends and returns events; it
never touches a socket, so tests feed it raw lines. ``TwitchSession`` is the
thin asyncio shell: connect, send what the protocol object queued, heartbeat.

How Twitch activity maps onto the room events (price is a rough yuan figure,
only so Twitch gifts rank against Bilibili ones; ``USD_TO_CNY`` below):

- PRIVMSG -> Danmaku (msg_id = tag ``id``, uname = ``display-name``, uid = ``user-id``;
  a subscriber's message gets guard_level 3, like a 舰长's).
- PRIVMSG with ``bits`` -> Gift("bits", count = bits, price = bits x $0.01), then a
  Danmaku with the cheer's words (the text is often a question to the streamer).
- USERNOTICE sub / resub -> Guard: tier 1 and Prime = level 3 (舰长), tier 2 = 2,
  tier 3 = 1; count = months bought; a resub's shared message also becomes a Danmaku.
- USERNOTICE subgift / submysterygift -> Gift("gift sub") from the *gifter*, count =
  subs given: the gifter paid, so the gifter is thanked. The individual subgift
  notices that follow a mystery gift (they carry ``msg-param-community-gift-id``)
  are skipped so a gift of five is thanked once, not six times.
- USERNOTICE raid -> Gift("raid", count = viewers, unpaid): it says who brought
  how many people; an Enter would lose the size and is the first thing a
  flooded queue drops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass, field
from typing import TypedDict

from websockets.asyncio.client import ClientConnection, connect

from agent.config import TwitchSource
from agent.events import Danmaku, Event, Gift, Guard
from agent.sources.base import SourceAuthError
from agent.sources.supervisor import SessionContext

log = logging.getLogger(__name__)

USD_TO_CNY = 7.2
BIT_USD = 0.01
SUB_PLAN_USD = {"Prime": 4.99, "1000": 4.99, "2000": 9.99, "3000": 24.99}
SUB_PLAN_LEVEL = {"Prime": 3, "1000": 3, "2000": 2, "3000": 1}
# Twitch's own limits are far lower (500 chars of chat); this only bounds a broken peer.
MAX_FRAME_BYTES = 1 << 20

_TAG_ESCAPES = {":": ";", "s": " ", "\\": "\\", "r": "\r", "n": "\n"}


def unescape_tag_value(value: str) -> str:
    """IRCv3 tag value unescaping: ``\\s`` space, ``\\:`` ``;``, ``\\\\``, ``\\r``, ``\\n``.

    A backslash before any other character is dropped; a trailing lone one too.
    """
    if "\\" not in value:
        return value
    out: list[str] = []
    chars = iter(value)
    for ch in chars:
        if ch != "\\":
            out.append(ch)
            continue
        nxt = next(chars, "")
        out.append(_TAG_ESCAPES.get(nxt, nxt))
    return "".join(out)


def parse_tags(raw: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for item in raw.split(";"):
        if not item:
            continue
        key, _, value = item.partition("=")
        tags[key] = unescape_tag_value(value)
    return tags


@dataclass(frozen=True, slots=True)
class IrcMessage:
    command: str
    params: tuple[str, ...] = ()
    prefix: str = ""
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def nick(self) -> str:
        return self.prefix.partition("!")[0]

    @property
    def trailing(self) -> str:
        return self.params[-1] if self.params else ""


def parse_line(line: str) -> IrcMessage | None:
    """One IRC line (no CR LF) -> message, or None when there is no command in it."""
    rest = line.strip("\r\n")
    tags: dict[str, str] = {}
    if rest.startswith("@"):
        raw, _, rest = rest[1:].partition(" ")
        tags = parse_tags(raw)
        rest = rest.lstrip(" ")
    prefix = ""
    if rest.startswith(":"):
        prefix, _, rest = rest[1:].partition(" ")
        rest = rest.lstrip(" ")
    head, sep, trailing = rest.partition(" :")
    if head.startswith(":"):  # no command, only a trailing parameter
        return None
    parts = head.split()
    if not parts:
        return None
    params = parts[1:]
    if sep:
        params.append(trailing)
    return IrcMessage(command=parts[0].upper(), params=tuple(params), prefix=prefix, tags=tags)


def _int(value: str | None, default: int = 0) -> int:
    try:
        number = int(value or "")
    except ValueError:
        return default
    return max(0, number)


def _strip_action(text: str) -> str:
    """``/me waves`` arrives as CTCP ``\\x01ACTION waves\\x01``; keep the words."""
    if text.startswith("\x01ACTION ") and text.endswith("\x01"):
        return text[8:-1]
    return text


class _Who(TypedDict):
    platform: str
    msg_id: str
    uid: str
    uname: str


def _who(msg: IrcMessage) -> _Who:
    tags = msg.tags
    uname = tags.get("display-name") or tags.get("login") or msg.nick
    return _Who(platform="twitch", msg_id=tags.get("id", ""), uid=tags.get("user-id", ""), uname=uname)


def _cny(usd: float) -> float:
    return round(usd * USD_TO_CNY, 2)


def privmsg_events(msg: IrcMessage) -> list[Event]:
    tags = msg.tags
    text = _strip_action(msg.trailing)
    common = _who(msg)
    events: list[Event] = []
    bits = _int(tags.get("bits"))
    if bits:
        events.append(Gift(gift_name="bits", count=bits, price=_cny(bits * BIT_USD), paid=True, **common))
        text = " ".join(w for w in text.split() if not _is_cheermote(w))
    if not text.strip():
        return events
    events.append(
        Danmaku(
            text=text,
            guard_level=3 if tags.get("subscriber") == "1" else 0,
            emoticon=tags.get("emote-only") == "1",
            reply_to=tags.get("reply-parent-display-name", ""),
            **common,
        )
    )
    return events


def _is_cheermote(word: str) -> bool:
    """``Cheer100``, ``Kappa50``: a word ending in digits after letters."""
    stem = word.rstrip("0123456789")
    return stem != word and stem.isalpha()


def usernotice_events(msg: IrcMessage) -> list[Event]:
    tags = msg.tags
    kind = tags.get("msg-id", "")
    common = _who(msg)
    plan = tags.get("msg-param-sub-plan", "1000")
    plan_usd = SUB_PLAN_USD.get(plan, SUB_PLAN_USD["1000"])
    events: list[Event] = []
    if kind in ("sub", "resub"):
        months = _int(tags.get("msg-param-multimonth-duration"), 1) or 1
        events.append(
            Guard(level=SUB_PLAN_LEVEL.get(plan, 3), count=months, price=_cny(plan_usd * months), **common)
        )
        if msg.trailing and len(msg.params) > 1:
            events.append(Danmaku(text=msg.trailing, guard_level=3, **common))
    elif kind in ("subgift", "anonsubgift"):
        if tags.get("msg-param-community-gift-id"):
            return []  # one of the subs of a mystery gift, already counted there
        months = _int(tags.get("msg-param-gift-months"), 1) or 1
        events.append(Gift(gift_name="gift sub", count=1, price=_cny(plan_usd * months), paid=True, **common))
    elif kind in ("submysterygift", "anonsubmysterygift"):
        count = _int(tags.get("msg-param-mass-gift-count"), 1) or 1
        events.append(
            Gift(gift_name="gift sub", count=count, price=_cny(plan_usd * count), paid=True, **common)
        )
    elif kind == "raid":
        raider = tags.get("msg-param-displayName") or tags.get("msg-param-login") or common["uname"]
        viewers = _int(tags.get("msg-param-viewerCount"), 1) or 1
        common["uname"] = raider  # the raiding streamer, not the notice's sender
        events.append(Gift(gift_name="raid", count=viewers, paid=False, **common))
    return events


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
            msg = parse_line(line)
            if msg is not None:
                events.extend(self._handle(msg))
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

    async def run_once(self, ctx: SessionContext) -> None:
        cfg = self.cfg
        irc = TwitchIrc(cfg.channel, nick=cfg.nick, token=cfg.oauth_token.get_secret_value())
        async with connect(cfg.ws_url, max_size=MAX_FRAME_BYTES, open_timeout=10) as ws:
            for line in irc.opening_lines():
                await ws.send(line)
            heartbeat = asyncio.create_task(self._heartbeat(ws))
            try:
                await self._read(ws, irc, ctx)
            finally:
                heartbeat.cancel()
                # A heartbeat that failed on a closed socket says nothing the read loop did not.
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await heartbeat

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
