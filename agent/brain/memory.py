"""Conversation memory: recent turns verbatim, older ones as a one-line summary, viewer notes.

No model is needed for the summary: an older turn is kept as "who asked what"
(the question cut short), which is what a co-host needs to avoid repeating
itself and to recognise a returning question. Viewer notes (name, last thing
asked, visits) let the prompt say that a regular (老观众) is back. Everything is
bounded: deques for turns, an LRU table for viewers.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass

from agent.config import BrainMemory
from agent.orders import Recall

# A message after this long away counts as a new visit (entrances always do).
VISIT_GAP_S = 600.0
_SUMMARY_CHARS = 24


@dataclass(frozen=True, slots=True)
class Turn:
    name: str
    said: str
    reply: str
    uid: str = ""


@dataclass(slots=True)
class ViewerNote:
    name: str
    visits: int = 0
    last_seen: float = float("-inf")
    last_asked: str = ""


class Memory:
    """Recent turns verbatim, older turns summarised, a note per viewer; cleared by a reset."""

    def __init__(self, cfg: BrainMemory | int = 6) -> None:
        self.cfg = cfg if isinstance(cfg, BrainMemory) else BrainMemory(turns=cfg)
        self.turns: deque[Turn] = deque(maxlen=self.cfg.turns)
        self.older: deque[tuple[str, str]] = deque(maxlen=self.cfg.summary_turns)
        self.viewers: OrderedDict[str, ViewerNote] = OrderedDict()

    def add(self, turn: Turn) -> None:
        if not turn.reply:
            return
        if self.turns.maxlen == 0:
            self._summarise(turn)
        else:
            if len(self.turns) == self.turns.maxlen:
                self._summarise(self.turns[0])
            self.turns.append(turn)
        if turn.uid and turn.said:
            note = self.viewers.get(turn.uid)
            if note is not None:
                note.last_asked = turn.said

    def _summarise(self, turn: Turn) -> None:
        if self.older.maxlen != 0 and turn.said:
            self.older.append((turn.name, turn.said[:_SUMMARY_CHARS]))

    def seen(self, uid: str, name: str, now: float, *, entered: bool = False) -> ViewerNote | None:
        """A viewer showed up (a message or an entrance); returns their note."""
        if not uid or self.cfg.viewers == 0:
            return None
        note = self.viewers.get(uid)
        if note is None:
            note = ViewerNote(name)
            self.viewers[uid] = note
            if len(self.viewers) > self.cfg.viewers:
                self.viewers.popitem(last=False)
        else:
            self.viewers.move_to_end(uid)
            note.name = name or note.name
        if entered or now - note.last_seen >= VISIT_GAP_S:
            note.visits += 1
        note.last_seen = now
        return note

    def note(self, uid: str) -> ViewerNote | None:
        return self.viewers.get(uid) if uid else None

    def is_regular(self, uid: str) -> bool:
        note = self.note(uid)
        return note is not None and note.visits >= self.cfg.regular_after

    def summary(self) -> list[tuple[str, str]]:
        """Older turns as (name, what they said, cut short), oldest first; untrusted text."""
        return list(self.older)

    def recall(self, uid: str, heard: tuple[str, ...]) -> Recall:
        """What a reply's prompt may use: turns, older turns, the viewer if a regular, what was heard."""
        note = self.note(uid)
        regular = note is not None and note.visits >= self.cfg.regular_after
        return Recall(
            turns=tuple((t.name, t.said, t.reply) for t in self.turns),
            older=tuple(self.older),
            visits=note.visits if regular and note is not None else 0,
            last_asked=note.last_asked if regular and note is not None else "",
            heard=heard,
        )

    def clear(self) -> None:
        self.turns.clear()
        self.older.clear()
        self.viewers.clear()
