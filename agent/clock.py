"""The runtime's clock: real time, optionally sped up for replays and demos.

The brain and the audio pacing read this clock, so a replay at 20x keeps the
same cooldowns and turn-taking it would have live. Latency metrics use
``time.perf_counter`` directly: they are about this PC, not the replay.
"""

from __future__ import annotations

import asyncio
import time


class Clock:
    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._t0 = time.perf_counter()
        self.origin = 0.0  # stream time when the stream itself began (``mark_start``)

    def now(self) -> float:
        """Seconds since the clock started, in stream time."""
        return (time.perf_counter() - self._t0) * self.speed

    def mark_start(self) -> None:
        """The stream begins now (the demo: once its models are in, not when the process began),
        so the times written to files (the recording, index.csv) do not include model loading."""
        self.origin = self.now()

    def since_start(self) -> float:
        """Stream seconds since ``mark_start`` (0 before it): the time files are stamped with."""
        return max(0.0, self.now() - self.origin)

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of stream time; always yields to the loop, even when there is nothing
        to wait for (a replay behind schedule must still let the API and the brain run)."""
        await asyncio.sleep(max(0.0, seconds) / self.speed)

    async def sleep_until(self, stream_time: float) -> None:
        await self.sleep(stream_time - self.now())
