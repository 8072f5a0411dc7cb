"""Keeps a live room connection up: reconnects with backoff, spots dead links, drops repeats.

A platform client is a ``Session``: one ``run_once`` is one connection, from
connecting to the drop. ``SupervisedSource`` turns a session into a ``Source``
that never ends on its own: it publishes a ``SourceStatus`` on every state
change, waits an exponentially growing, jittered delay between attempts (reset
once a connection went live), cancels a connection that went silent, and drops
events whose ``msg_id`` it already published (platforms and bridges resend
after a reconnect).
The delays come from the one backoff helper every link shares (agent/shared/backoff.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable
from typing import Literal

from websockets.exceptions import WebSocketException

from agent.bus import Publish
from agent.config import Reconnect
from agent.events import Event, SourceStatus
from agent.shared.backoff import Backoff
from agent.sources.base import Session, SessionContext, SourceAuthError, SourceProtocolError

__all__ = ["DROPS", "Session", "SessionContext", "SupervisedSource"]

log = logging.getLogger(__name__)

State = Literal["connecting", "live", "reconnecting", "failed", "stopped"]
Sleep = Callable[[float], Awaitable[None]]

# What a session may raise to say "the link dropped". WebSocketException covers
# ConnectionClosed and a refused handshake (InvalidStatus), which are not OSErrors.
DROPS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    WebSocketException,
    SourceProtocolError,
)


class _Dedupe:
    """The last ``size`` (type, msg_id) pairs published: an LRU, so memory stays bounded."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()

    def first_time(self, event: Event) -> bool:
        msg_id = getattr(event, "msg_id", "")
        if not msg_id:
            return True
        key = (event.type, msg_id)
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True


class _Attempt:
    """The SessionContext handed to one run_once: one connection's view of the supervisor."""

    def __init__(self, owner: SupervisedSource, publish: Publish) -> None:
        self._owner = owner
        self._publish = publish
        self._loop = asyncio.get_running_loop()
        self.last_activity = self._loop.time()
        self.went_live = False
        self.open = True

    def emit(self, event: Event) -> None:
        self.last_activity = self._loop.time()
        owner = self._owner
        if not owner._dedupe.first_time(event):
            owner.duplicates += 1
            return
        owner.counts[event.type] += 1
        self._publish(event)

    def live(self) -> None:
        self.last_activity = self._loop.time()
        if self.open and not self.went_live:
            self.went_live = True
            self._owner._live(self._publish)

    def alive(self) -> None:
        self.last_activity = self._loop.time()


class _Stale(Exception):
    pass


class SupervisedSource:
    """A ``Source`` that runs a session forever, reconnecting after every drop."""

    def __init__(
        self,
        session: Session,
        reconnect: Reconnect,
        *,
        dedupe_size: int = 4096,
        rng: random.Random | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.session = session
        self.name = session.name
        self.reconnect = reconnect
        self.state: State = "stopped"
        self.counts: Counter[str] = Counter()  # events published, by type
        self.duplicates = 0  # events dropped because their msg_id was already published
        self.drops = 0  # connections that ended, for any reason
        self._backoff = Backoff(reconnect.initial_s, reconnect.max_s, rng)
        self._dedupe = _Dedupe(dedupe_size)
        self._sleep = sleep
        self._unexpected_seen: set[type[BaseException]] = set()

    def stats(self) -> dict[str, object]:
        return {
            "state": self.state,
            "events": dict(self.counts),
            "duplicates": self.duplicates,
            "drops": self.drops,
        }

    def _set(self, publish: Publish, state: State, detail: str = "") -> None:
        self.state = state
        log.debug("%s: %s %s", self.name, state, detail)
        publish(SourceStatus(source=self.name, state=state, detail=detail))

    def _live(self, publish: Publish) -> None:
        self._backoff.reset()
        self._set(publish, "live")
        log.info("%s: live", self.name)

    async def run(self, publish: Publish) -> None:
        try:
            while True:
                self._set(publish, "connecting")
                outcome, detail = await self._attempt(publish)
                self.drops += 1
                if outcome == "auth":
                    delay = self._backoff.max_delay()
                    log.error("%s: %s (retrying in %.0f s)", self.name, detail, delay)
                    self._set(publish, "failed", detail)
                else:
                    delay = self._backoff.next_delay()
                    log.info("%s: dropped (%s); reconnecting in %.1f s", self.name, detail, delay)
                    self._set(publish, "reconnecting", f"{detail}; retry in {delay:.1f} s")
                await self._sleep(delay)
        except asyncio.CancelledError:
            self._set(publish, "stopped")
            raise

    async def _attempt(self, publish: Publish) -> tuple[Literal["drop", "auth"], str]:
        """Run one connection; say how it ended. Never raises except on cancellation."""
        ctx = _Attempt(self, publish)
        try:
            await self._run_watched(ctx)
        except SourceAuthError as exc:
            return "auth", str(exc) or "the platform refused the credentials"
        except _Stale:
            return "drop", f"no traffic for {self.reconnect.stale_after_s:g} s"
        except DROPS as exc:
            return "drop", _describe(exc)
        except Exception as exc:
            # A bug in a session (or a frame it did not expect) must not end the
            # stream: report the type once with its traceback, then reconnect.
            kind = type(exc)
            if kind not in self._unexpected_seen:
                self._unexpected_seen.add(kind)
                log.error(
                    "%s: unexpected %s, treated as a drop: %s", self.name, kind.__name__, exc, exc_info=exc
                )
            return "drop", f"unexpected {kind.__name__}: {exc}"
        else:
            return "drop", "connection ended"
        finally:
            ctx.open = False

    async def _run_watched(self, ctx: _Attempt) -> None:
        """Await run_once, cancelling it when it stays silent for stale_after_s."""
        stale_after = self.reconnect.stale_after_s
        loop = asyncio.get_running_loop()
        task = asyncio.create_task(self.session.run_once(ctx), name=f"{self.name}-session")
        try:
            while True:
                remaining = ctx.last_activity + stale_after - loop.time()
                if remaining <= 0:
                    raise _Stale
                done, _ = await asyncio.wait({task}, timeout=remaining)
                if done:
                    if task.cancelled():  # the session cancelled itself: not our shutdown
                        raise SourceProtocolError("session task was cancelled")
                    task.result()  # re-raises how the session ended
                    return
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task


def _describe(exc: BaseException) -> str:
    text = str(exc)
    name = type(exc).__name__
    return f"{name}: {text}" if text else name
