"""The reply pipeline: one utterance at a time, its stages run under one TaskGroup.

The brain orders a reply (``answer``: its prompt is built here, by ``prompter``;
``start`` takes a ready request) and may stop it (``interrupt``: mute, skip, the
streamer talking). Its engine is an ``Answering``: the language model it awaits
through its own slot, behind the breaker, the template until then. Each
utterance runs generate -> synthesize -> play as three tasks joined by small
queues, so sentence N+1 is written and synthesised while sentence N plays; a
stop or the hard timeout cancels all three; so does a reply with no new
sentence for ``hard_timeout_s`` (a hung model or voice). ``UtteranceDone``
reports how it ended and what was said.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from typing import Any

from agent.audio.sinks import AudioSink
from agent.bus import Publish
from agent.config import BrainConfig, LlmConfig
from agent.events import UtteranceDone
from agent.llm.base import ReplyEngine, ReplyRequest
from agent.reply.answering import Answering
from agent.reply.prompt import Prompter
from agent.reply.sentences import join_sentences
from agent.reply.stages import Guard, Spoken, Stages
from agent.reply.utterance import Outcome, Utterance
from agent.shared.loading import ModelSlot
from agent.shared.orders import ReplyOrder
from agent.tts.base import TTSEngine

log = logging.getLogger(__name__)

# Sentences cleared but not yet synthesised, and synthesised but not yet played:
# enough to overlap synthesis with playback, small enough that an interrupt wastes little.
_AHEAD = 2


class ReplyPipeline:
    def __init__(
        self,
        engine: Answering | ReplyEngine,
        tts: ModelSlot[TTSEngine] | TTSEngine | None,
        sink: AudioSink,
        guard: Guard,
        publish: Publish,
        *,
        banned_reply: str = "",
        hard_timeout_s: float = 20.0,
        first_clause: bool = True,
        volume: float = 1.0,
        prompter: Prompter | None = None,
    ) -> None:
        self.prompter = prompter or Prompter(LlmConfig(), BrainConfig())
        # A bare engine (tools, tests) answers every reply as it is.
        self.answering = engine if isinstance(engine, Answering) else Answering.fixed(engine)
        if not isinstance(tts, ModelSlot):
            tts = ModelSlot.ready_with("tts", tts) if tts is not None else ModelSlot.off("tts", "text only")
        self.stages = Stages(self.answering, tts, sink, guard, publish, banned_reply, first_clause, volume)
        self.hard_timeout_s = hard_timeout_s
        self.current: Utterance | None = None
        self._requests: asyncio.Queue[Utterance] = asyncio.Queue()
        self._waiting: deque[Utterance] = deque()  # ordered, not yet begun (in ``_requests``' order)

    @property
    def engine(self) -> Answering:
        return self.answering

    @property
    def sink(self) -> AudioSink:
        return self.stages.sink

    def answer(self, order: ReplyOrder, arrived_at: float | None) -> Utterance:
        """Start the reply the brain ordered, its prompt built for the engine answering now."""
        return self.start(self.prompter.request(order), arrived_at)

    def start(self, request: ReplyRequest, arrived_at: float | None) -> Utterance:
        utterance = Utterance(request, arrived_at)
        self._waiting.append(utterance)
        self._requests.put_nowait(utterance)
        return utterance

    def interrupt(self, utterance_id: int, *, finish_sentence: bool = False, reason: str = "") -> None:
        current = self.current
        if current is not None and current.id == utterance_id:
            current.interrupt(finish_sentence=finish_sentence, reason=reason)
        # A queued request that was overtaken before it began is dropped too.
        for queued in self._waiting:
            if queued.id == utterance_id:
                queued.interrupt(reason=reason)

    def idle(self) -> bool:
        return self.current is None and self._requests.empty()

    async def run(self) -> None:
        """Say the ordered replies one at a time; the engine's model is awaited alongside."""
        async with asyncio.TaskGroup() as tg:
            tg.create_task(self.answering.run(), name="reply: language model")
            await self._speak_in_turn()

    async def _speak_in_turn(self) -> None:
        while True:
            utterance = await self._requests.get()
            self._waiting.popleft()  # the same one: both are first in, first out
            self.current = utterance
            try:
                outcome = await self._speak(utterance)
            finally:
                self.current = None
            if not utterance.done.done():
                utterance.done.set_result(outcome)
            self.stages.publish(
                UtteranceDone(
                    utterance_id=utterance.id,
                    outcome=outcome,
                    sentences=len(utterance.sentences),
                    text=utterance.text,
                    planned=join_sentences(utterance.sentences),
                    cause=_cause(utterance, outcome),
                )
            )

    async def _speak(self, u: Utterance) -> Outcome:
        if u.stopped.is_set():
            return "interrupted"
        stages = self.stages
        sentences: asyncio.Queue[str | None] = asyncio.Queue(maxsize=_AHEAD)
        ready: asyncio.Queue[Spoken | None] = asyncio.Queue(maxsize=_AHEAD)
        timed_out = False
        try:
            async with asyncio.TaskGroup() as tg:
                work = [
                    tg.create_task(stages.generate(u, sentences), name=f"reply {u.id}: generate"),
                    tg.create_task(stages.synthesize(u, sentences, ready), name=f"reply {u.id}: synthesize"),
                ]
                play = tg.create_task(stages.play(u, ready), name=f"reply {u.id}: play")
                stop = tg.create_task(u.stopped.wait())
                timed_out = await self._until_done_or_stuck(u, {play, stop})
                for task in (*work, play, stop):
                    task.cancel()
        except* Exception as group:  # a stage itself broke (TTS or the sink), not the engine
            u.failure = group.exceptions[0]
        finally:
            with contextlib.suppress(Exception):
                await stages.sink.finish(u.id)
        if timed_out:
            log.warning("reply %d made no progress for %.0f s and was cut off", u.id, self.hard_timeout_s)
            if not u.sentences:
                # Not one sentence in all that time: the model hangs or trickles (a slow voice
                # would have had sentences waiting for it).
                self.answering.record_failure("hung", f"no sentence for {self.hard_timeout_s:.0f} s")
        if u.failure is not None:
            log.warning("reply %d failed: %s", u.id, u.failure)
        said = bool(u.spoken)
        if (u.failure is not None or timed_out) and not said:
            return "failed"
        if timed_out or u.stopped.is_set():
            return "interrupted"
        return "spoken" if said else "empty"

    async def _until_done_or_stuck(self, u: Utterance, waits: set[asyncio.Task[Any]]) -> bool:
        """Wait for playback to end or a stop; True when no sentence started for ``hard_timeout_s``
        (a hung model or voice). A long reply that keeps speaking is never cut."""
        while True:
            remaining = u.progress_at + self.hard_timeout_s - time.perf_counter()
            if remaining <= 0:
                return True
            done, _ = await asyncio.wait(waits, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
            if done:
                return False


def _cause(u: Utterance, outcome: Outcome) -> str:
    """What cut a reply off or broke it, for its log line ("" when it was spoken to the end)."""
    if outcome == "spoken":
        return ""
    if u.failure is not None:
        return f"{type(u.failure).__name__}: {u.failure}"[:120]
    return u.stopped_for or ("no progress (timeout)" if outcome != "empty" else "nothing to say")
