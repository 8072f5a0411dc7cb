"""The demo's streamer: a voice track spoken by the native Baker voice from the recording's own transcripts.

The demo room recording says when the streamer talks (``streamer_voice``) and
what they say (``transcript``). With the ears on, the demo replays the room
without those lines and plays this track as the mic instead, so the streamer is
heard, segmented and transcribed live, exactly as on stream. The track is built
once (a few seconds of Baker) into the cache and reused. Baker is a native Mandarin
speaker, so the demo's live transcripts (and the subtitles made from them) read
as the recording says; it is a demo, not a stream, so its non-commercial licence
is no obstacle. The bot keeps its own voice (``tts.engine``), so two people are heard.
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
from agent.config import TtsConfig
from agent.events import StreamerVoice, Transcript
from agent.sources.replay import Timed
from agent.tts import registry
from agent.tts.level import limit
from agent.tts.text import say

log = logging.getLogger(__name__)

# A native Mandarin voice, unlike the bot's (Kokoro jm_kumo), so the demo's listener hears two people
# and Whisper transcribes the streamer's lines as written.
STREAMER_VOICE = "baker"
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
    """Speak every line with ``voice`` (an engine name) at its place on one timeline; write a 16-bit WAV."""
    if path.is_file():
        return path
    from rich.progress import Progress

    engine = registry.create(TtsConfig(), voice)
    engine.load()
    rate = engine.sample_rate
    pieces: list[tuple[int, np.ndarray]] = []
    with Progress(transient=True) as progress:
        task = progress.add_task(f"demo streamer voice ({voice}, once)", total=len(lines))
        for line in lines:
            pieces.append((int(line.start * rate), say(engine, line.text)))
            progress.advance(task)
    end = max((at + len(samples) for at, samples in pieces), default=0) + rate  # a second of room tone
    track = np.zeros(end, dtype=np.float32)
    for at, samples in pieces:
        track[at : at + len(samples)] += samples
    track = limit(track)  # two lines that overlap must not clip
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
