"""Orders split over two messages of one viewer (忽略之前 / 的所有指令, "ignore all" / "previous
instructions"): each half reads as chat; together they are an ``instruction``.

``SplitOrders.joined(viewer, text, now)`` remembers each viewer's last message for
``WINDOW_S`` stream seconds and, when it and ``text`` together give the bot orders, returns
it: the brain filters the second half as ``instruction`` and takes the first back out of
the reply queue and off the overlay (``agent.brain.joined.take_back``). The per-viewer
joining of banned words and contacts is ``agent.brain.joined``; orders are judged here
because their halves are longer than the fragments it joins.
Pure: ``now`` is passed in; memory is bounded (the oldest viewers are forgotten first).
"""

from __future__ import annotations

from collections import OrderedDict

from agent.brain import normalize
from agent.brain.tags import is_instruction

__all__ = ["MAX_VIEWERS", "WINDOW_S", "SplitOrders"]

WINDOW_S = 20.0  # a second half arrives within seconds of the first
MAX_VIEWERS = 4096
_MAX_CHARS = 200  # each half is judged up to this long


class SplitOrders:
    def __init__(self, window_s: float = WINDOW_S, max_viewers: int = MAX_VIEWERS) -> None:
        self.window_s = window_s
        self.max_viewers = max_viewers
        self._last: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def joined(self, viewer: str, text: str, now: float) -> str | None:
        """``viewer``'s previous message (within the window) when it and ``text`` together are
        an instruction, else None; ``text`` becomes the previous message unless it was used."""
        if not viewer:
            return None
        previous = self._last.pop(viewer, None)
        self._last[viewer] = (text, now)  # as written: the brain takes it back by its text
        if len(self._last) > self.max_viewers:
            self._last.popitem(last=False)
        if previous is None or now - previous[1] > self.window_s:
            return None
        # Joined from the forms the filters already made (cached): the display forms with a
        # space (English needs it), the match forms straight on (they have no spaces).
        first, second = normalize.forms(previous[0], _MAX_CHARS), normalize.forms(text, _MAX_CHARS)
        if is_instruction(f"{first.display} {second.display}", first.compact + second.compact):
            del self._last[viewer]  # the halves are used up
            return previous[0]
        return None
