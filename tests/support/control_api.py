"""The control API's test doubles: a scripted runtime behind the API (``FakeController``), a client
for it, and the ``fake`` / ``client`` fixtures (import them ``as fake`` / ``as client``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from agent.bus import Bus, EventQueue
from agent.config import ControlConfig, OverlayConfig
from agent.control.api import Controller, create_app
from agent.events import Control, ReplySentence, StateChange

BASE = "http://127.0.0.1:8765"
TOKEN = "s3cret-token-for-tests"
# The test client's websockets ignore base_url; a loopback API refuses other Host names.
HOST = {"host": "127.0.0.1:8765"}


class FakeController(Controller):
    """A scripted runtime: records commands, answers status, hands out real bus queues.

    ``say`` becomes a spoken reply on the bus, the way the real runtime's brain
    would answer it, so a test can drive the overlay feed through the API.
    """

    def __init__(self) -> None:
        self.bus = Bus(default_size=64)
        self.sent: list[Control] = []
        self.muted = False
        self.subscribed: list[str] = []
        self.on_subscribe: list[Any] = []
        self._utterance = 0

    def refusal(self, text: str) -> str | None:
        return "傻逼" if "傻逼" in text else None

    def send(self, event: Control) -> None:
        self.sent.append(event)
        self.bus.publish(event)
        if event.action in ("mute", "unmute"):
            self.muted = event.action == "mute"
            self.bus.publish(StateChange(state="listening", muted=self.muted))
        if event.action == "say":
            self._utterance += 1
            self.bus.publish(ReplySentence(utterance_id=self._utterance, index=0, text=event.text))

    def status(self) -> dict[str, Any]:
        return {
            "state": "listening",
            "muted": self.muted,
            "topic": "游戏",
            "queues": self.bus.sizes(),
            "dropped": {k: dict(v) for k, v in self.bus.dropped().items()},
            "sources": {"replay": "live"},
            "latency_ms": {"arrival_to_first_audio": {"p50": 812.5, "p95": 1400.0, "last": 900.0}},
            "replies": 3,
        }

    def subscribe(self, name: str, accepts: frozenset[str] | None) -> EventQueue:
        self.subscribed.append(name)
        queue = self.bus.subscribe(name, accepts=accepts, maxsize=16)
        for hook in self.on_subscribe:
            asyncio.get_running_loop().call_soon(hook)
        return queue

    def unsubscribe(self, queue: EventQueue) -> None:
        self.bus.unsubscribe(queue)

    def counters(self) -> dict[str, dict[str, float]]:
        return {
            "events_published_total": dict(self.bus.published),
            "events_dropped_total": {"danmaku": 2, 'we"ird\\name\n': 1},
        }


def make_client(
    fake: FakeController, *, base_url: str = BASE, clock: Any = None, **control: Any
) -> TestClient:
    control.setdefault("rate_per_s", 0)
    kwargs = {"clock": clock} if clock else {}
    app = create_app(fake, ControlConfig(**control), OverlayConfig(), **kwargs)
    return TestClient(app, base_url=base_url)


@pytest.fixture
def fake() -> FakeController:
    return FakeController()


@pytest.fixture
def client(fake: FakeController) -> Iterator[TestClient]:
    with make_client(fake) as c:
        yield c
