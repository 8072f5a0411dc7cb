"""What the brain asks the reply pipeline to say: one ``ReplyOrder`` per reply.

Shared vocabulary like the events: the brain fills an order in (who asked what, how
many asked, the mode, what it remembers of the conversation) and
``agent/reply/prompt.py`` turns it into the engine's request. Viewer text and names
in an order are untrusted: the prompt quotes them as data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
