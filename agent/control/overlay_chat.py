"""The overlay's chat feed: viewer events shown only once the brain has let them through.

Sans-I/O. A danmaku, gift, super chat or guard purchase waits here until the
brain's ``admitted`` verdict for it arrives; then it becomes a chat line (its
``--record`` JSON shape, the brain's display name and text, plus a ``line``
number the page updates it by). Messages the filters removed never get a
verdict and never show. A copy the flood rules dropped (``flood``, ``repeat``)
adds to the ``count`` of the line it repeats; a gift combo grows its line's
``combo_total``. Everything is bounded: pending events and remembered lines
drop their oldest.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, OrderedDict, deque
from typing import Any

from agent.brain.names import anonymous
from agent.events import Admitted, Danmaku, Event, Filtered, Gift, to_dict
from agent.vocabulary import FilterReason

CHAT_TYPES = frozenset({"danmaku", "gift", "super_chat", "guard"})
# Filter reasons that mean "the same as a line already shown": folded into its count.
FOLD_REASONS = frozenset({FilterReason.FLOOD, FilterReason.REPEAT})
MAX_PENDING = 512  # viewer events of each kind awaiting the brain's verdict (it keeps up in ms)
# Paid events wait in a lane of their own: a danmaku flood never pushes one out.
PAID_TYPES = frozenset({"gift", "super_chat", "guard"})
MAX_RECENT = 256  # lines remembered for folds and combos


def _fold_key(text: str) -> str:
    """Case, width and spacing do not make a message new."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _match_key(event: Event | Admitted) -> tuple[str, str, str, str]:
    of = event.of if isinstance(event, Admitted) else event.type
    return (of, getattr(event, "msg_id", ""), getattr(event, "uname", ""), getattr(event, "text", ""))


class ChatGate:
    """Turns bus events into chat-line messages for the page."""

    def __init__(self) -> None:
        self._pending: deque[tuple[int, Event]] = deque()  # danmaku, with their arrival number
        self._paid: deque[tuple[int, Event]] = deque()
        self._arrived = 0
        self.evicted: Counter[str] = Counter()  # events never shown: their lane was full
        self._recent: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._by_text: dict[str, int] = {}
        self._combos: dict[tuple[str, str, str], int] = {}
        self._text_of: dict[int, str] = {}  # line -> its key in _by_text
        self._combo_of: dict[int, tuple[str, str, str]] = {}  # line -> its key in _combos
        self._next_line = 0
        self.unvetted = 0  # held events skipped by a later verdict (the brain's queue dropped them)

    def add(self, event: Event) -> dict[str, Any] | None:
        """The message the page should get for ``event``, if any."""
        if event.type in CHAT_TYPES:
            self._arrived += 1
            lane = self._paid if event.type in PAID_TYPES else self._pending
            lane.append((self._arrived, event))
            if len(lane) > MAX_PENDING:
                self.evicted[lane.popleft()[1].type] += 1
            return None
        if isinstance(event, Admitted):
            return self._admit(event)
        if isinstance(event, Filtered) and event.reason in FOLD_REASONS and event.of == "danmaku":
            return self._fold(event)
        if isinstance(event, Filtered) and event.rule.startswith("split:") and event.of == "danmaku":
            return self._withdraw(event)  # part of a word or number split over messages
        return None

    def _admit(self, verdict: Admitted) -> dict[str, Any] | None:
        key = _match_key(verdict)
        lane = self._paid if verdict.of in PAID_TYPES else self._pending
        found = next((i for i, (_, waiting) in enumerate(lane) if _match_key(waiting) == key), None)
        if found is None:
            return None
        arrived, waiting = lane[found]
        del lane[found]
        # The brain answers in bus order: anything older still waiting was never vetted.
        for other in (self._pending, self._paid):
            while other and other[0][0] < arrived:
                other.popleft()
                self.unvetted += 1
        message = to_dict(waiting)
        # The brain's safe name (agent/brain/names.py), never the raw one; the name of whoever a
        # danmaku replies to is untrusted too and is not sent to the page.
        message["uname"] = verdict.name or anonymous(str(message.get("platform", "")))
        if message.get("reply_to"):
            message["reply_to"] = ""
        if "text" in message:
            message["text"] = verdict.display_text
        if isinstance(waiting, Gift):
            return self._gift(waiting, message)
        shown = self._new_line(message)
        if isinstance(waiting, Danmaku):
            text = _fold_key(waiting.text)
            self._by_text[text] = shown["line"]
            self._text_of[shown["line"]] = text
        return shown

    def _gift(self, gift: Gift, message: dict[str, Any]) -> dict[str, Any]:
        who = gift.uid or gift.uname
        combo = (who, gift.gift_name, gift.combo_id) if gift.combo_id else None
        line = self._combos.get(combo) if combo else None
        shown = self._recent.get(line) if line is not None else None
        if shown is None:
            message["combo_total"] = gift.count
            shown = self._new_line(message)
            if combo:
                self._combos[combo] = shown["line"]
                self._combo_of[shown["line"]] = combo
            return shown
        shown.update(count=gift.count, price=shown["price"] + gift.price)
        shown["combo_total"] += gift.count
        return dict(shown)

    def _withdraw(self, dropped: Filtered) -> dict[str, Any] | None:
        """A shown line the brain took back (agent/brain/joined.py): its text is emptied."""
        line = self._by_text.get(_fold_key(dropped.text))
        shown = self._recent.get(line) if line is not None else None
        if shown is None or shown.get("uname") != dropped.uname:
            return None
        shown["text"] = ""
        return dict(shown)

    def _fold(self, dropped: Filtered) -> dict[str, Any] | None:
        line = self._by_text.get(_fold_key(dropped.text))
        shown = self._recent.get(line) if line is not None else None
        if shown is None:
            return None
        shown["count"] = shown.get("count", 1) + 1
        return dict(shown)

    def _new_line(self, message: dict[str, Any]) -> dict[str, Any]:
        self._next_line += 1
        message["line"] = self._next_line
        self._recent[self._next_line] = message
        while len(self._recent) > MAX_RECENT:
            old, _ = self._recent.popitem(last=False)
            if (text := self._text_of.pop(old, None)) is not None and self._by_text.get(text) == old:
                del self._by_text[text]
            if (combo := self._combo_of.pop(old, None)) is not None and self._combos.get(combo) == old:
                del self._combos[combo]
        return dict(message)
