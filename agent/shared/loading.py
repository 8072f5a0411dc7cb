"""Models load in the background, once: a slot per model that the stream can wait on.

Start-up kicks off the language model, ASR and TTS loads in parallel (each a
blocking load in a worker thread) and the stream starts on what is ready;
``/api/status`` shows each slot's state. A stage that needs a model awaits its
slot: it gets the model, or None when loading failed or the model is off.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

T = TypeVar("T")
SlotState = Literal["loading", "ready", "failed", "off"]

log = logging.getLogger(__name__)


@dataclass
class ModelSlot(Generic[T]):
    """One model: loading, ready (``value``), failed (``detail`` says why) or off."""

    name: str
    state: SlotState = "loading"
    value: T | None = None
    detail: str = ""
    error: Exception | None = None  # what the load raised, when it failed
    _settled: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @classmethod
    def ready_with(cls, name: str, value: T, detail: str = "") -> ModelSlot[T]:
        slot: ModelSlot[T] = cls(name)
        slot.settle("ready", value, detail)
        return slot

    @classmethod
    def off(cls, name: str, detail: str) -> ModelSlot[T]:
        slot: ModelSlot[T] = cls(name)
        slot.settle("off", None, detail)
        return slot

    def settle(self, state: SlotState, value: T | None, detail: str) -> None:
        self.state, self.value, self.detail = state, value, detail
        self._settled.set()

    async def get(self) -> T | None:
        """The model once loading has ended (None if it failed or is off)."""
        await self._settled.wait()
        return self.value

    def status(self) -> str:
        return f"{self.state}: {self.detail}" if self.detail else self.state

    async def load(self, loader: Callable[[], Awaitable[tuple[T, str]]], failure: type[Exception]) -> None:
        """Run ``loader`` (returns the model and a one-line description); ``failure`` is the
        exception type whose message is the streamer's fix."""
        began = time.perf_counter()
        log.info("%s: loading", self.name)
        try:
            value, detail = await loader()
        except failure as exc:
            self.error = exc
            self.settle("failed", None, str(exc))
            log.warning("%s: %s", self.name, exc)
            return
        except BaseException:
            self.settle("failed", None, "load was cancelled or crashed")
            raise
        self.settle("ready", value, detail)
        log.info("%s: ready in %.1f s (%s)", self.name, time.perf_counter() - began, detail)
