"""The pure speech segmenter: 16 kHz chunks with a speech probability in, speech segments out.

In the style of Home Assistant's ``VoiceCommandSegmenter.process(chunk_seconds,
is_speech)``: no clock reads, no I/O, no model. Time is the mic's own sample
timeline (samples fed so far / sample rate), so a test feeds a synthetic
timeline and gets exact, repeatable answers.

- ``min_speech_s`` of continuous speech starts a segment; ``SpeechStarted`` is
  returned at once (the streamer started talking: the brain yields the floor),
  dated at the onset of that speech.
- ``min_silence_s`` of continuous non-speech ends it: ``SpeechEnded`` with the
  audio from ``pre_roll_s`` before the onset to ``pre_roll_s`` after the last
  speech (so the first and last syllables are not clipped).
- ``max_segment_s`` cuts a long segment: ``SpeechEnded(cut=True)`` hands that
  part to ASR while the streamer is still talking; the next part follows on.

Like Silero's own ``get_speech_timestamps``, a chunk counts as speech above
``threshold`` and, once speaking, stays speech down to ``threshold - 0.15``, so a
word's quiet tail does not end the segment early.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from agent.config_speech import VadConfig

SAMPLE_RATE = 16_000

# Silero's hysteresis (faster_whisper.vad.VadOptions.neg_threshold's default).
HYSTERESIS = 0.15


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """The streamer started talking; ``t`` is the onset on the mic timeline (seconds)."""

    t: float


@dataclass(frozen=True, slots=True)
class SpeechEnded:
    """A segment for ASR: ``audio`` covers ``[start, end)`` on the mic timeline.

    ``t`` is when it was closed. ``cut`` means max_segment_s was reached and the
    streamer is still talking. ``audio`` is empty when the segment held no speech
    (a cut landed in a pause): nothing to transcribe, but the end still counts.
    """

    t: float
    audio: np.ndarray = field(repr=False, compare=False)
    start: float
    end: float
    cut: bool = False


SegmentEvent = SpeechStarted | SpeechEnded


class Segmenter:
    def __init__(self, vad: VadConfig, sample_rate: int = SAMPLE_RATE) -> None:
        self.sample_rate = sample_rate
        self.threshold = vad.threshold
        self.neg_threshold = max(vad.threshold - HYSTERESIS, 0.01)
        self._min_speech = round(vad.min_speech_s * sample_rate)
        self._min_silence = round(vad.min_silence_s * sample_rate)
        self._max_segment = round(vad.max_segment_s * sample_rate)
        self._pad = round(vad.pre_roll_s * sample_rate)
        self._pos = 0  # samples fed so far: the timeline
        # Recent chunks as (start sample, samples): enough for the pre-roll plus a
        # speech run that has not yet reached min_speech.
        self._recent: deque[tuple[int, np.ndarray]] = deque()
        self._recent_keep = self._pad + self._min_speech
        self._run_start: int | None = None  # onset of the current speech run (idle)
        self._speaking = False
        self._parts: list[np.ndarray] = []  # the open segment's audio
        self._seg_start = 0
        self._last_speech_end = 0  # sample just after the last speech chunk
        self._silence = 0  # samples of non-speech since the last speech chunk
        self._handed_until = 0  # end of the last segment handed over

    @property
    def speaking(self) -> bool:
        return self._speaking

    @property
    def now(self) -> float:
        """The end of what was fed, in seconds on the mic timeline."""
        return self._pos / self.sample_rate

    def process(self, chunk: np.ndarray, speech_prob: float) -> list[SegmentEvent]:
        """Feed one chunk (any length) and its speech probability (or 0/1 flag)."""
        begin, self._pos = self._pos, self._pos + len(chunk)
        self._remember(begin, chunk)
        if self._speaking:
            return self._while_speaking(chunk, speech_prob >= self.neg_threshold)
        return self._while_idle(begin, speech_prob >= self.threshold)

    def flush(self) -> list[SegmentEvent]:
        """End a segment in progress now (end of input, or the echo gate closed the mic)."""
        self._run_start = None
        if not self._speaking:
            return []
        return [self._close(cut=False)]

    # --- states ---------------------------------------------------------------

    def _while_idle(self, begin: int, is_speech: bool) -> list[SegmentEvent]:
        if not is_speech:
            self._run_start = None
            return []
        if self._run_start is None:
            self._run_start = begin
        if self._pos - self._run_start < self._min_speech:
            return []
        onset, self._run_start = self._run_start, None
        self._speaking = True
        # The pre-roll never reaches back into audio an earlier segment already handed
        # over, nor makes the segment longer than max_segment_s on its own.
        earliest = max(self._recent[0][0], self._handed_until, self._pos - self._max_segment)
        self._seg_start = max(onset - self._pad, earliest)
        self._parts = [
            part[max(0, self._seg_start - at) :]
            for at, part in self._recent
            if at + len(part) > self._seg_start
        ]
        self._last_speech_end = self._pos
        self._silence = 0
        events: list[SegmentEvent] = [SpeechStarted(onset / self.sample_rate)]
        return events + self._cut_if_long()

    def _while_speaking(self, chunk: np.ndarray, is_speech: bool) -> list[SegmentEvent]:
        self._parts.append(chunk)
        if is_speech:
            self._silence = 0
            self._last_speech_end = self._pos
        else:
            self._silence += len(chunk)
            if self._silence >= self._min_silence:
                return [self._close(cut=False)]
        return self._cut_if_long()

    def _cut_if_long(self) -> list[SegmentEvent]:
        if self._pos - self._seg_start < self._max_segment:
            return []
        ended = self._close(cut=True)
        # Still speaking: the next part starts where this one stopped, with no pre-roll
        # (its audio is already in the part just handed over).
        self._speaking = True
        self._seg_start = self._pos
        self._parts = []
        return [ended]

    def _close(self, *, cut: bool) -> SpeechEnded:
        audio = np.concatenate(self._parts) if self._parts else np.zeros(0, np.float32)
        start = self._seg_start
        if cut:
            end = self._pos
            if self._last_speech_end <= start:  # a cut inside a pause: nothing said
                audio, end = audio[:0], start
        elif self._last_speech_end <= start:  # ended before anything was said since a cut
            end = start
            audio = audio[:0]
        else:
            end = min(self._pos, self._last_speech_end + self._pad)
            audio = audio[: end - start]
        self._speaking = False
        self._parts = []
        self._handed_until = end
        rate = self.sample_rate
        return SpeechEnded(t=self._pos / rate, audio=audio, start=start / rate, end=end / rate, cut=cut)

    def _remember(self, begin: int, chunk: np.ndarray) -> None:
        self._recent.append((begin, chunk))
        # Keep whole chunks covering the pre-roll before a run that reaches min_speech
        # within this chunk: pad + min_speech + this chunk's length.
        keep = self._recent_keep + len(chunk)
        while len(self._recent) > 1 and self._recent[1][0] <= self._pos - keep:
            self._recent.popleft()
