"""The event bus: fan-out to subscribers through bounded two-lane queues.

CONTROL events go to a lane that is always read first and never dropped. DATA
events go to a bounded lane; when it is full the named overflow policy drops
the oldest event of the least important kind (a flood of chat loses chat
before it loses a super chat) and counts the drop by event type.

The DATA lane keeps one FIFO per keep-rank, each entry tagged with its arrival
number: dropping is "pop the oldest of the highest non-empty rank" and reading
is "the lowest arrival number among the heads", so a put on a full queue costs
the same at 64 entries as at 65,536 (a flood must never make publishing slower).
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Callable, Iterable
from itertools import count
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
    "model_status": 2,
    "filtered": 3,
    "metric": 3,
    "danmaku": 4,
    "enter": 5,
    "like": 5,
    "tick": 6,
}
UNRANKED = 9  # a type missing above goes first
# The brain's verdict that a viewer event was kept is kept as long as the event itself: the
# overlay shows a super chat only once its "admitted" verdict arrives.
_VERDICTS = frozenset({"admitted", "filtered"})


def keep_rank(event: Event) -> int:
    """How long ``event`` is kept when a queue overflows (lower: longer)."""
    if event.type == "admitted":
        return KEEP_RANK.get(getattr(event, "of", ""), UNRANKED)
    return KEEP_RANK.get(event.type, UNRANKED)


def drop_label(event: Event) -> str:
    """The type a drop is counted under: a verdict names what it was about."""
    return f"{event.type}:{getattr(event, 'of', '')}" if event.type in _VERDICTS else event.type


_RANKS = sorted({*KEEP_RANK.values(), UNRANKED})

OverflowPolicy = Literal["drop_oldest_least_important", "drop_oldest"]

# How a stage puts an event on the bus (sources, the ears, the reply pipeline): ``Bus.publish``.
Publish = Callable[[Event], None]


class _DataLane:
    """Bounded FIFO of DATA events that can drop the oldest of the least important rank in O(1)."""

    def __init__(self, by_rank: bool) -> None:
        # With "drop_oldest" every event shares one rank: oldest overall goes.
        self._by_rank = by_rank
        self._fifos: dict[int, deque[tuple[int, Event]]] = {rank: deque() for rank in _RANKS}
        self._arrival = count()
        self._len = 0
        # The ranks this lane has seen, and their FIFOs: reading looks at these only (a queue
        # sees two or three kinds of event, not all ten ranks).
        self._used: list[int] = []
        self._heads: list[deque[tuple[int, Event]]] = []

    def __len__(self) -> int:
        return self._len

    def append(self, event: Event) -> int:
        """Adds ``event``; returns how many the lane holds now."""
        rank = keep_rank(event) if self._by_rank else UNRANKED
        self._fifos[rank].append((next(self._arrival), event))
        if rank not in self._used:
            self._used = sorted({*self._used, rank})
            self._heads = [self._fifos[r] for r in self._used]
        self._len += 1
        return self._len

    def drop_one(self) -> Event:
        """The oldest event of the least important rank that has any (the queue is not empty)."""
        for rank in reversed(_RANKS):
            fifo = self._fifos[rank]
            if fifo:
                self._len -= 1
                return fifo.popleft()[1]
        raise IndexError("drop from an empty lane")

    def popleft(self) -> Event | None:
        """The oldest event of any rank, or None."""
        if not self._len:
            return None
        head: deque[tuple[int, Event]] | None = None
        for fifo in self._heads:
            if fifo and (head is None or fifo[0][0] < head[0][0]):
                head = fifo
        assert head is not None
        self._len -= 1
        return head.popleft()[1]

    def keep_only(self, keep: Callable[[Event], bool]) -> None:
        for fifo in self._fifos.values():
            kept = [entry for entry in fifo if keep(entry[1])]
            fifo.clear()
            fifo.extend(kept)
        self._len = sum(len(fifo) for fifo in self._fifos.values())


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
        if maxsize < 1:
            raise ValueError("a queue holds at least one event")
        self.name = name
        self.maxsize = maxsize
        self.policy = policy
        self.accepts = frozenset(accepts) if accepts is not None else None
        self.dropped: Counter[str] = Counter()
        self._control: deque[Event] = deque()
        self._data = _DataLane(by_rank=policy == "drop_oldest_least_important")
        self._ready = asyncio.Event()

    def __len__(self) -> int:
        return len(self._control) + len(self._data)

    def wants(self, event: Event) -> bool:
        return self.accepts is None or event.type in self.accepts

    def put(self, event: Event) -> None:
        if event.lane is Lane.CONTROL:
            self._control.append(event)
        else:
            if self._data.append(event) > self.maxsize:
                # The newcomer takes part: when it is the least important, it is the one that goes.
                self.dropped[drop_label(self._data.drop_one())] += 1
        self._ready.set()

    def get_nowait(self) -> Event | None:
        if self._control:
            return self._control.popleft()
        event = self._data.popleft()
        if event is None:
            self._ready.clear()
        return event

    async def get(self) -> Event:
        while True:
            event = self.get_nowait()
            if event is not None:
                return event
            await self._ready.wait()

    def clear_data(self, keep: Callable[[Event], bool] = lambda e: False) -> int:
        """Drop queued DATA events (reset); returns how many went."""
        before = len(self._data)
        self._data.keep_only(keep)
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
        kind = event.type
        self.published[kind] += 1
        for queue in self._queues:
            if queue.accepts is None or kind in queue.accepts:
                queue.put(event)

    def dropped(self) -> dict[str, Counter[str]]:
        return {q.name: q.dropped for q in self._queues if q.dropped}

    def sizes(self) -> dict[str, int]:
        return {q.name: len(q) for q in self._queues}
