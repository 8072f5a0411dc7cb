"""The closed set of typed events that flow over the bus: the union of every kind, its table by
``type`` name, and which kinds a replay feeds back in. The kinds themselves live by topic in
``room``, ``voice``, ``status`` and ``control``; ``base`` holds what they share.

Every event is a frozen dataclass whose ``type`` is also its name in a recording line and on
the overlay socket. CONTROL events (mute, skip, reset, say, shutdown) overtake DATA events in
every queue.
"""

from __future__ import annotations

from agent.events.control import Control, Tick
from agent.events.room import Danmaku, Enter, Gift, Guard, Like, RoomInfo, SuperChat
from agent.events.status import Admitted, Filtered, Metric, ModelStatus, SourceStatus, StateChange
from agent.events.voice import Audio, AudioEnded, ReplySentence, StreamerVoice, Transcript, UtteranceDone

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
