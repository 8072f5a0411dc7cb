"""The event bus: fan-out to subscribers through bounded two-lane queues.

CONTROL events go to a lane that is always read first and never dropped. DATA
events go to a bounded lane; when it is full the named overflow policy drops
the oldest event of the least important kind (a flood of chat loses chat
before it loses a super chat) and counts the drop by event type.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Callable, Iterable
from typing import Literal

from agent.events import Event, Lane

# Lower is kept longer when a queue overflows.
KEEP_RANK: dict[str, int] = {
    "super_chat": 0,
    "guard": 0,
    "utterance_done": 0,
    "reply_sentence": 1,
    "audio": 1,
    "audio_ended": 1,
    "transcript": 1,
    "gift": 2,
    "state": 2,
    "source_status": 2,
    "filtered": 3,
    "metric": 3,
    "danmaku": 4,
    "enter": 5,
    "like": 5,
    "tick": 6,
}

OverflowPolicy = Literal["drop_oldest_least_important", "drop_oldest"]

# How a stage puts an event on the bus (sources, the ears, the reply pipeline): ``Bus.publish``.
Publish = Callable[[Event], None]


class EventQueue:
    """One subscriber's queue: CONTROL lane first, bounded DATA lane with drops."""

    def __init__(
        self,
        maxsize: int,
        *,
        policy: OverflowPolicy = "drop_oldest_least_important",
        accepts: Iterable[str] | None = None,
        name: str = "",
    ) -> None:
        self.name = name
        self.maxsize = maxsize
        self.policy = policy
        self.accepts = frozenset(accepts) if accepts is not None else None
        self.dropped: Counter[str] = Counter()
        self._control: deque[Event] = deque()
        self._data: deque[Event] = deque()
        self._ready = asyncio.Event()

    def __len__(self) -> int:
        return len(self._control) + len(self._data)

    def wants(self, event: Event) -> bool:
        return self.accepts is None or event.type in self.accepts

    def put(self, event: Event) -> None:
        if event.lane is Lane.CONTROL:
            self._control.append(event)
        else:
            if len(self._data) >= self.maxsize:
                self._make_room(event)
            self._data.append(event)
        self._ready.set()

    def _make_room(self, incoming: Event) -> None:
        data = self._data
        if self.policy == "drop_oldest":
            dropped = data.popleft()
        else:
            victim = max(range(len(data)), key=lambda i: (KEEP_RANK.get(data[i].type, 9), -i))
            dropped = data[victim]
            del data[victim]
        self.dropped[dropped.type] += 1

    def get_nowait(self) -> Event | None:
        if self._control:
            return self._control.popleft()
        if self._data:
            return self._data.popleft()
        self._ready.clear()
        return None

    async def get(self) -> Event:
        while True:
            event = self.get_nowait()
            if event is not None:
                return event
            await self._ready.wait()

    def clear_data(self, keep: Callable[[Event], bool] = lambda e: False) -> int:
        """Drop queued DATA events (reset); returns how many went."""
        before = len(self._data)
        self._data = deque(e for e in self._data if keep(e))
        return before - len(self._data)


class Bus:
    """Publish once, every interested subscriber gets it in its own queue."""

    def __init__(self, default_size: int = 1024) -> None:
        self.default_size = default_size
        self._queues: list[EventQueue] = []
        self.published: Counter[str] = Counter()

    def subscribe(
        self,
        name: str,
        *,
        accepts: Iterable[str] | None = None,
        maxsize: int | None = None,
        policy: OverflowPolicy = "drop_oldest_least_important",
    ) -> EventQueue:
        queue = EventQueue(maxsize or self.default_size, policy=policy, accepts=accepts, name=name)
        self._queues.append(queue)
        return queue

    def unsubscribe(self, queue: EventQueue) -> None:
        if queue in self._queues:
            self._queues.remove(queue)

    def publish(self, event: Event) -> None:
        self.published[event.type] += 1
        for queue in self._queues:
            if queue.wants(event):
                queue.put(event)

    def dropped(self) -> dict[str, Counter[str]]:
        return {q.name: q.dropped for q in self._queues if q.dropped}

    def sizes(self) -> dict[str, int]:
        return {q.name: len(q) for q in self._queues}
