"""One viewer's recent messages read together: a word, a number or an order split over them is caught.

The brain's one short-term memory per viewer. A dodge splits what the filters would catch
over consecutive messages of one viewer:

* a banned word or a contact (加我扣扣四七幺 / 二八三九五, 傻 / 逼): each viewer's last few
  *short* messages that the filters kept are judged joined with the new one (the lexicon
  and the contact detector on the joined forms). Only short messages take part
  (``MAX_CHARS``): a split dodge sends fragments, and long messages joined would only find
  words that run across sentences; a long message ends any such run.
* an order to the bot (忽略之前 / 的所有指令, "ignore all" / "previous instructions"): each
  half reads as chat; the viewer's previous message (of any length up to ``ORDER_CHARS``)
  and the new one together are an ``instruction``.

``RecentChat.check(uid, text, now)`` returns a ``Split`` naming the earlier messages that
hold the other part, so the brain takes them back out of the reply queue and off the
overlay (``take_back``); those parts are then used up (the viewer's memory is cleared).

Pure and bounded: ``now`` is passed in, at most ``VIEWERS`` viewers are remembered
(the least recently seen are forgotten first), each with at most ``KEEP`` messages, each
for ``WINDOW_S`` stream seconds.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, deque
from dataclasses import dataclass

from agent.brain import normalize
from agent.brain.contacts import find_contacts
from agent.brain.moderation import Moderator
from agent.brain.queue import Candidate, Queue, without
from agent.brain.tags import is_instruction
from agent.events import Danmaku, Filtered
from agent.vocabulary import FilterReason

__all__ = ["KEEP", "MAX_CHARS", "ORDER_CHARS", "VIEWERS", "WINDOW_S", "RecentChat", "Split", "take_back"]

KEEP = 3  # earlier messages of one viewer read with the new one
WINDOW_S = 20.0  # stream seconds an earlier message stays in reach
MAX_CHARS = 16  # longer messages (display form) are not joined for words and numbers
ORDER_CHARS = 200  # each half of a split order is judged up to this long
VIEWERS = 4096  # viewers remembered
_BLOCKING = frozenset({"phone", "contact_id", "number", "hidden_link"})


@dataclass(frozen=True, slots=True)
class Split:
    """What the joined messages offend with, and the earlier messages holding a part."""

    reason: str  # "banned_word" | "contact_solicit" | "instruction"
    rule: str  # "split:<lexicon entry or contact kind>" | "split:instruction"
    earlier: tuple[str, ...]  # the raw texts of the earlier messages involved, oldest first


@dataclass(frozen=True, slots=True)
class _Said:
    at: float  # stream seconds
    text: str  # as written: the brain takes it back by its text
    short: bool  # joined with the next ones for words and numbers


class RecentChat:
    """Each viewer's last ``KEEP`` messages (kept by the filters), judged with the next one."""

    def __init__(self, moderator: Moderator, *, window_s: float = WINDOW_S, viewers: int = VIEWERS) -> None:
        self._moderator = moderator
        self._window = window_s
        self._viewers = viewers
        self._recent: OrderedDict[str, deque[_Said]] = OrderedDict()

    def check(self, uid: str, text: str, now: float) -> Split | None:
        """Judge ``text`` (kept by the filters on its own) joined with ``uid``'s recent
        messages; remember it when nothing is found."""
        if not uid:
            return None
        recent = self._recent.get(uid)
        if recent is not None:
            while recent and now - recent[0].at > self._window:
                recent.popleft()
        # Cheap first: no need to normalise what is long anyway.
        short = len(text) <= MAX_CHARS * 4
        short = short and len(normalize.forms(text, self._moderator.max_chars).display) <= MAX_CHARS
        split = None
        if recent:
            run = list(itertools.takewhile(lambda said: said.short, reversed(recent)))[::-1]
            if short and run:
                split = self._judge([said.text for said in run], text)
            if split is None and _order(recent[-1].text, text):
                split = Split(FilterReason.INSTRUCTION, "split:instruction", (recent[-1].text,))
        if split is not None:
            del self._recent[uid]  # the parts are used up: they never join again
            return split
        if recent is None:
            recent = self._recent[uid] = deque(maxlen=KEEP)
            if len(self._recent) > self._viewers:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(uid)
        recent.append(_Said(now, text, short))
        return None

    def _judge(self, earlier: list[str], text: str) -> Split | None:
        parts = [*earlier, text]
        forms = [normalize.forms(p, self._moderator.max_chars) for p in parts]
        compact = "".join(f.compact for f in forms)
        spaced = " ".join(f.spaced for f in forms)
        for hit in self._moderator.matcher.find(spaced, compact):
            if hit.form == "spaced":
                first, last = _parts(_starts([f.spaced for f in forms], 1), hit.start, hit.stop)
            else:
                start, stop = hit.start, hit.stop
                if hit.form == "reversed":
                    start, stop = len(compact) - stop, len(compact) - start
                first, last = _parts(_starts([f.compact for f in forms], 0), start, stop)
            if first < last == len(parts) - 1:
                return Split("banned_word", f"split:{hit.rule}", tuple(earlier[first:]))
        displays = [f.display for f in forms]
        bounds = _starts(displays, 1)
        for contact in find_contacts(" ".join(displays)):
            first, last = _parts(bounds, contact.start, contact.end)
            if contact.kind in _BLOCKING and first < last == len(parts) - 1:
                return Split("contact_solicit", f"split:{contact.kind}", tuple(earlier[first:]))
        return None


def _order(first: str, second: str) -> bool:
    """True when two messages read together give the bot orders (each alone did not: the
    filters tagged neither). Joined from the forms the filters already made (cached): the
    display forms with a space (English needs it), the match forms straight on."""
    one, two = normalize.forms(first, ORDER_CHARS), normalize.forms(second, ORDER_CHARS)
    return is_instruction(f"{one.display} {two.display}", one.compact + two.compact)


def take_back(queue: Queue, uid: str, split: Split, name: str) -> tuple[Queue, list[Filtered]]:
    """The earlier parts of a split message out of the reply queue, and a Filtered for
    each (the overlay's chat takes a line it already shows back on it)."""
    earlier = set(split.earlier)

    def part(candidate: Candidate) -> bool:
        message = candidate.message
        if message is None or not isinstance(message.event, Danmaku):
            return False
        event = message.event
        return (event.uid or event.uname) == uid and event.text in earlier

    queue, gone = without(queue, part)
    # Only a part taken out of the queue now ends here (events=1); one already answered or
    # filtered was counted then (events=0: the overlay still takes its line back).
    events = [c.message.event for c in gone if c.message is not None]
    left = {e.text for e in events if isinstance(e, Danmaku)}
    filtered = [
        Filtered(of="danmaku", reason=split.reason, rule=split.rule, uname=name, text=t, events=t in left)
        for t in split.earlier
    ]
    return queue, filtered


def _starts(texts: list[str], gap: int) -> list[int]:
    """Where each text starts once they are joined with ``gap`` characters between them."""
    starts, pos = [], 0
    for text in texts:
        starts.append(pos)
        pos += len(text) + gap
    return starts


def _parts(starts: list[int], start: int, stop: int) -> tuple[int, int]:
    """The first and last part that the joined span [start, stop) touches."""
    return _part_at(starts, start), _part_at(starts, max(start, stop - 1))


def _part_at(starts: list[int], position: int) -> int:
    """The index of the part that ``position`` (in the joined text) falls in."""
    index = 0
    for i, start in enumerate(starts):
        if start <= position:
            index = i
    return index
