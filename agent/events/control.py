"""The streamer's commands (OBS hotkeys, control API, CLI) and the runtime's heartbeat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from agent.events.base import ARRIVAL, Lane

ControlAction = Literal["mute", "unmute", "skip", "reset", "say", "shutdown"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Control:
    """A command from the streamer (OBS hotkey, control API, CLI)."""

    type: ClassVar[str] = "control"
    lane: ClassVar[Lane] = Lane.CONTROL
    action: ControlAction
    text: str = ""
    origin: str = ""
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class Tick:
    """The runtime's heartbeat into the brain so timers fire; never recorded."""

    type: ClassVar[str] = "tick"
    lane: ClassVar[Lane] = Lane.DATA
    at: float = ARRIVAL
