"""What the brain asks the reply pipeline to say: one ``ReplyOrder`` per reply.

Shared vocabulary like the events: the brain fills an order in (who asked what, how
many asked, the mode, what it remembers of the conversation) and
``agent/reply/prompt.py`` turns it into the engine's request. Viewer text and names
in an order are untrusted: the prompt quotes them as data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from agent.events import ViewerEvent
from agent.vocabulary import ReplyKind


@dataclass(frozen=True, slots=True)
class Asked:
    """One viewer's message or gift a reply answers or thanks; ``name`` is safe to say."""

    event: ViewerEvent
    name: str
    text: str = ""
    tags: frozenset[str] = frozenset()
    count: int = 1  # gifts in a combo


@dataclass(frozen=True, slots=True)
class Recall:
    """What the brain remembers, for the prompt."""

    turns: tuple[tuple[str, str, str], ...] = ()  # recent (name, what they said, the reply)
    older: tuple[tuple[str, str], ...] = ()  # older turns: (name, what they said, cut short)
    visits: int = 0  # the asking viewer's visits, when they are a regular (老观众); else 0
    last_asked: str = ""  # what that regular asked last time
    heard: tuple[str, ...] = ()  # what the streamer said lately, newest last
    earlier: str = ""  # what this regular asked in an earlier stream (viewer memory, opt-in)


@dataclass(frozen=True, slots=True)
class Fact:
    """Something the bot may say as true (agent/knowledge/): an entry of the streamer's
    knowledge file or the room's own facts. ``matched``: it answers the question asked (the
    template engine says ``answer``); otherwise it is context for a language model."""

    question: str
    answer: str
    score: float = 0.0
    source: str = ""  # "knowledge.md:12", or "room"
    matched: bool = False


class Knowing(Protocol):
    """What the brain's shell asks of the knowledge (agent/knowledge/), without knowing it."""

    def facts(self, question: str) -> tuple[Fact, ...]:
        """The entry that answers ``question`` (matched, first) and the room's facts."""
        ...

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the knowledge to be ready to match; True once it is (or failed)."""
        ...


@dataclass(frozen=True, slots=True)
class PastViewer:
    """What earlier streams left of a viewer (agent/knowledge/viewers.py); untrusted text."""

    name: str
    visits: int  # streams they came to
    last_seen: float  # unix time
    asked: tuple[str, ...] = ()  # the last few things they asked, oldest first
    gifts: int = 0  # gifts given (a combo counts its count)
    value: float = 0.0  # what those were worth, in the platform's unit


class ViewerMemory(Protocol):
    """What the brain's shell asks of the viewer memory across streams, without knowing it."""

    def recall(self, platform: str, uid: str) -> PastViewer | None: ...

    def visit(self, platform: str, uid: str, name: str, *, new_visit: bool) -> None: ...

    def asked(self, platform: str, uid: str, text: str) -> None: ...

    def gave(self, platform: str, uid: str, gift: str, count: int, value: float) -> None: ...

    def forget(self, platform: str, uid: str, *, opt_out: bool = True) -> bool: ...


@dataclass(frozen=True, slots=True)
class ReplyOrder:
    utterance_id: int
    kind: ReplyKind
    asked: Asked | None = None  # None for "say", "promotion", "idle", "thanks"
    count: int = 1  # viewers who asked the same (folded), or names in a welcome/thanks batch
    names: tuple[str, ...] = ()  # a welcome or thanks batch: the first few names
    batch: tuple[Asked, ...] = ()  # "thanks": each thank-you it says
    topic: str = ""  # "promotion" / "idle": what to talk about
    mode: str = ""  # the [brain.modes] entry that shapes this reply
    resumed: bool = False  # said again after the streamer cut it off
    say_text: str = ""  # "say": the streamer's own words, spoken verbatim
    recall: Recall = field(default_factory=Recall)
    facts: tuple[Fact, ...] = ()  # what the knowledge says about the question asked
