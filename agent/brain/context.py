"""What the room is about: what the streamer said, the topic, the schedule, silences,
and what OBS and the overlay were last shown.

Pure helpers for ``state.step``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

from agent.brain.floor import Floor, resting
from agent.brain.queue import Candidate
from agent.config import BrainConfig

Mode = Literal["idle", "listening", "thinking", "speaking", "cooldown", "muted"]


@dataclass(frozen=True, slots=True)
class Context:
    # What the streamer said lately, newest last (context for the prompt).
    heard: tuple[str, ...] = ()
    last_heard: float = -math.inf
    started: float | None = None  # stream time of the first input: the schedule's zero
    topic: str = ""
    featured: int = -1  # index into brain.topics.schedule
    shown: Mode = "idle"
    shown_topic: str = ""


def heard(context: Context, text: str, now: float) -> Context:
    return replace(context, heard=(*context.heard, text)[-5:], last_heard=now)


def featured_item(context: Context, cfg: BrainConfig) -> str:
    schedule = cfg.topics.schedule
    featured = context.featured
    return schedule[featured] if schedule and 0 <= featured < len(schedule) else ""


def shown_topic(context: Context, cfg: BrainConfig) -> str:
    return context.topic or featured_item(context, cfg)


def rotated(context: Context, now: float, cfg: BrainConfig) -> Context:
    """The context with the schedule's featured item at ``now``."""
    topics = cfg.topics
    if not topics.schedule:
        return context
    index = int((now - (context.started or 0.0)) // topics.rotate_every_s) % len(topics.schedule)
    return context if index == context.featured else replace(context, featured=index)


def idle_line(context: Context, floor: Floor, now: float, seq: int, cfg: BrainConfig) -> Candidate | None:
    """Silence on the topic for topics.idle_after_s: a line about it."""
    after = cfg.topics.idle_after_s
    if after <= 0:
        return None
    quiet_since = max(
        context.started or 0.0, floor.last_reply_end, floor.streamer_quiet_since, context.last_heard
    )
    if now - quiet_since < after:
        return None
    topic = context.topic or featured_item(context, cfg) or cfg.topics.default_topic
    return Candidate("idle", None, now, seq, topic=topic) if topic else None


def mode_of(floor: Floor, now: float, cfg: BrainConfig) -> Mode:
    if floor.muted:
        return "muted"
    if floor.streamer_talking:
        return "listening"
    if floor.in_flight:
        return "speaking" if floor.audible else "thinking"
    return "cooldown" if resting(floor, now, cfg) else "idle"
