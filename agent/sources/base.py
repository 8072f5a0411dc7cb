"""What a source is: something that publishes room events onto the bus until it ends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from agent.events import Event

Publish = Callable[[Event], None]


class Source(Protocol):
    name: str

    async def run(self, publish: Publish) -> None:
        """Publish events until cancelled (live sources) or the input ends (replay)."""
        ...


class SourceAuthError(Exception):
    """The platform refused our credentials; the message is the one-line fix."""


class SourceProtocolError(Exception):
    """The peer broke the protocol (bad frame, unexpected reply); reconnecting may help."""
