"""Bilibili command JSON (web and open platform) -> room events; pure, never raises.

The handlers live in ``web_commands`` and ``open_commands``; the lenient field
readers in ``fields``. Choices that span commands:

- Prices are yuan. Web gifts count in gold coins (1000 = 1 yuan); open-platform
  ``price`` likewise (1000 = 1 yuan); super chats are already in yuan.
- ``GUARD_BUY``, ``USER_TOAST_MSG`` and ``USER_TOAST_MSG_V2`` all announce the same
  purchase, so all three get ``msg_id = "guard:<uid>:<start_time>"`` and the
  supervisor's msg-id dedupe keeps only one. ``GUARD_BUY`` carries the list price and
  the toasts what was paid (a first month is discounted), so the parser holds a
  ``GUARD_BUY`` for ``GUARD_HOLD_S``: a toast arriving meanwhile replaces it; else
  ``due()`` releases it (the link calls it; ``flush()`` when the link ends).
- ``COMBO_SEND`` is a running total of a gift combo: it becomes a ``Gift`` with
  ``combo_id`` set and ``count`` = the combo total so far, so consumers thank once per
  ``combo_id``; the single ``SEND_GIFT`` packets of the combo carry the same ``combo_id``.
  Ids longer than 64 characters keep a hash of their tail, so two combos stay two.
- ``SUPER_CHAT_MESSAGE_DELETE`` / ``..._SUPER_CHAT_DEL`` produce nothing: a moderator
  removed a paid message, and there is no event that retracts one (the brain's
  ``Filtered`` means "the brain dropped it", which is not what happened).
- ``LIVE`` / ``PREPARING`` (and the open platform's ``LIVE_START`` / ``LIVE_END``) become
  ``SourceStatus(state="live_on" | "live_off")``: the stream went on or off air,
  independent of the connection's own connecting/live/reconnecting states.
- Masked viewers (no SESSDATA) arrive with uid 0; they get ``uid=""`` so they are not
  all taken for one person.
- Every event passes ``agent.sources.boundary.admit``: control and bidi characters
  stripped, impossible numbers (a negative price, 10^17 gifts) refused and counted.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

from agent.events import Event, Guard
from agent.sources.bilibili import open_commands as open_
from agent.sources.bilibili import web_commands as web
from agent.sources.bilibili.fields import GiftPrices, parse_protobuf
from agent.sources.boundary import Implausible, admit

__all__ = ["HANDLERS", "INTERACTION_END", "CommandParser", "command_name", "parse_protobuf"]

log = logging.getLogger(__name__)

GUARD_HOLD_S = 2.0  # how long a GUARD_BUY waits for the toast that says what was paid
MAX_HELD = 256

Handler = Callable[[dict[str, Any], GiftPrices], list[Event]]


def _nothing(body: dict[str, Any], _prices: GiftPrices) -> list[Event]:
    return []


HANDLERS: dict[str, Handler] = {
    "DANMU_MSG": web.danmu_msg,
    "SEND_GIFT": web.send_gift,
    "COMBO_SEND": web.combo_send,
    "SUPER_CHAT_MESSAGE": web.super_chat,
    "SUPER_CHAT_MESSAGE_JPN": _nothing,  # the same super chat again, machine-translated
    "SUPER_CHAT_MESSAGE_DELETE": _nothing,
    "GUARD_BUY": web.guard_buy,
    "USER_TOAST_MSG": web.guard_buy,
    "USER_TOAST_MSG_V2": web.user_toast_v2,
    "INTERACT_WORD": web.interact_word,
    "INTERACT_WORD_V2": web.interact_word_v2,
    "LIKE_INFO_V3_CLICK": web.like_click,
    "LIVE": web.live,
    "PREPARING": web.preparing,
    "ROOM_CHANGE": web.room_change,
    "LIVE_OPEN_PLATFORM_DM": open_.dm,
    "LIVE_OPEN_PLATFORM_SEND_GIFT": open_.gift,
    "LIVE_OPEN_PLATFORM_SUPER_CHAT": open_.super_chat,
    "LIVE_OPEN_PLATFORM_SUPER_CHAT_DEL": _nothing,
    "LIVE_OPEN_PLATFORM_GUARD": open_.guard,
    "LIVE_OPEN_PLATFORM_LIKE": open_.like,
    "LIVE_OPEN_PLATFORM_LIVE_ROOM_ENTER": open_.enter,
    "LIVE_OPEN_PLATFORM_LIVE_START": open_.live_start,
    "LIVE_OPEN_PLATFORM_LIVE_END": open_.live_end,
    # The session restarts the game on this one; it is no room event.
    "LIVE_OPEN_PLATFORM_INTERACTION_END": _nothing,
}

INTERACTION_END = "LIVE_OPEN_PLATFORM_INTERACTION_END"
_PAID_GUARD = frozenset({"USER_TOAST_MSG", "USER_TOAST_MSG_V2"})


def command_name(body: dict[str, Any]) -> str:
    """``DANMU_MSG:4:0:2:2:2:0`` -> ``DANMU_MSG``; "" when there is no usable name."""
    cmd = body.get("cmd")
    if not isinstance(cmd, str):
        return ""
    return cmd.split(":", 1)[0][:100]


class CommandParser:
    """Turns command bodies into events; counts what it skipped and logs each kind once.

    ``unknown``: commands without a handler; ``failed``: a handler raised (a shape no
    reader anticipated); ``rejected``: the event carried impossible numbers.
    """

    def __init__(self) -> None:
        self.unknown: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        self.prices = GiftPrices()
        self._held: dict[str, tuple[float, Guard]] = {}

    def parse(self, body: dict[str, Any], now: float = 0.0) -> list[Event]:
        """The events of one command; ``now`` (any monotonic clock) times a held GUARD_BUY."""
        name = command_name(body)
        handler = HANDLERS.get(name)
        if handler is None:
            if name not in self.unknown and len(self.unknown) < 1000:
                log.info("bilibili: ignoring unknown command %r", name)
            if name in self.unknown or len(self.unknown) < 1000:
                self.unknown[name] += 1
            return []
        try:
            events = [admit(event) for event in handler(body, self.prices)]
        except Implausible as exc:
            if name not in self.rejected:
                log.warning("bilibili: refused a %s command (%s); further ones are only counted", name, exc)
            self.rejected[name] += 1
            return []
        except Exception:  # a payload shape no helper anticipated; one command, not the link
            if name not in self.failed:
                log.warning(
                    "bilibili: could not read a %s command; skipping such commands", name, exc_info=True
                )
            self.failed[name] += 1
            return []
        return self._order_guards(name, events, now)

    def _order_guards(self, name: str, events: list[Event], now: float) -> list[Event]:
        if name == "GUARD_BUY" and len(self._held) < MAX_HELD:
            kept: list[Event] = []
            for event in events:
                if isinstance(event, Guard) and event.msg_id:
                    self._held[event.msg_id] = (now + GUARD_HOLD_S, event)
                else:
                    kept.append(event)
            return kept
        if name in _PAID_GUARD:
            for event in events:
                if isinstance(event, Guard):
                    self._held.pop(event.msg_id, None)
        return events

    def due(self, now: float) -> list[Event]:
        """Held GUARD_BUYs whose toast did not come in time: publish them as they are."""
        ready = [key for key, (deadline, _) in self._held.items() if deadline <= now]
        return [self._held.pop(key)[1] for key in ready]

    def flush(self) -> list[Event]:
        """Everything still held (the link is ending)."""
        held, self._held = self._held, {}
        return [guard for _, guard in held.values()]
