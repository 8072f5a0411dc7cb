"""What became of every viewer event: answered by a reply spoken to the end, not answered
(a ``Filtered`` with its reason, counting the events it stands for), or still waiting.

The brain counts the answered ones here (``Answered`` actions); the summary adds the
``Filtered`` counts and what is still queued, so a gift can never vanish unseen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from agent.brain.floor import VIEWER_EVENTS
from agent.brain.queue import Candidate, parts_of
from agent.brain.state import BrainState

__all__ = ["VIEWER_EVENTS", "Ledger", "accounts", "waiting"]


class Ledger:
    """Viewer events answered by a spoken reply, by type."""

    def __init__(self) -> None:
        self.spoken: Counter[str] = Counter()

    def answered(self, candidate: Candidate) -> None:
        for part in parts_of(candidate):
            if part.message is not None:
                self.spoken[part.message.event.type] += part.events


def waiting(state: BrainState) -> Counter[str]:
    """Viewer events still queued or in a reply not finished yet, by type."""
    out: Counter[str] = Counter()
    current = state.floor.current
    for candidate in (*state.queue.pending, *((current,) if current is not None else ())):
        for part in parts_of(candidate):
            if part.message is not None:
                out[part.message.event.type] += part.events
    return out


def accounts(
    received: Mapping[str, int],
    spoken: Mapping[str, int],
    not_answered: Mapping[str, int],
    still_waiting: Mapping[str, int],
) -> list[tuple[str, int, int, int, int, int]]:
    """Per viewer event type: (type, in, spoken, not answered, waiting, unaccounted)."""
    rows = []
    for kind in VIEWER_EVENTS:
        n = received.get(kind, 0)
        if not n:
            continue
        said, dropped, left = spoken.get(kind, 0), not_answered.get(kind, 0), still_waiting.get(kind, 0)
        rows.append((kind, n, said, dropped, left, n - said - dropped - left))
    return rows
