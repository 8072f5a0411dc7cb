"""One bus subscription for every overlay page: chat vetting, the snapshot, the fan-out.

The hub turns bus events into page messages once (the chat gate, the
snapshot) and hands them to each connected page's bounded buffer. It runs for
the server's whole life when ``ControlServer`` pins it (so a page opened later
still gets recent chat), or, in an app without a server, while pages are open.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol

from agent.bus import EventQueue
from agent.control.feed import OVERLAY_TYPES, FeedBuffer, latest_key, snapshot_events
from agent.control.overlay_chat import ChatGate
from agent.control.overlay_snapshot import OverlaySnapshot
from agent.events import Event, to_dict

_GATED = frozenset({"admitted", "filtered"})  # viewer chat: the brain's verdicts make the lines


class Feeds(Protocol):
    """The part of the runtime (``Controller``) the hub uses."""

    def status(self) -> dict[str, Any]: ...

    def subscribe(self, name: str, accepts: frozenset[str] | None) -> EventQueue: ...

    def unsubscribe(self, queue: EventQueue) -> None: ...


class Page:
    """One connected overlay page: what it has yet to be sent."""

    def __init__(self, buffer: FeedBuffer) -> None:
        self.buffer = buffer
        self.ready = asyncio.Event()

    def push(self, message: dict[str, Any]) -> None:
        self.buffer.add(message)
        self.ready.set()

    def take(self) -> list[dict[str, Any]]:
        self.ready.clear()
        return self.buffer.drain()


class OverlayHub:
    def __init__(
        self,
        feeds: Feeds,
        *,
        chat_lines: int,
        reply_keep_s: float,
        page_buffer: int,
        subtitle_keep_s: float = 6.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.feeds = feeds
        self.gate = ChatGate()
        self.snapshot = OverlaySnapshot(chat_lines, reply_keep_s, subtitle_keep_s)
        self.page_buffer = page_buffer
        self.clock = clock
        # A page that reconnects to the same session rebuilds from the snapshot; after an
        # agent restart (a new session) it keeps what it shows and adds to it.
        self.session = secrets.token_hex(6)
        self.pages: set[Page] = set()
        self._task: asyncio.Task[None] | None = None
        self._pinned = False

    def take(self, event: Event) -> None:
        """One bus event in: the page message it makes, if any, to the snapshot and every page."""
        if event.type in _GATED:
            message = self.gate.add(event)
        elif event.type in OVERLAY_TYPES:
            message = to_dict(event)
        else:
            return  # a raw viewer event: its chat line comes with the brain's verdict
        if message is None:
            return
        self.snapshot.add(message, self.clock())
        for page in self.pages:
            page.push(message)

    def dropped(self) -> Counter[str]:
        """Viewer events and page messages the overlay never showed, by type: late verdicts
        (``admitted``) and the open pages' full buffers (a page too slow for the feed)."""
        total = Counter({"admitted": self.gate.late} if self.gate.late else {})
        for page in self.pages:
            total.update(page.buffer.dropped_by_type)
        return total

    def snapshot_messages(self) -> list[dict[str, Any]]:
        """A ``snapshot`` header, then what a new page needs (the runtime's status fills gaps)."""
        remembered = self.snapshot.messages(self.clock())
        known = {latest_key(m) for m in remembered} - {None}
        status = [to_dict(e) for e in snapshot_events(self.feeds.status())]
        body = [m for m in status if latest_key(m) not in known] + remembered
        return [{"type": "snapshot", "session": self.session, "messages": len(body)}, *body]

    def attach(self) -> Page:
        page = Page(FeedBuffer(self.page_buffer))
        for message in self.snapshot_messages():
            page.push(message)
        self.pages.add(page)
        self._start()
        return page

    def detach(self, page: Page) -> None:
        self.pages.discard(page)
        if not self.pages and not self._pinned and self._task is not None:
            self._task.cancel()
            self._task = None

    def pin(self) -> None:
        """Subscribe now and stay subscribed with no page open (``run`` keeps it so)."""
        self._pinned = True
        self._start()

    async def run(self) -> None:
        """Keep the subscription for as long as this runs (the server's life)."""
        self.pin()
        assert self._task is not None
        try:
            await asyncio.shield(self._task)
        finally:
            self._pinned = False
            if self._task is not None:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
                self._task = None

    def _start(self) -> None:
        # Subscribed here, not in the task: nothing published from now on is missed.
        if self._task is None or self._task.done():
            queue = self.feeds.subscribe("overlay", OVERLAY_TYPES)
            self._task = asyncio.create_task(self._consume(queue), name="overlay-hub")

    async def _consume(self, queue: EventQueue) -> None:
        try:
            while True:
                self.take(await queue.get())
                while (event := queue.get_nowait()) is not None:
                    self.take(event)
        finally:
            self.feeds.unsubscribe(queue)
