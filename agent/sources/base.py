"""What a source is: something that publishes room events onto the bus until it ends."""

from __future__ import annotations

from typing import Protocol

from agent.bus import Publish


class Source(Protocol):
    name: str

    async def run(self, publish: Publish) -> None:
        """Publish events until cancelled (live sources) or the input ends (replay)."""
        ...


class SourceAuthError(Exception):
    """The platform refused our credentials; the message is the one-line fix."""


class SourceProtocolError(Exception):
    """The peer broke the protocol (bad frame, unexpected reply); reconnecting may help."""
