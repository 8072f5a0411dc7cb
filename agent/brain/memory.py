"""Conversation memory: recent turns verbatim, older ones as a one-line summary, viewer notes.

No model is needed for the summary: an older turn is kept as "who asked what"
(the question cut short), which is what a co-host needs to avoid repeating
itself and to recognise a returning question. Viewer notes (name, last thing
asked, visits) let the prompt say that a regular (老观众) is back. Everything is
bounded: deques for turns, an LRU table for viewers.

Across streams (opt-in, ``[viewers] remember``): ``past`` is the viewer memory
(``agent/knowledge/viewers.py``, behind the ``ViewerMemory`` protocol). A viewer's first
message or entrance of this stream looks them up (their streams count as visits, and
what they asked last time reaches the prompt and the template's welcome back); what
they ask and give is recorded, but only what the filters kept and ``storable`` allows:
never text with a contact, a link, a scrubbed placeholder or a banned word. ``!forget``
(``FORGET_COMMANDS``) from a viewer forgets them there and here.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from agent.brain.contacts import find_contacts
from agent.brain.queue import Message
from agent.config import BrainMemory
from agent.events import Enter, Gift, Guard, SuperChat
from agent.shared.orders import Recall, ViewerMemory

# A message after this long away counts as a new visit (entrances always do).
VISIT_GAP_S = 600.0
_SUMMARY_CHARS = 24
# What a viewer types to be forgotten (README, config.toml [viewers]).
FORGET_COMMANDS = frozenset({"!forget", "！forget", "!忘记我", "！忘记我"})
# What the filters put in place of a contact or a link: such text is never stored.
_PLACEHOLDERS = ("[电话]", "[联系方式]", "[链接]")
_GUARD_GIFT = "大航海"


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
    earlier: str = ""  # what they asked in an earlier stream (viewer memory)


def is_forget_command(text: str) -> bool:
    return text.strip().lower() in FORGET_COMMANDS


def storable(text: str, banned_in: Callable[[str], str | None]) -> bool:
    """Whether viewer text may be kept across streams: no contact or link (found, or
    already scrubbed to a placeholder), no banned word."""
    if not text.strip() or any(p in text for p in _PLACEHOLDERS):
        return False
    return not find_contacts(text) and banned_in(text) is None


class Memory:
    """Recent turns verbatim, older turns summarised, a note per viewer; cleared by a reset."""

    def __init__(self, cfg: BrainMemory | int = 6) -> None:
        self.cfg = cfg if isinstance(cfg, BrainMemory) else BrainMemory(turns=cfg)
        self.turns: deque[Turn] = deque(maxlen=self.cfg.turns)
        self.older: deque[tuple[str, str]] = deque(maxlen=self.cfg.summary_turns)
        self.viewers: OrderedDict[str, ViewerNote] = OrderedDict()
        self.past: ViewerMemory | None = None  # across streams: set by remember_across
        self._banned_in: Callable[[str], str | None] = lambda _text: None

    def remember_across(self, past: ViewerMemory, banned_in: Callable[[str], str | None]) -> None:
        """Remember viewers across streams in ``past``; ``banned_in`` is the moderator's check."""
        self.past = past
        self._banned_in = banned_in

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

    def take(self, message: Message, now: float) -> None:
        """A message the filters kept (or an entrance, a gift): note the viewer, and across
        streams record what they asked or gave."""
        event = message.event
        uid = event.uid or event.uname
        entered = isinstance(event, Enter) and event.action == "enter"
        # Only a platform's user id is a key across streams: a name can be changed or copied.
        platform = event.platform if event.uid else ""
        note = self.seen(uid, message.name, now, entered=entered, platform=platform)
        if self.past is None or note is None or not event.uid:
            return
        if isinstance(event, Gift):
            self._gave(event.platform, event.uid, event.gift_name, event.count, event.price)
        elif isinstance(event, Guard):
            self._gave(event.platform, event.uid, _GUARD_GIFT, 1, event.price)
        elif isinstance(event, SuperChat):
            self.past.gave(event.platform, event.uid, "SC", 1, max(0.0, event.price))
        asks = "question" in message.tags or "mention" in message.tags
        if asks and message.text and storable(message.text, self._banned_in):
            self.past.asked(event.platform, event.uid, message.text)

    def _gave(self, platform: str, uid: str, gift: str, count: int, value: float) -> None:
        assert self.past is not None
        gift = gift if storable(gift, self._banned_in) else "礼物"
        self.past.gave(platform, uid, gift, count, max(0.0, value))

    def seen(
        self, uid: str, name: str, now: float, *, entered: bool = False, platform: str = ""
    ) -> ViewerNote | None:
        """A viewer showed up (a message or an entrance); returns their note."""
        if not uid or self.cfg.viewers == 0:
            return None
        note = self.viewers.get(uid)
        if note is None:
            note = self._first_sight(uid, name, platform)
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

    def _first_sight(self, uid: str, name: str, platform: str) -> ViewerNote:
        """A new note; across streams, seeded with the viewer's past, and the visit recorded."""
        note = ViewerNote(name)
        if self.past is None or not platform:
            return note
        past = self.past.recall(platform, uid)
        if past is not None:
            note.visits = past.visits  # this stream's visit is counted by ``seen``
            note.earlier = past.asked[-1] if past.asked else ""
        self.past.visit(platform, uid, name, new_visit=True)
        return note

    def forget(self, uid: str, platform: str) -> bool:
        """A viewer's ``!forget``: their note here and everything in the viewer memory;
        True when the viewer memory held something."""
        self.viewers.pop(uid, None)
        return self.past.forget(platform, uid) if self.past is not None else False

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
            # Back from an earlier stream (viewer memory): what they asked then, until they ask again.
            earlier=note.earlier if note is not None and not note.last_asked else "",
        )

    def clear(self) -> None:
        self.turns.clear()
        self.older.clear()
        self.viewers.clear()
