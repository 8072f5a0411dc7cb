"""The closed set of typed events that flow over the bus (``kinds``: the union and its table; the
kinds by topic in ``room``, ``voice``, ``status``, ``control``), and their JSON form (``codec``).

Every event is a frozen dataclass whose ``type`` is also its name in a recording line and on
the overlay socket. CONTROL events (mute, skip, reset, say, shutdown) overtake DATA events in
every queue.
"""

from agent.events.base import Lane
from agent.events.codec import EventDecodeError, from_dict, to_dict
from agent.events.control import Control, ControlAction, Tick
from agent.events.kinds import EVENT_TYPES, INPUT_TYPES, Event
from agent.events.room import Danmaku, Enter, Gift, Guard, Like, RoomInfo, SuperChat, ViewerEvent
from agent.events.status import Admitted, Filtered, Metric, ModelStatus, SourceStatus, StateChange
from agent.events.voice import Audio, AudioEnded, ReplySentence, StreamerVoice, Transcript, UtteranceDone

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
