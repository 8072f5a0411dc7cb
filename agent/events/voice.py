"""Voices: the streamer's (voice activity, transcripts) and the bot's reply, sentence by
sentence, as it is written, played and finished."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from agent.events.base import ARRIVAL, Lane


@dataclass(frozen=True, slots=True, kw_only=True)
class Transcript:
    """The streamer's own speech, from ASR.

    ``start``/``end`` are seconds on the mic's own timeline (since capture began,
    or into the file for `cohost transcribe`); ``confidence`` is in [0, 1].
    """

    type: ClassVar[str] = "transcript"
    lane: ClassVar[Lane] = Lane.DATA
    text: str
    final: bool = True
    language: str = ""
    start: float = 0.0
    end: float = 0.0
    confidence: float = 0.0
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamerVoice:
    """Voice activity on the streamer's mic: they started or stopped talking."""

    type: ClassVar[str] = "streamer_voice"
    lane: ClassVar[Lane] = Lane.CONTROL
    speaking: bool
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplySentence:
    """One sentence of the bot's reply, cleared by moderation, about to be spoken."""

    type: ClassVar[str] = "reply_sentence"
    lane: ClassVar[Lane] = Lane.DATA
    utterance_id: int
    index: int
    text: str
    engine: str = ""
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class Audio:
    """A sentence's audio started playing (or was written to a file); ``said`` is the reply as
    heard so far, this sentence included, joined once (agent/reply/sentences.py) for display."""

    type: ClassVar[str] = "audio"
    lane: ClassVar[Lane] = Lane.DATA
    utterance_id: int
    index: int
    text: str
    duration_s: float
    sample_rate: int
    sink: str = ""
    said: str = ""
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class AudioEnded:
    """A sentence's audio stopped: played to its end, or cut after ``played_s`` seconds."""

    type: ClassVar[str] = "audio_ended"
    lane: ClassVar[Lane] = Lane.DATA
    utterance_id: int
    index: int
    text: str
    played_s: float
    cut: bool = False
    at: float = ARRIVAL


@dataclass(frozen=True, slots=True, kw_only=True)
class UtteranceDone:
    """A reply finished: spoken to the end, interrupted, or failed; ``text`` is what was said."""

    type: ClassVar[str] = "utterance_done"
    lane: ClassVar[Lane] = Lane.CONTROL
    utterance_id: int
    outcome: Literal["spoken", "interrupted", "failed", "empty"] = "spoken"
    sentences: int = 0
    text: str = ""
    planned: str = ""  # every sentence written for it (more than ``text`` when cut off)
    cause: str = ""  # what cut it off or broke it: streamer, mute, skip, say, reset, timeout, an error
    at: float = ARRIVAL
