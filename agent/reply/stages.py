"""The stages of one reply, each a small coroutine joined to the next by a bounded queue.

generate + split: the engine's text stream cut into sentences (the first at its
first clause) -> guard: output moderation and "is there anything to say" ->
synthesize: TTS in a worker thread, sentence N+1 while N plays -> play: the
sink, with timing events (``Audio`` when a sentence starts, ``AudioEnded`` when
it stops) that OBS, the overlay and the echo guard follow.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from agent.audio.sinks import AudioSink
from agent.brain.endorse import evaluates, may_endorse
from agent.bus import Publish
from agent.events import Audio, AudioEnded, Filtered, Metric, ReplySentence
from agent.reply.answering import Answering
from agent.reply.sentences import CLOSERS, TERMINATORS, SentenceSplitter
from agent.reply.utterance import Utterance
from agent.shared.cleantext import clean_text
from agent.shared.loading import ModelSlot
from agent.tts.backup import speak
from agent.tts.base import TTSEngine, TTSUnavailable
from agent.tts.text import speakable
from agent.vocabulary import FilterReason

# Returns the matched rule when a sentence must not be said.
Guard = Callable[[str], str | None]

SILENT_RATE = 16000
log = logging.getLogger(__name__)
_END = None


@dataclass(frozen=True, slots=True)
class Spoken:
    """A sentence ready to play."""

    index: int
    text: str
    samples: np.ndarray
    sample_rate: int


@dataclass
class Stages:
    """What every utterance's stages share: the engines, the sink and the bus."""

    engine: Answering
    tts: ModelSlot[TTSEngine]
    sink: AudioSink
    guard: Guard
    publish: Publish
    banned_reply: str = ""
    first_clause: bool = True
    volume: float = 1.0

    def metric(self, name: str, since: float, utterance: Utterance) -> None:
        self.publish(Metric(name=name, ms=(time.perf_counter() - since) * 1000.0, utterance_id=utterance.id))

    # --- generate + split + guard -------------------------------------------

    async def generate(self, u: Utterance, out: asyncio.Queue[str | None]) -> None:
        """Engine pieces -> sentences that may be said. A failing engine keeps what was complete."""
        splitter = SentenceSplitter(first_clause=self.first_clause)
        first_piece = True
        try:
            async with contextlib.aclosing(self.engine.stream(u.request)) as pieces:
                async for piece in pieces:
                    if first_piece:
                        self.metric("decision_to_first_token", u.decided_at, u)
                        first_piece = False
                    for sentence in splitter.feed(piece):
                        await self._cleared(u, sentence, out)
            tail = splitter.flush()
            if tail:
                await self._cleared(u, tail, out)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            u.failure = exc
            tail = splitter.flush()
            if tail and tail[-1] in TERMINATORS | CLOSERS:
                await self._cleared(u, tail, out)
        await out.put(_END)

    async def _cleared(self, u: Utterance, text: str, out: asyncio.Queue[str | None]) -> None:
        # Model output is as untrusted as chat: cleaned once, here, as the sources clean theirs.
        text = clean_text(text)
        extra = u.request.extra
        if evaluates(text) and not may_endorse(extra.get("tags", "").split(","), extra.get("text", "")):
            # Never endorse an order, a claim or an insult, whatever the engine wrote.
            self.publish(Filtered(of="reply_sentence", reason=FilterReason.ENDORSEMENT, rule=text[:40]))
            return
        rule = self.guard(text)
        if rule is not None:
            self.publish(Filtered(of="reply_sentence", reason="banned_word", rule=rule))
            if not self.banned_reply:
                return
            text = self.banned_reply
        if not speakable(text):
            return  # only emoji or symbols: nothing to say, nothing to show
        index = len(u.sentences)
        u.sentences.append(text)
        if index == 0:
            self.metric("decision_to_first_sentence", u.decided_at, u)
        # Behind the breaker, the engine that actually wrote this reply (the template's when it fell back).
        engine = self.engine.answered_by(u.id)
        self.publish(ReplySentence(utterance_id=u.id, index=index, text=text, engine=engine))
        await out.put(text)

    # --- synthesize ---------------------------------------------------------

    async def synthesize(
        self, u: Utterance, sentences: asyncio.Queue[str | None], out: asyncio.Queue[Spoken | None]
    ) -> None:
        tts = await self.tts.get()  # waits while the voice is still loading
        index = 0
        while (text := await sentences.get()) is not None:
            began = time.perf_counter()
            if tts is None:
                samples, rate = _silence_for(text), SILENT_RATE
            else:
                try:  # a voice with a backup (agent.tts.backup) never raises here
                    samples, rate = await speak(tts, text)
                except TTSUnavailable as exc:
                    log.warning("tts: %s; this sentence is shown, not said (set tts.backup)", exc)
                    samples, rate = _silence_for(text), SILENT_RATE
            if index == 0:
                self.metric("tts_first_sentence", began, u)
            await out.put(Spoken(index, text, samples, rate))
            index += 1
        await out.put(_END)

    # --- play ---------------------------------------------------------------

    async def play(self, u: Utterance, ready: asyncio.Queue[Spoken | None]) -> None:
        while not u.closing and (item := await ready.get()) is not None:
            if u.stopped.is_set():
                return  # stopped while this sentence was being synthesised: never started
            if item.index == 0:
                self.metric("decision_to_first_audio", u.decided_at, u)
                if u.arrived_at is not None:
                    self.metric("arrival_to_first_audio", u.arrived_at, u)
            samples = item.samples
            if self.volume != 1.0:
                samples = np.clip(samples * self.volume, -1.0, 1.0)
            duration = len(samples) / item.sample_rate
            u.spoken.append(item.text)
            u.progress_at = time.perf_counter()
            self.publish(
                Audio(
                    utterance_id=u.id,
                    index=item.index,
                    text=item.text,
                    duration_s=round(duration, 3),
                    sample_rate=item.sample_rate,
                    sink=self.sink.name,
                    said=u.text,
                )
            )
            started = time.perf_counter()
            played: float | None = None
            try:
                played = await self.sink.play(u.id, samples, item.sample_rate, u.stopped, text=item.text)
            finally:
                if played is None:  # cancelled mid-sentence: as far as the sink got
                    played = self.sink.playhead.get(u.id, min(duration, time.perf_counter() - started))
                # Also when cancelled (a hard stop): the echo guard and OBS must hear it ended.
                self.publish(
                    AudioEnded(
                        utterance_id=u.id,
                        index=item.index,
                        text=item.text,
                        played_s=round(played, 3),
                        cut=u.stopped.is_set() or played < duration - 1e-3,
                    )
                )
        if u.closing:
            u.stopped.set()  # the sentence ended; the rest is dropped


def _silence_for(text: str) -> np.ndarray:
    """Text-only mode: hold the turn for about as long as reading the text takes."""
    return np.zeros(int(SILENT_RATE * max(0.5, len(text) / 5.0)), dtype=np.float32)
