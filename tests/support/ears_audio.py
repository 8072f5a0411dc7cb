"""Audio for the ears' tests: speech WAVs (Kokoro, else espeak-ng), silence, the assembled base model,
and a mic listener to run in a subprocess under a private PulseAudio.

Speech and the assembled Whisper base are cached under pytest's session
temporary folder, so the slow parts (Kokoro synthesis, joining 145 MB) happen
once per test run. Run as a module, it listens on a real sound device and
prints every event as a JSON line (``python -m tests.support.ears_audio --help``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import wave
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np

from tests.support.requires import require

GREETING = "大家好，欢迎来到直播间。今天我们一起玩黑神话悟空。"
ESPEAK_GREETING = "欢迎大家来到直播间"

ESPEAK = shutil.which("espeak-ng")


def write_wav(path: Path, samples: np.ndarray, rate: int, channels: int = 1) -> Path:
    """A 16-bit PCM WAV; ``samples`` is float in [-1, 1], shaped (n,) or (n, channels)."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as source:
        rate = source.getframerate()
        data = np.frombuffer(source.readframes(source.getnframes()), "<i2").astype(np.float32) / 32768
        channels = source.getnchannels()
    return (data.reshape(-1, channels).mean(axis=1) if channels > 1 else data), rate


def kokoro_wav(cache: Path, text: str = GREETING) -> Path:
    """``text`` spoken by the Kokoro engine (through the TTS registry), cached by text."""
    from agent.config_speech import TtsConfig
    from agent.tts import registry
    from agent.tts.text import say

    path = cache / f"kokoro-{hashlib.sha1(text.encode()).hexdigest()[:10]}.wav"
    if not path.exists():
        engine = registry.create(TtsConfig(), "kokoro")
        engine.load()
        write_wav(path, say(engine, text), engine.sample_rate)
    return path


def espeak_wav(cache: Path, text: str = ESPEAK_GREETING, *, speed: int = 150) -> Path:
    """``text`` spoken by espeak-ng's Mandarin voice (22.05 kHz): robotic, but whisper base gets 欢迎."""
    require("espeak-ng", why="the stand-in streamer's voice")
    path = cache / f"espeak-{speed}-{hashlib.sha1(text.encode()).hexdigest()[:10]}.wav"
    if not path.exists():
        subprocess.run(
            [ESPEAK, "-v", "cmn-latn-pinyin", "-s", str(speed), "-w", str(path), text], check=True, timeout=60
        )
    return path


def with_silence(source: Path, out: Path, before_s: float = 1.0, after_s: float = 1.0) -> Path:
    """``source`` with silence around it, at its own rate."""
    samples, rate = read_wav(source)
    pad = lambda seconds: np.zeros(round(seconds * rate), np.float32)  # noqa: E731
    return write_wav(out, np.concatenate([pad(before_s), samples, pad(after_s)]), rate)


def base_model(root: Path) -> Path:
    """The offline Whisper base assembled under ``root`` (instant after the first call of the run)."""
    from agent.ears.models import assemble_base

    return assemble_base(root / "whisper-base", progress=False)


# --- a listener for the subprocess tests ---------------------------------------


async def _listen(args: argparse.Namespace) -> None:
    from agent.clock import Clock
    from agent.config_speech import AsrConfig
    from agent.ears.capture import DeviceMic, MicBlock
    from agent.ears.silero import SileroVad
    from agent.ears.stage import Ears
    from agent.ears.whisper import FasterWhisperTranscriber
    from agent.events import Event, to_dict

    class ReadyMic(DeviceMic):
        async def blocks(self) -> AsyncIterator[MicBlock]:
            said = False
            async for block in super().blocks():
                if not said:
                    print(json.dumps({"type": "ready"}), flush=True)
                    said = True
                yield MicBlock(block.samples, block.t)

    cfg = AsrConfig(faster_whisper={"model": args.model})
    transcriber = FasterWhisperTranscriber(cfg.faster_whisper, progress=False)
    transcriber.load()
    mic = ReadyMic(args.device, Clock(), stall_s=args.stall_s, retry_max_s=1.0)

    def publish(event: Event) -> None:
        print(json.dumps(to_dict(event), ensure_ascii=False), flush=True)

    ears = Ears(cfg, mic, transcriber, vad=SileroVad())
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(ears.run(publish), args.seconds)
    print(json.dumps({"type": "stats", **ears.status(), **mic.stats()}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Print the ears' events from a live sound device.")
    parser.add_argument("--model", required=True, help="A Whisper model folder.")
    parser.add_argument("--device", default="pulse")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--stall-s", type=float, default=1.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    asyncio.run(_listen(args))


if __name__ == "__main__":
    main()
