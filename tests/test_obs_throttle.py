"""The OBS output coalesces a flood: within one interval, one update with the latest text (a fake
link and a fake clock: nothing here needs OBS or depends on how fast the machine is)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from agent.bus import Bus
from agent.config import ObsConfig
from agent.events import Transcript
from agent.obs.output import ObsOutput
from tests.support.obs_rig import SUBS, until


class _FakeLink:
    """Stands in for ObsLink: always connected, records every request, never touches a socket."""

    state = "connected"
    connected = True

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []

    async def supervise(self, on_connected: Any) -> None:
        await on_connected()
        await asyncio.Event().wait()

    async def request(self, request: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        self.requests.append((request, data or {}))
        return {}

    def close(self) -> None:
        pass


class _Throttle:
    """``asyncio`` as the output module sees it, but its ``sleep`` (the coalesce interval) only
    ends when the test says so: a fake clock, so nothing depends on how fast the machine is."""

    def __init__(self) -> None:
        self.waiting = 0
        self.slept: list[float] = []
        self._ticks = asyncio.Semaphore(0)

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, delay: float) -> None:
        self.slept.append(delay)
        self.waiting += 1
        try:
            await self._ticks.acquire()
        finally:
            self.waiting -= 1

    def tick(self) -> None:
        self._ticks.release()


async def test_a_flood_within_one_interval_is_one_update_with_the_latest_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from agent.obs import output as output_module

    throttle = _Throttle()
    monkeypatch.setattr(output_module, "asyncio", throttle)
    bus = Bus()
    output = ObsOutput(ObsConfig(enabled=True, talking_source="", coalesce_ms=50, subtitle_clear_after_s=0))
    link = _FakeLink()
    output.link = link  # type: ignore[assignment]

    def subtitles() -> list[object]:
        return [d["inputSettings"]["text"] for r, d in link.requests if d.get("inputName") == SUBS]

    task = asyncio.create_task(output.run(bus.subscribe("obs", accepts=ObsOutput.accepts)))
    try:
        # Connected: everything written once, then the flush loop waits out its interval.
        assert await until(lambda: throttle.waiting == 1)
        assert throttle.slept == [0.05]
        assert subtitles() == [""]
        for i in range(400):
            bus.publish(Transcript(text=f"弹幕 {i}"))
            if i % 20 == 0:
                await asyncio.sleep(0.01)
        assert await until(lambda: output.view.subtitle == "弹幕 399")
        assert subtitles() == [""]  # nothing goes out while the interval runs, however much changes
        throttle.tick()
        assert await until(lambda: len(throttle.slept) == 2 and throttle.waiting == 1)
        assert subtitles() == ["", "弹幕 399"]  # 400 messages: one request, the latest text
        throttle.tick()  # an interval with nothing new sends nothing
        bus.publish(Transcript(text="弹幕 399"))  # the same text again: not re-sent either
        assert await until(lambda: len(throttle.slept) == 3 and throttle.waiting == 1)
        assert subtitles() == ["", "弹幕 399"]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
