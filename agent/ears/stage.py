"""The mic stage: mic blocks -> Silero -> segmenter -> streamer_voice at once, transcripts after ASR.

Runs like a source (``await ears.run(publish)``). Silero runs inline on the
loop: it costs 0.1-0.2 ms per 32 ms chunk here (bench/bench_asr.py), about what a
thread handoff would. The ASR engine runs in a worker thread, one segment at a time
and in order, fed through a small queue, so a slow transcription never holds
up the mic or the "streamer started talking" event.

The echo guard: the runtime calls ``observe`` with the bot's ``Audio`` (a
sentence started, lasting ``duration_s``), ``AudioEnded`` and ``UtteranceDone``.
With ``asr.echo_guard = "gate"`` each sentence closes the mic from when it
started until it has ended (its ``AudioEnded``: earlier when cut, later when a busy
machine's audio runs behind; at most ``LATE_S`` past its length when that never
arrives) plus ``asr.echo_tail_s``, on the runtime clock that also stamps the mic's blocks.
Blocks in that time are replaced by silence before the VAD, so the bot's own
voice never becomes a transcript or a barge-in; a segment in progress when the
gate closes is ended and transcribed without the gated part. ``"none"``
(headphones) hears everything, so the streamer can interrupt by voice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from typing import Protocol

import numpy as np

from agent.bus import Publish
from agent.config_speech import AsrConfig, VadConfig
from agent.ears.base import AsrUnavailable, Heard, Transcriber
from agent.ears.capture import SAMPLE_RATE, Level, Mic
from agent.ears.segmenter import Segmenter, SegmentEvent, SpeechEnded, SpeechStarted
from agent.events import Audio, AudioEnded, Event, Metric, StreamerVoice, Transcript, UtteranceDone
from agent.shared.cleantext import clean_text
from agent.shared.loading import ModelSlot

log = logging.getLogger(__name__)


# Segments waiting for ASR, with when each was closed (perf_counter); None ends the worker.
Pending = asyncio.Queue[tuple[SpeechEnded, float] | None]

MIN_AUDIO_S = 0.1  # shorter segments (a cut inside a pause) are not worth a whisper call


class Vad(Protocol):
    def feed(self, samples: np.ndarray) -> Iterator[tuple[np.ndarray, float]]:
        """Every whole chunk buffered so far with its speech probability."""
        ...

    def reset(self) -> None: ...


def to_transcript(segment: SpeechEnded, piece: Heard) -> Transcript:
    """A transcriber's piece of a segment as the bus event, timed on the mic's timeline."""
    start = min(segment.start + piece.start, segment.end)
    return Transcript(
        text=clean_text(piece.text),  # cleaned once, as the sources clean chat
        final=True,
        language=piece.language,
        start=round(start, 3),
        end=round(max(start, min(segment.start + piece.end, segment.end)), 3),
        confidence=round(piece.confidence, 3),
    )


class Listener:
    """VAD + segmenter over blocks of any size: the same code for the live mic and `cohost transcribe`."""

    def __init__(self, vad_cfg: VadConfig, vad: Vad) -> None:
        self.vad = vad
        self.segmenter = Segmenter(vad_cfg, SAMPLE_RATE)

    def feed(self, samples: np.ndarray) -> list[SegmentEvent]:
        events: list[SegmentEvent] = []
        for chunk, prob in self.vad.feed(samples):
            events.extend(self.segmenter.process(chunk, prob))
        return events

    def flush(self) -> list[SegmentEvent]:
        return self.segmenter.flush()


# How far past its length a sentence may still be playing before its AudioEnded arrives (a
# loaded machine's audio server and event loop run behind); the mic reopens then even if the
# AudioEnded was lost, so the ears are never deaf for long.
LATE_S = 5.0


class EchoGate:
    """When the mic must not hear the bot: one interval per sentence, on the runtime clock."""

    def __init__(self, mode: str, tail_s: float) -> None:
        self.enabled = mode == "gate"
        self.tail_s = tail_s
        # (utterance, sentence) -> (from, until, whether it has ended); a sentence still
        # playing keeps the mic closed up to LATE_S past ``until``.
        self._spans: dict[tuple[int, int], tuple[float, float, bool]] = {}

    def observe(self, event: Event, now: float) -> None:
        if not self.enabled:
            return
        if isinstance(event, Audio):
            until = now + event.duration_s + self.tail_s
            self._spans[(event.utterance_id, event.index)] = (now, until, False)
        elif isinstance(event, AudioEnded):
            self._ended(lambda key: key == (event.utterance_id, event.index), now)
        elif isinstance(event, UtteranceDone):
            self._ended(lambda key: key[0] == event.utterance_id, now)

    def _ended(self, which: Callable[[tuple[int, int]], bool], now: float) -> None:
        # Stopped (early when cut, late when the audio ran behind): deaf for the tail from now.
        for key, (began, _, _) in list(self._spans.items()):
            if which(key):
                self._spans[key] = (began, now + self.tail_s, True)

    def covers(self, begin: float, end: float) -> bool:
        """Does any bot audio (plus tail) overlap the mic time ``[begin, end]``?"""
        spans = {
            key: (began, until if ended else until + LATE_S)
            for key, (began, until, ended) in self._spans.items()
        }
        # Blocks come in time order: spans that ended before this block never matter again.
        for key, (_, until) in spans.items():
            if until < begin:
                del self._spans[key]
        return any(began <= end and begin <= until for began, until in spans.values())


class Ears:
    """The streamer's mic as a stage: ``StreamerVoice`` and ``Transcript`` events on the bus."""

    def __init__(
        self,
        cfg: AsrConfig,
        mic: Mic,
        transcriber: Transcriber | ModelSlot[Transcriber],
        *,
        vad: Vad | None = None,
        max_pending: int = 8,
    ) -> None:
        """``transcriber``: the engine, or the slot it loads into in the background (the
        stage awaits it: ``model()``); ``vad`` defaults to Silero."""
        self.cfg = cfg
        self.mic = mic
        self._slot: ModelSlot[Transcriber] | None = None
        self.transcriber: Transcriber | None = None
        if isinstance(transcriber, ModelSlot):
            self._slot = transcriber
        else:
            self.transcriber = transcriber
        self._vad = vad
        self.listener: Listener | None = None
        self.gate = EchoGate(cfg.echo_guard, cfg.echo_tail_s)
        self._max_pending = max_pending
        self.speaking = False
        self.segments = 0  # segments handed to ASR
        self.transcripts = 0  # transcripts published
        self.dropped_segments = 0  # oldest segments dropped because ASR fell behind
        self.gated_s = 0.0  # mic seconds replaced by silence by the echo guard
        self._unfinished = 0  # segments handed to ASR and not yet transcribed (or dropped)
        self._errors_seen: set[str] = set()

    def level(self) -> Level:
        return self.mic.level()

    def busy(self) -> bool:
        """The streamer is talking, or what they said is still being transcribed."""
        return self.speaking or self._unfinished > 0

    def observe(self, event: Event, now: float | None = None) -> None:
        """The bot's own audio events, for the echo guard (``now``: runtime clock, default the mic's)."""
        self.gate.observe(event, self.mic.clock.now() if now is None else now)

    def status(self) -> dict[str, object]:
        """For /api/status: the live mic level, whether the streamer is talking, and counters."""
        level = self.level()
        return {
            "mic": self.mic.name,
            "speaking": self.speaking,
            "level": level.state,
            "rms_dbfs": level.rms_dbfs,
            "peak_dbfs": level.peak_dbfs,
            "segments": self.segments,
            "transcripts": self.transcripts,
            "dropped_segments": self.dropped_segments,
            "gated_s": round(self.gated_s, 2),
        }

    async def model(self) -> Transcriber | None:
        """The transcriber, once its slot has settled (None when it failed to load or is off)."""
        if self.transcriber is None and self._slot is not None:
            self.transcriber = await self._slot.get()
        return self.transcriber

    async def run(self, publish: Publish) -> None:
        """Listen until cancelled, or until a file mic ends and its last segment is transcribed."""
        if await self.model() is None:
            raise RuntimeError(f"Ears.run: no transcriber ({self._slot.status() if self._slot else 'none'})")
        if self.listener is None:
            vad = self._vad
            if vad is None:
                from agent.ears.silero import SileroVad

                vad = SileroVad()
            self.listener = Listener(self.cfg.vad, vad)
        pending: Pending = asyncio.Queue(self._max_pending)
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._transcribe_all(pending, publish), name="ears-asr")
            await self._listen(pending, publish)
            await pending.put(None)  # the mic ended: finish what is queued, then stop

    async def _listen(self, pending: Pending, publish: Publish) -> None:
        assert self.listener is not None
        listener = self.listener
        was_gated = False
        async for block in self.mic.blocks():
            samples = block.samples
            events: list[SegmentEvent] = []
            duration = len(samples) / SAMPLE_RATE
            gated = self.gate.covers(block.t - duration, block.t)
            if gated:
                if not was_gated:
                    events.extend(listener.flush())
                samples = np.zeros_like(samples)
                self.gated_s += duration
            was_gated = gated
            events.extend(listener.feed(samples))
            for event in events:
                self._handle(event, pending, publish)
        for event in listener.flush():
            self._handle(event, pending, publish)

    def _handle(self, event: SegmentEvent, pending: Pending, publish: Publish) -> None:
        if isinstance(event, SpeechStarted):
            self.speaking = True
            publish(StreamerVoice(speaking=True))
            return
        if not event.cut:
            self.speaking = False
            publish(StreamerVoice(speaking=False))
        if len(event.audio) >= MIN_AUDIO_S * SAMPLE_RATE:
            self.segments += 1
            self._offer(pending, (event, time.perf_counter()))

    def _offer(self, pending: Pending, item: tuple[SpeechEnded, float]) -> None:
        if pending.full():
            # ASR is behind by max_pending segments: the oldest speech is the least useful.
            with contextlib.suppress(asyncio.QueueEmpty):
                pending.get_nowait()
                self.dropped_segments += 1
                self._unfinished -= 1
                log.warning("asr: falling behind the mic; dropped the oldest segment")
        pending.put_nowait(item)
        self._unfinished += 1

    async def _transcribe_all(self, pending: Pending, publish: Publish) -> None:
        while (item := await pending.get()) is not None:
            segment, closed_at = item
            assert self.transcriber is not None
            try:
                heard = await asyncio.to_thread(self.transcriber.transcribe, segment.audio)
            except Exception as exc:
                self._report(exc)
                continue
            finally:
                self._unfinished -= 1
            for piece in heard:
                publish(to_transcript(segment, piece))
                self.transcripts += 1
            if heard:
                ms = (time.perf_counter() - closed_at) * 1000
                publish(Metric(name="asr_segment_to_transcript", ms=round(ms, 1)))

    def _report(self, exc: Exception) -> None:
        # Once per distinct problem: a model that cannot load fails every segment, and the
        # stream goes on with voice activity (turn-taking, barge-in) but no transcripts.
        line = str(exc) if isinstance(exc, AsrUnavailable) else f"{type(exc).__name__}: {exc}"
        if line in self._errors_seen:
            return
        self._errors_seen.add(line)
        if isinstance(exc, AsrUnavailable):
            log.error("asr: %s", line)
        else:
            log.error("asr: transcription failed: %s", line, exc_info=exc)
