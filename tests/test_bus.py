"""The bus queues: what a full queue drops, in what order events come out, and that a put on
a full queue costs the same however long the queue is."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import agent.bus as bus_module
from agent.bus import KEEP_RANK, Bus, EventQueue, OverflowPolicy
from agent.events import Admitted, Control, Danmaku, Enter, Event, Gift, Lane, SuperChat


def danmaku(i: int) -> Danmaku:
    return Danmaku(uid=str(i), uname=f"v{i}", text=f"msg {i}")


class _Reference:
    """The overflow policy written the obvious (linear) way: the oracle for EventQueue."""

    def __init__(self, maxsize: int, policy: OverflowPolicy) -> None:
        self.maxsize, self.policy = maxsize, policy
        self.control: list[Event] = []
        self.data: list[Event] = []
        self.dropped: Counter[str] = Counter()

    def put(self, event: Event) -> None:
        if event.lane is Lane.CONTROL:
            self.control.append(event)
            return
        self.data.append(event)
        if len(self.data) > self.maxsize:
            if self.policy == "drop_oldest":
                victim = 0
            else:
                victim = max(range(len(self.data)), key=lambda i: (KEEP_RANK.get(self.data[i].type, 9), -i))
            self.dropped[self.data.pop(victim).type] += 1

    def get(self) -> Event | None:
        if self.control:
            return self.control.pop(0)
        return self.data.pop(0) if self.data else None


_MAKERS = [
    danmaku,
    lambda i: Enter(uid=str(i), uname=f"v{i}"),
    lambda i: Gift(uid=str(i), uname=f"v{i}", gift_name="小心心", count=1),
    lambda i: SuperChat(uid=str(i), uname=f"v{i}", text="sc", price=30),
    lambda i: Control(action="mute"),
]


@settings(max_examples=200, deadline=None)
@given(
    maxsize=st.integers(1, 6),
    policy=st.sampled_from(["drop_oldest_least_important", "drop_oldest"]),
    ops=st.lists(st.one_of(st.integers(0, len(_MAKERS) - 1), st.none()), max_size=60),
)
def test_queue_matches_the_linear_reference(
    maxsize: int, policy: OverflowPolicy, ops: list[int | None]
) -> None:
    queue = EventQueue(maxsize, policy=policy)
    reference = _Reference(maxsize, policy)
    for i, op in enumerate(ops):
        if op is None:  # a read
            assert queue.get_nowait() is reference.get()
        else:
            event = _MAKERS[op](i)
            queue.put(event)
            reference.put(event)
        assert len(queue) == len(reference.control) + len(reference.data)
    assert queue.dropped == reference.dropped
    while (expected := reference.get()) is not None:
        assert queue.get_nowait() is expected
    assert queue.get_nowait() is None


class _CountingRanks(dict[str, int]):
    """KEEP_RANK that counts how many events the queue looked at."""

    lookups = 0

    def get(self, key: Any, default: Any = None) -> Any:
        type(self).lookups += 1
        return super().get(key, default)


def test_a_put_on_a_full_65536_queue_looks_at_a_constant_number_of_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bus_module, "KEEP_RANK", _CountingRanks(KEEP_RANK))
    queue = EventQueue(65536)
    queue.put(SuperChat(uid="1", uname="big", text="keep me", price=100))
    for i in range(65535):
        queue.put(danmaku(i))
    _CountingRanks.lookups = 0
    for i in range(1000):
        queue.put(danmaku(100_000 + i))
    # The old policy scanned every queued event per put: 65 million lookups here.
    assert _CountingRanks.lookups <= 2 * 1000
    assert queue.dropped == Counter({"danmaku": 1000})
    assert len(queue) == 65536
    first = queue.get_nowait()
    assert isinstance(first, SuperChat)  # the oldest, and the most important, survived
    second = queue.get_nowait()
    assert isinstance(second, Danmaku) and second.uid == "1000"  # the 1000 oldest chat lines went


def test_least_important_goes_first_and_order_is_kept() -> None:
    queue = EventQueue(3)
    sc = SuperChat(uid="1", uname="a", text="sc", price=30)
    queue.put(danmaku(1))
    queue.put(sc)
    queue.put(Enter(uid="2", uname="b"))
    queue.put(danmaku(3))  # full: the enter (rank 5) goes, not the older danmaku (rank 4)
    assert queue.dropped == Counter({"enter": 1})
    assert [queue.get_nowait() for _ in range(4)] == [danmaku(1), sc, danmaku(3), None]


def test_control_overtakes_and_is_never_dropped() -> None:
    queue = EventQueue(1)
    queue.put(danmaku(1))
    for _ in range(5):
        queue.put(Control(action="skip"))
    queue.put(danmaku(2))
    assert queue.dropped == Counter({"danmaku": 1})
    got = [queue.get_nowait() for _ in range(7)]
    assert got[:5] == [Control(action="skip")] * 5
    assert got[5] == danmaku(2) and got[6] is None


def test_clear_data_keeps_what_is_asked_and_counts_the_rest() -> None:
    queue = EventQueue(10)
    for i in range(4):
        queue.put(danmaku(i))
    queue.put(Gift(uid="9", uname="g", gift_name="x", count=1))
    queue.put(Control(action="reset"))
    assert queue.clear_data(lambda e: e.type == "gift") == 4
    assert [e.type for e in (queue.get_nowait(), queue.get_nowait())] == ["control", "gift"]
    assert queue.get_nowait() is None and len(queue) == 0


def test_bus_fans_out_by_accepts_and_reports_drops_per_queue() -> None:
    bus = Bus(default_size=2)
    chat = bus.subscribe("chat", accepts={"danmaku"})
    everything = bus.subscribe("all", maxsize=8)
    for i in range(3):
        bus.publish(danmaku(i))
    bus.publish(Control(action="mute"))
    assert bus.published == Counter({"danmaku": 3, "control": 1})
    assert len(chat) == 2 and len(everything) == 4
    assert {name: dict(c) for name, c in bus.dropped().items()} == {"chat": {"danmaku": 1}}
    assert bus.sizes() == {"chat": 2, "all": 4}


async def test_get_waits_for_a_put() -> None:
    import asyncio

    queue = EventQueue(4)
    waiter = asyncio.create_task(queue.get())
    await asyncio.sleep(0)
    assert not waiter.done()
    queue.put(danmaku(7))
    assert await waiter == danmaku(7)


def test_a_verdict_on_a_paid_event_is_kept_as_long_as_the_event() -> None:
    """The overlay shows a super chat only after the brain's "admitted" verdict: a full queue must
    drop danmaku (and verdicts on danmaku) first, and count drops by what they were about."""
    queue = EventQueue(4)
    paid = Admitted(of="super_chat", msg_id="sc", name="老板", display_text="加油")
    queue.put(paid)
    queue.put(Admitted(of="guard", msg_id="g", name="舰长"))
    for i in range(6):
        queue.put(Danmaku(text=f"m{i}"))
        queue.put(Admitted(of="danmaku", display_text=f"m{i}"))
    kept = [queue.get_nowait() for _ in range(len(queue))]
    assert kept[:2] == [paid, Admitted(of="guard", msg_id="g", name="舰长")]
    assert queue.dropped["danmaku"] + queue.dropped["admitted:danmaku"] == 10
    assert not any("super_chat" in kind or "guard" in kind for kind in queue.dropped)
