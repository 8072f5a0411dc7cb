"""The overlay's chat feed: a chat line for each viewer event the brain let through.

Sans-I/O. The brain's ``admitted`` verdict carries the whole line (the safe name,
the cleaned text, what the line draws), so the raw danmaku never reaches the page
and nothing is matched: each verdict becomes a chat line with a ``line`` number the
page updates it by. Messages the filters removed never get a verdict and never show.
A verdict for a viewer event older than one already shown is late (the brain answers
in arrival order; the bus dropped what came between): it shows nothing, so the chat
never runs backwards. A copy the flood rules dropped (``flood``, ``repeat``) adds to
the ``count`` of the line it repeats; a gift combo grows its line's ``combo_total``;
the earlier part of a word split over messages empties its line's text. Remembered
lines are bounded and drop their oldest.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from agent.brain.normalize import display_form
from agent.events import Admitted, Event, Filtered
from agent.sources.platforms import anonymous
from agent.vocabulary import FilterReason

# Filter reasons that mean "the same as a line already shown": folded into its count.
FOLD_REASONS = frozenset({FilterReason.FLOOD, FilterReason.REPEAT})
MAX_RECENT = 256  # lines remembered for folds and combos
# A line's fields for the page, by what it shows (the verdict's other fields are not sent).
_FIELDS = {
    "danmaku": ("platform", "msg_id", "uid", "guard_level", "medal_name", "medal_level", "emoticon", "count"),
    "gift": ("platform", "msg_id", "uid", "gift_name", "count", "price", "paid", "combo_id"),
    "super_chat": ("platform", "msg_id", "uid", "price", "duration_s"),
    "guard": ("platform", "msg_id", "uid", "level", "count", "price"),
}


def _fold_key(text: str) -> str:
    """Case, width, spacing and the disguises the brain's display form undoes do not make a
    message new (a flood's copies arrive raw, the line shows the display form)."""
    return "".join(display_form(text).casefold().split())


def line_message(verdict: Admitted) -> dict[str, Any]:
    """The page's chat-line message for ``verdict`` (without its ``line`` number)."""
    message: dict[str, Any] = {"type": verdict.of}
    for name in _FIELDS.get(verdict.of, ()):
        message[name] = getattr(verdict, name)
    # The brain's safe name, never the raw one; a danmaku or super chat shows its cleaned text.
    message["uname"] = verdict.name or anonymous(verdict.platform)
    if verdict.of in ("danmaku", "super_chat"):
        message["text"] = verdict.display_text
    return message


class ChatGate:
    """Turns the brain's verdicts into chat-line messages for the page."""

    def __init__(self) -> None:
        self._newest = float("-inf")  # ``at`` of the newest viewer event shown
        self.late = 0  # verdicts that came after a newer event's line (shown nothing)
        self._recent: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._by_text: dict[str, int] = {}
        self._combos: dict[tuple[str, str, str], int] = {}
        self._text_of: dict[int, str] = {}  # line -> its key in _by_text
        self._combo_of: dict[int, tuple[str, str, str]] = {}  # line -> its key in _combos
        self._next_line = 0

    def add(self, event: Event) -> dict[str, Any] | None:
        """The message the page should get for ``event``, if any."""
        if isinstance(event, Admitted):
            return self._admit(event)
        if isinstance(event, Filtered) and event.of == "danmaku":
            if event.reason in FOLD_REASONS:
                return self._fold(event)
            if event.rule.startswith("split:"):
                return self._withdraw(event)  # part of a word or number split over messages
        return None

    def _admit(self, verdict: Admitted) -> dict[str, Any] | None:
        if verdict.at < self._newest:
            self.late += 1
            return None
        self._newest = verdict.at
        message = line_message(verdict)
        if verdict.of == "gift":
            return self._gift(verdict, message)
        shown = self._new_line(message)
        if verdict.of == "danmaku":
            text = _fold_key(verdict.display_text)
            self._by_text[text] = shown["line"]
            self._text_of[shown["line"]] = text
        return shown

    def _gift(self, gift: Admitted, message: dict[str, Any]) -> dict[str, Any]:
        who = gift.uid or gift.name
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
