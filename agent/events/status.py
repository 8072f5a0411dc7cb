"""What the bot reports about itself: the brain's verdicts (filtered, admitted), its state,
the sources' and models' health, and latency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from agent.events.base import ARRIVAL, Lane


@dataclass(frozen=True, slots=True, kw_only=True)
class Filtered:
    """An incoming event the brain dropped, and why (for the summary and the log)."""

    type: ClassVar[str] = "filtered"
    lane: ClassVar[Lane] = Lane.DATA
    of: str
    reason: str
    rule: str = ""
    uname: str = ""
    text: str = ""
    # How many input events this stands for: a gift combo or a welcome batch folded into one
    # reply is one Filtered when that reply is not said.
    events: int = 1
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class Admitted:
    """A viewer event (danmaku, gift, super chat, guard) the brain kept, as the overlay's chat
    shows it: the safe ``name`` (agent/brain/names.py), the cleaned ``display_text`` (empty when
    a super chat's failed moderation) and the event's fields the line draws; ``at`` is the event's."""

    type: ClassVar[str] = "admitted"
    lane: ClassVar[Lane] = Lane.DATA
    of: str
    platform: str = ""
    msg_id: str = ""
    uid: str = ""
    name: str = ""
    display_text: str = ""
    guard_level: int = 0  # a danmaku's sender's
    medal_name: str = ""
    medal_level: int = 0
    emoticon: bool = False
    gift_name: str = ""
    count: int = 1
    price: float = 0.0
    paid: bool = False
    combo_id: str = ""
    level: int = 0  # the guard level bought
    duration_s: int = 0  # a super chat's pinned time
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class StateChange:
    """The bot's state as OBS and the overlay show it."""

    type: ClassVar[str] = "state"
    lane: ClassVar[Lane] = Lane.DATA
    state: str
    muted: bool = False
    topic: str = ""
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceStatus:
    """A source's state: connecting, live, reconnecting, failed, stopped, ended (a replay),
    or live_on / live_off when the streamer goes on or off air (Bilibili LIVE / PREPARING)."""

    type: ClassVar[str] = "source_status"
    lane: ClassVar[Lane] = Lane.DATA
    source: str
    state: str
    detail: str = ""
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelStatus:
    """A model changed how it serves: ``state`` "fallback" (the language model keeps failing,
    the template engine answers) or "ready" (it answers again); ``detail`` says why."""

    type: ClassVar[str] = "model_status"
    lane: ClassVar[Lane] = Lane.DATA
    model: str
    state: str
    detail: str = ""
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    """One latency measurement in milliseconds, e.g. ``arrival_to_first_audio``."""

    type: ClassVar[str] = "metric"
    lane: ClassVar[Lane] = Lane.DATA
    name: str
    ms: float
    utterance_id: int = 0
    at: float = ARRIVAL
