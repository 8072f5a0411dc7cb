"""What goes into the brain's ``step`` besides events, and what comes out of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agent.brain.queue import Candidate, Message
from agent.events import Event


@dataclass(frozen=True, slots=True)
class TopicSeen:
    """The shell's topic tracker found a new current topic ("" = none)."""

    topic: str


@dataclass(frozen=True, slots=True)
class Strike:
    """A viewer's message was blocked by the filters for ``reason``."""

    uid: str
    reason: str
    name: str = ""  # the viewer's safe name, for the log line saying they are ignored now


@dataclass(frozen=True, slots=True)
class StartReply:
    utterance_id: int
    candidate: Candidate


@dataclass(frozen=True, slots=True)
class StopReply:
    utterance_id: int
    reason: Literal["skip", "mute", "streamer", "reset", "timeout", "say"]
    finish_sentence: bool = False  # let the sentence being spoken end, then stop


@dataclass(frozen=True, slots=True)
class Answered:
    """A reply was spoken to the end: the viewer events of ``candidate`` are answered."""

    candidate: Candidate


@dataclass(frozen=True, slots=True)
class Emit:
    event: Event


@dataclass(frozen=True, slots=True)
class ClearMemory:
    pass


Action = StartReply | StopReply | Emit | ClearMemory | Answered
BrainInput = Message | Event | TopicSeen | Strike
