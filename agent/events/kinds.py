"""The closed set of typed events that flow over the bus.

Every event is a frozen dataclass whose ``type`` is also its name in a
recording line and on the overlay socket. CONTROL events (mute, skip, reset,
say, shutdown) overtake DATA events in every queue.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import IntEnum
from typing import ClassVar, Literal


class Lane(IntEnum):
    CONTROL = 0
    DATA = 1


def _now() -> float:
    return time.perf_counter()


# ``at`` is when the event entered this process (perf_counter seconds): for latency and
# the overlay's chat order only, never compared for equality, never written to a recording.
_AT = field(default_factory=_now, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Danmaku:
    """A viewer's chat message."""

    type: ClassVar[str] = "danmaku"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str = "replay"
    msg_id: str = ""
    uid: str = ""
    uname: str = ""
    text: str
    guard_level: int = 0
    medal_name: str = ""
    medal_level: int = 0
    user_level: int = 0
    emoticon: bool = False
    reply_to: str = ""
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class Gift:
    """A gift; ``count`` gifts of one kind, ``price`` in yuan for all of them."""

    type: ClassVar[str] = "gift"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str = "replay"
    msg_id: str = ""
    uid: str = ""
    uname: str = ""
    gift_name: str
    gift_id: int = 0
    count: int = 1
    price: float = 0.0
    paid: bool = False
    combo_id: str = ""
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class SuperChat:
    """A paid message pinned in the room (醒目留言); ``price`` in yuan."""

    type: ClassVar[str] = "super_chat"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str = "replay"
    msg_id: str = ""
    uid: str = ""
    uname: str = ""
    text: str
    price: float = 0.0
    duration_s: int = 60
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class Guard:
    """A guard (大航海) purchase: level 1 总督, 2 提督, 3 舰长; Twitch subs too."""

    type: ClassVar[str] = "guard"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str = "replay"
    msg_id: str = ""
    uid: str = ""
    uname: str = ""
    level: int = 3
    count: int = 1
    price: float = 0.0
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class Enter:
    """A viewer entered, followed or shared the room."""

    type: ClassVar[str] = "enter"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str = "replay"
    uid: str = ""
    uname: str = ""
    action: Literal["enter", "follow", "share"] = "enter"
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class Like:
    type: ClassVar[str] = "like"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str = "replay"
    uid: str = ""
    uname: str = ""
    count: int = 1
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class Transcript:
    """The streamer's own speech, from ASR.

    ``start``/``end`` are seconds on the mic's own timeline (since capture began,
    or into the file for `cohost transcribe`); ``confidence`` is in [0, 1].
    """

    type: ClassVar[str] = "transcript"
    lane: ClassVar[Lane] = Lane.DATA
    text: str
    final: bool = True
    language: str = ""
    start: float = 0.0
    end: float = 0.0
    confidence: float = 0.0
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamerVoice:
    """Voice activity on the streamer's mic: they started or stopped talking."""

    type: ClassVar[str] = "streamer_voice"
    lane: ClassVar[Lane] = Lane.CONTROL
    speaking: bool
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplySentence:
    """One sentence of the bot's reply, cleared by moderation, about to be spoken."""

    type: ClassVar[str] = "reply_sentence"
    lane: ClassVar[Lane] = Lane.DATA
    utterance_id: int
    index: int
    text: str
    engine: str = ""
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class Audio:
    """A sentence's audio started playing (or was written to a file); ``said`` is the reply as
    heard so far, this sentence included, joined once (agent/reply/sentences.py) for display."""

    type: ClassVar[str] = "audio"
    lane: ClassVar[Lane] = Lane.DATA
    utterance_id: int
    index: int
    text: str
    duration_s: float
    sample_rate: int
    sink: str = ""
    said: str = ""
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class AudioEnded:
    """A sentence's audio stopped: played to its end, or cut after ``played_s`` seconds."""

    type: ClassVar[str] = "audio_ended"
    lane: ClassVar[Lane] = Lane.DATA
    utterance_id: int
    index: int
    text: str
    played_s: float
    cut: bool = False
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class UtteranceDone:
    """A reply finished: spoken to the end, interrupted, or failed; ``text`` is what was said."""

    type: ClassVar[str] = "utterance_done"
    lane: ClassVar[Lane] = Lane.CONTROL
    utterance_id: int
    outcome: Literal["spoken", "interrupted", "failed", "empty"] = "spoken"
    sentences: int = 0
    text: str = ""
    planned: str = ""  # every sentence written for it (more than ``text`` when cut off)
    cause: str = ""  # what cut it off or broke it: streamer, mute, skip, say, reset, timeout, an error
    at: float = _AT


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
    at: float = _AT


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
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class StateChange:
    """The bot's state as OBS and the overlay show it."""

    type: ClassVar[str] = "state"
    lane: ClassVar[Lane] = Lane.DATA
    state: str
    muted: bool = False
    topic: str = ""
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceStatus:
    """A source's state: connecting, live, reconnecting, failed, stopped, ended (a replay),
    or live_on / live_off when the streamer goes on or off air (Bilibili LIVE / PREPARING)."""

    type: ClassVar[str] = "source_status"
    lane: ClassVar[Lane] = Lane.DATA
    source: str
    state: str
    detail: str = ""
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelStatus:
    """A model changed how it serves: ``state`` "fallback" (the language model keeps failing,
    the template engine answers) or "ready" (it answers again); ``detail`` says why."""

    type: ClassVar[str] = "model_status"
    lane: ClassVar[Lane] = Lane.DATA
    model: str
    state: str
    detail: str = ""
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    """One latency measurement in milliseconds, e.g. ``arrival_to_first_audio``."""

    type: ClassVar[str] = "metric"
    lane: ClassVar[Lane] = Lane.DATA
    name: str
    ms: float
    utterance_id: int = 0
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class RoomInfo:
    """The live room's own facts as its platform reports them when a source connects and
    when they change: the title and the area (Bilibili's 分区, Twitch's game). Platform text:
    said only as a quoted fact, never read as an instruction."""

    type: ClassVar[str] = "room_info"
    lane: ClassVar[Lane] = Lane.DATA
    platform: str
    room: str = ""
    title: str = ""
    area: str = ""
    at: float = _AT


ControlAction = Literal["mute", "unmute", "skip", "reset", "say", "shutdown"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Control:
    """A command from the streamer (OBS hotkey, control API, CLI)."""

    type: ClassVar[str] = "control"
    lane: ClassVar[Lane] = Lane.CONTROL
    action: ControlAction
    text: str = ""
    origin: str = ""
    at: float = _AT


@dataclass(frozen=True, slots=True, kw_only=True)
class Tick:
    """The runtime's heartbeat into the brain so timers fire; never recorded."""

    type: ClassVar[str] = "tick"
    lane: ClassVar[Lane] = Lane.DATA
    at: float = _AT


Event = (
    Danmaku
    | Gift
    | SuperChat
    | Guard
    | Enter
    | Like
    | Transcript
    | StreamerVoice
    | ReplySentence
    | Audio
    | AudioEnded
    | UtteranceDone
    | Filtered
    | Admitted
    | StateChange
    | SourceStatus
    | ModelStatus
    | Metric
    | RoomInfo
    | Control
    | Tick
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        Danmaku,
        Gift,
        SuperChat,
        Guard,
        Enter,
        Like,
        Transcript,
        StreamerVoice,
        ReplySentence,
        Audio,
        AudioEnded,
        UtteranceDone,
        Filtered,
        Admitted,
        StateChange,
        SourceStatus,
        ModelStatus,
        Metric,
        RoomInfo,
        Control,
        Tick,
    )
}

# Events that come from the room or the streamer: what a replay feeds back in.
INPUT_TYPES = frozenset(
    {"danmaku", "gift", "super_chat", "guard", "enter", "like", "transcript", "streamer_voice", "control"}
)

# Kinds of viewer activity the brain may answer, from most to least urgent.
ViewerEvent = Danmaku | Gift | SuperChat | Guard | Enter | Like
