"""The demo's streamer: a voice track spoken by Kokoro from the recording's own transcripts.

The demo room recording says when the streamer talks (``streamer_voice``) and
what they say (``transcript``). With the ears on, the demo replays the room
without those lines and plays this track as the mic instead, so the streamer is
heard, segmented and transcribed live, exactly as on stream. The track is built
once (a few seconds of Kokoro) into the cache and reused.
"""

from __future__ import annotations

import hashlib
import json
import logging
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agent.audio.sinks import to_pcm16
from agent.config import KokoroTTS, TtsConfig
from agent.events import StreamerVoice, Transcript
from agent.sources.replay import Timed
from agent.tts import registry

log = logging.getLogger(__name__)

# A voice unlike the bot's (jm_kumo), so the demo's listener hears two people; of the installed
# voices it is the one Whisper base understands best reading these lines.
STREAMER_VOICE = "jf_gongitsune"
SPOKEN_BY_MIC = frozenset({"streamer_voice", "transcript"})


@dataclass(frozen=True, slots=True)
class Line:
    start: float  # seconds from the recording's start
    text: str


def streamer_lines(events: list[Timed]) -> list[Line]:
    """Each transcript, placed where the streamer started the turn it ends."""
    origin = events[0].mono if events else 0.0
    lines: list[Line] = []
    began: float | None = None
    for timed in events:
        event = timed.event
        if isinstance(event, StreamerVoice) and event.speaking:
            began = timed.mono - origin
        elif isinstance(event, Transcript) and event.text.strip():
            start = began if began is not None else timed.mono - origin
            lines.append(Line(start, event.text.strip()))
            began = None
    return lines


def track_path(cache_dir: Path, lines: list[Line], voice: str = STREAMER_VOICE) -> Path:
    key = json.dumps([voice, [(line.start, line.text) for line in lines]], ensure_ascii=False)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_dir / f"demo-streamer-{digest}.wav"


def build_track(lines: list[Line], path: Path, voice: str = STREAMER_VOICE) -> Path:
    """Speak every line with Kokoro at its place on one timeline; write a 16-bit WAV (blocking)."""
    if path.is_file():
        return path
    from rich.progress import Progress

    engine = registry.create(TtsConfig(kokoro=KokoroTTS(voice=voice)), "kokoro")
    engine.load()
    rate = engine.sample_rate
    pieces: list[tuple[int, np.ndarray]] = []
    with Progress(transient=True) as progress:
        task = progress.add_task("demo streamer voice (Kokoro, once)", total=len(lines))
        for line in lines:
            pieces.append((int(line.start * rate), engine.synthesize(line.text)))
            progress.advance(task)
    end = max((at + len(samples) for at, samples in pieces), default=0) + rate  # a second of room tone
    track = np.zeros(end, dtype=np.float32)
    for at, samples in pieces:
        track[at : at + len(samples)] += samples
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(to_pcm16(track))
    partial.replace(path)  # never a half-written track under the final name
    log.info("demo streamer voice: %d lines, %.0f s, in %s", len(lines), end / rate, path)
    return path
