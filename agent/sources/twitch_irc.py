"""Twitch IRC lines -> room events: the pure half of the Twitch source (no sockets).

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
- Anonymous gifts (``anonsubgift``, ``anonsubmysterygift``, or any gift sent as
  ``ananonymousgifter``) arrive under the channel's own name: they are credited to
  ``ANONYMOUS`` with no uid, so the streamer is never thanked for their own gift.
- USERNOTICE giftpaidupgrade / anongiftpaidupgrade / primepaidupgrade -> Guard: a
  viewer now pays for the sub they were given (or had through Prime).
- A ``/me`` message (CTCP ``\x01ACTION ...\x01``) keeps only its words, in chat and
  in a resub's shared message.
- USERNOTICE raid -> Gift("raid", count = viewers, unpaid): it says who brought
  how many people; an Enter would lose the size and is the first thing a
  flooded queue drops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

from agent.events import Danmaku, Event, Gift, Guard

USD_TO_CNY = 7.2
BIT_USD = 0.01
SUB_PLAN_USD = {"Prime": 4.99, "1000": 4.99, "2000": 9.99, "3000": 24.99}
SUB_PLAN_LEVEL = {"Prime": 3, "1000": 3, "2000": 2, "3000": 1}
ANONYMOUS = "Anonymous"  # who an anonymous gift is from
ANONYMOUS_LOGIN = "ananonymousgifter"  # the account Twitch sends anonymous gifts as
_UPGRADES = frozenset({"giftpaidupgrade", "anongiftpaidupgrade", "primepaidupgrade"})
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


# Digits beyond any real count: ``int`` refuses strings over 4,300 digits (ValueError), so a
# longer number is read as this (the boundary check then refuses it as implausible).
_MAX_DIGITS = 18
_HUGE = 10**_MAX_DIGITS


def _int(value: str | None, default: int = 0) -> int:
    """A count from a tag: ASCII digits only (``int`` would also take "٣" and "1_0")."""
    if not value or not value.isascii() or not value.isdigit():
        return default
    digits = value.lstrip("0")
    return _HUGE if len(digits) > _MAX_DIGITS else int(digits or "0")


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
    # anongiftpaidupgrade is not one: there the anonymous one gave, the sender now pays.
    if (
        kind in ("anonsubgift", "anonsubmysterygift")
        or tags.get("login", msg.nick).lower() == ANONYMOUS_LOGIN
    ):
        common["uid"], common["uname"] = "", ANONYMOUS
    plan = tags.get("msg-param-sub-plan", "1000")
    plan_usd = SUB_PLAN_USD.get(plan, SUB_PLAN_USD["1000"])
    events: list[Event] = []
    if kind in ("sub", "resub"):
        months = _int(tags.get("msg-param-multimonth-duration"), 1) or 1
        events.append(
            Guard(level=SUB_PLAN_LEVEL.get(plan, 3), count=months, price=_cny(plan_usd * months), **common)
        )
        shared = _strip_action(msg.trailing) if len(msg.params) > 1 else ""
        if shared.strip():
            events.append(Danmaku(text=shared, guard_level=3, **common))
    elif kind in _UPGRADES:
        events.append(Guard(level=SUB_PLAN_LEVEL.get(plan, 3), count=1, price=_cny(plan_usd), **common))
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
