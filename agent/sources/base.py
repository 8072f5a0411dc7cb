"""What a source is: something that publishes room events onto the bus until it ends.

A live platform client is a ``Session`` (one connection per ``run_once``) that the
supervisor turns into a ``Source``; ``SessionContext`` is all a session sees of it.
"""

from __future__ import annotations

from typing import Protocol

from agent.bus import Publish
from agent.events import Event


class Source(Protocol):
    name: str

    async def run(self, publish: Publish) -> None:
        """Publish events until cancelled (live sources) or the input ends (replay)."""
        ...


class SessionContext(Protocol):
    def emit(self, event: Event) -> None:
        """Publish a room event (deduplicated by msg_id across reconnects)."""
        ...

    def live(self) -> None:
        """Call once, after the platform accepted auth."""
        ...

    def alive(self) -> None:
        """Call on any traffic that proves the link is up (heartbeat reply etc.)."""
        ...


class Session(Protocol):
    name: str

    async def run_once(self, ctx: SessionContext) -> None:
        """Connect, authenticate, call ctx.live(), then emit events until the link ends.

        Returning or raising OSError / websockets.ConnectionClosed / SourceProtocolError /
        TimeoutError means 'dropped'. SourceAuthError means the platform refused the
        credentials. Sessions send their own heartbeats; the supervisor cancels run_once
        when neither emit() nor alive() was called for reconnect.stale_after_s.
        """
        ...


class SourceAuthError(Exception):
    """The platform refused our credentials; the message is the one-line fix."""


class SourceProtocolError(Exception):
    """The peer broke the protocol (bad frame, unexpected reply); reconnecting may help."""


class OptionError(ValueError):
    """A command-line option that does not fit the chosen source; ``option`` names it."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


def not_for(option: str, source: str) -> OptionError:
    return OptionError(option, f"does not apply to --source {source.replace('_', '-')}")


def ws_url_problem(key: str, url: str) -> str | None:
    """The config error line for a URL that is set but not a websocket one."""
    if url and not url.startswith(("ws://", "wss://")):
        return f"config error: {key} = {url!r}: expected a ws:// or wss:// URL"
    return None
