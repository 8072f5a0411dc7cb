"""Speaking a reply: engine stream -> sentences -> output moderation -> TTS -> sink.

One ``Utterance`` per reply, with ``interrupt()``, ``done`` and a hard timeout.
Sentence N+1 is generated and synthesised while sentence N plays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from agent.audio.sinks import AudioSink
from agent.clock import Clock
from agent.events import Audio, Filtered, Metric, ReplySentence, UtteranceDone
from agent.llm.base import ReplyEngine, ReplyRequest
from agent.llm.sentences import CLOSERS, TERMINATORS, SentenceSplitter
from agent.sources.base import Publish
from agent.tts.base import TTSEngine

log = logging.getLogger(__name__)

Outcome = Literal["spoken", "interrupted", "failed", "empty"]

# Returns the matched rule when a sentence must not be said.
Guard = Callable[[str], str | None]


@dataclass
class Utterance:
    """The handle for one spoken reply."""

    request: ReplyRequest
    arrived_at: float | None  # perf_counter when the triggering message entered the process
    decided_at: float = field(default_factory=time.perf_counter)
    stopped: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Future[Outcome] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    sentences: list[str] = field(default_factory=list)
    closing: bool = False  # stop after the sentence being played (interrupt = "finish_sentence")

    @property
    def id(self) -> int:
        return self.request.utterance_id

    def interrupt(self, *, finish_sentence: bool = False) -> None:
        if finish_sentence and not self.stopped.is_set():
            self.closing = True
        else:
            self.stopped.set()


_END = None


class Voice:
    def __init__(
        self,
        engine: ReplyEngine,
        tts: TTSEngine | None,
        sink: AudioSink,
        guard: Guard,
        publish: Publish,
        clock: Clock,
        *,
        banned_reply: str = "",
        hard_timeout_s: float = 20.0,
    ) -> None:
        self.engine = engine
        self.tts = tts
        self.sink = sink
        self.guard = guard
        self.publish = publish
        self.clock = clock
        self.banned_reply = banned_reply
        self.hard_timeout_s = hard_timeout_s
        self.current: Utterance | None = None
        self._requests: asyncio.Queue[Utterance] = asyncio.Queue()

    def start(self, request: ReplyRequest, arrived_at: float | None) -> Utterance:
        utterance = Utterance(request, arrived_at)
        self._requests.put_nowait(utterance)
        return utterance

    def interrupt(self, utterance_id: int, *, finish_sentence: bool = False) -> None:
        current = self.current
        if current is not None and current.id == utterance_id:
            current.interrupt(finish_sentence=finish_sentence)
        # A queued request that was overtaken before it began is dropped too.
        for queued in list(self._requests._queue):  # type: ignore[attr-defined]
            if queued.id == utterance_id:
                queued.interrupt()

    def idle(self) -> bool:
        return self.current is None and self._requests.empty()

    async def run(self) -> None:
        while True:
            utterance = await self._requests.get()
            self.current = utterance
            try:
                outcome = await self._speak(utterance)
            finally:
                self.current = None
            if not utterance.done.done():
                utterance.done.set_result(outcome)
            self.publish(
                UtteranceDone(utterance_id=utterance.id, outcome=outcome, sentences=len(utterance.sentences))
            )

    async def _speak(self, utterance: Utterance) -> Outcome:
        if utterance.stopped.is_set():
            return "interrupted"
        ready: asyncio.Queue[tuple[int, str, np.ndarray] | None] = asyncio.Queue(maxsize=3)
        produce = asyncio.create_task(self._produce(utterance, ready))
        play = asyncio.create_task(self._play(utterance, ready))
        stop = asyncio.create_task(utterance.stopped.wait())
        timed_out = False
        try:
            async with asyncio.timeout(self.hard_timeout_s):
                await asyncio.wait({play, stop}, return_when=asyncio.FIRST_COMPLETED)
        except TimeoutError:
            log.warning("reply %d took over %.0f s and was cut off", utterance.id, self.hard_timeout_s)
            timed_out = True
        for task in (produce, play, stop):
            task.cancel()
        results = await asyncio.gather(produce, play, stop, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.sink.finish(utterance.id)
        failure = next((r for r in results if isinstance(r, Exception)), None)
        if failure is not None:
            log.warning("reply %d failed: %s", utterance.id, failure)
        said = bool(utterance.sentences)
        if (failure is not None or timed_out) and not said:
            return "failed"
        if timed_out or utterance.stopped.is_set():
            return "interrupted"
        return "spoken" if said else "empty"

    async def _produce(
        self, utterance: Utterance, ready: asyncio.Queue[tuple[int, str, np.ndarray] | None]
    ) -> None:
        splitter = SentenceSplitter()
        first_piece = True
        try:
            async with contextlib.aclosing(self.engine.stream(utterance.request)) as pieces:
                async for piece in pieces:
                    if first_piece:
                        self._metric("decision_to_first_token", utterance.decided_at, utterance.id)
                        first_piece = False
                    for sentence in splitter.feed(piece):
                        await self._sentence(utterance, sentence, ready)
            tail = splitter.flush()
            if tail:
                await self._sentence(utterance, tail, ready)
        except asyncio.CancelledError:
            raise
        except Exception:
            # Say what was already complete, let the player finish it, then report the failure.
            tail = splitter.flush()
            if tail and tail[-1] in TERMINATORS | CLOSERS:
                await self._sentence(utterance, tail, ready)
            await ready.put(_END)
            raise
        await ready.put(_END)

    async def _sentence(
        self, utterance: Utterance, text: str, ready: asyncio.Queue[tuple[int, str, np.ndarray] | None]
    ) -> None:
        rule = self.guard(text)
        if rule is not None:
            self.publish(Filtered(of="reply_sentence", reason="banned_word", rule=rule))
            if not self.banned_reply:
                return
            text = self.banned_reply
        index = len(utterance.sentences)
        utterance.sentences.append(text)
        if index == 0:
            self._metric("decision_to_first_sentence", utterance.decided_at, utterance.id)
        self.publish(
            ReplySentence(utterance_id=utterance.id, index=index, text=text, engine=self.engine.name)
        )
        began = time.perf_counter()
        samples = await self.tts.synthesize(text) if self.tts is not None else _silence_for(text)
        if index == 0:
            self._metric("tts_first_sentence", began, utterance.id)
        await ready.put((index, text, samples))

    async def _play(
        self, utterance: Utterance, ready: asyncio.Queue[tuple[int, str, np.ndarray] | None]
    ) -> None:
        rate = self.tts.sample_rate if self.tts is not None else _SILENT_RATE
        while (item := await ready.get()) is not None:
            if utterance.closing:
                break
            index, text, samples = item
            if index == 0:
                self._metric("decision_to_first_audio", utterance.decided_at, utterance.id)
                if utterance.arrived_at is not None:
                    self._metric("arrival_to_first_audio", utterance.arrived_at, utterance.id)
            self.publish(
                Audio(
                    utterance_id=utterance.id,
                    index=index,
                    text=text,
                    duration_s=round(len(samples) / rate, 3),
                    sample_rate=rate,
                    sink=self.sink.name,
                )
            )
            await self.sink.play(utterance.id, samples, rate, utterance.stopped)
            if utterance.closing:
                break
        if utterance.closing:
            utterance.stopped.set()  # the sentence ended; the rest is dropped

    def _metric(self, name: str, since: float, utterance_id: int) -> None:
        self.publish(Metric(name=name, ms=(time.perf_counter() - since) * 1000.0, utterance_id=utterance_id))


_SILENT_RATE = 16000


def _silence_for(text: str) -> np.ndarray:
    """Text-only mode: hold the turn for about as long as reading the text takes."""
    return np.zeros(int(_SILENT_RATE * max(0.5, len(text) / 5.0)), dtype=np.float32)
