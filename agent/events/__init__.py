"""The closed set of typed events that flow over the bus (``kinds``), and their JSON form
(``codec``).

Every event is a frozen dataclass whose ``type`` is also its name in a recording line and on
the overlay socket. CONTROL events (mute, skip, reset, say, shutdown) overtake DATA events in
every queue.
"""

from agent.events.codec import EventDecodeError, from_dict, to_dict
from agent.events.kinds import (
    EVENT_TYPES,
    INPUT_TYPES,
    Admitted,
    Audio,
    AudioEnded,
    Control,
    ControlAction,
    Danmaku,
    Enter,
    Event,
    Filtered,
    Gift,
    Guard,
    Lane,
    Like,
    Metric,
    ModelStatus,
    ReplySentence,
    RoomInfo,
    SourceStatus,
    StateChange,
    StreamerVoice,
    SuperChat,
    Tick,
    Transcript,
    UtteranceDone,
    ViewerEvent,
)

__all__ = [
    "EVENT_TYPES",
    "INPUT_TYPES",
    "Admitted",
    "Audio",
    "AudioEnded",
    "Control",
    "ControlAction",
    "Danmaku",
    "Enter",
    "Event",
    "EventDecodeError",
    "Filtered",
    "Gift",
    "Guard",
    "Lane",
    "Like",
    "Metric",
    "ModelStatus",
    "ReplySentence",
    "RoomInfo",
    "SourceStatus",
    "StateChange",
    "StreamerVoice",
    "SuperChat",
    "Tick",
    "Transcript",
    "UtteranceDone",
    "ViewerEvent",
    "from_dict",
    "to_dict",
]
