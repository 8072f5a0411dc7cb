"""espeak-ng speech: offline everywhere, Mandarin through the cmn-latn-pinyin voice."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
import wave

import numpy as np

from agent.config import EspeakTTS
from agent.tts.base import TTSUnavailable


def wav_to_samples(data: bytes) -> tuple[np.ndarray, int]:
    """Decode a 16-bit PCM WAV into mono float32 samples and its rate."""
    with wave.open(io.BytesIO(data)) as wav:
        rate = wav.getframerate()
        channels = wav.getnchannels()
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    samples = pcm.astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


class EspeakEngine:
    name = "espeak"

    def __init__(self, cfg: EspeakTTS) -> None:
        self.cfg = cfg
        self.sample_rate = 22050
        self._binary = ""

    async def load(self) -> None:
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise TTSUnavailable(
                "espeak-ng is not installed: `sudo apt install espeak-ng` (Windows: install espeak-ng "
                'and add it to PATH), or set tts.engine = "none"'
            )
        self._binary = binary
        voices = subprocess.run(
            [binary, f"--voices={self.cfg.voice.split('-')[0]}"], capture_output=True, text=True, timeout=10
        ).stdout
        if self.cfg.voice not in voices.split():
            raise TTSUnavailable(
                f"espeak-ng has no voice {self.cfg.voice!r}: see `espeak-ng --voices`, set tts.espeak.voice"
            )
        self.sample_rate = (await self._run("你好"))[1]

    async def synthesize(self, text: str) -> np.ndarray:
        samples, _ = await self._run(text)
        return samples

    async def _run(self, text: str) -> tuple[np.ndarray, int]:
        # Text goes in on stdin, never as an argument, so a message cannot pass options.
        proc = await asyncio.create_subprocess_exec(
            self._binary or "espeak-ng",
            "-v",
            self.cfg.voice,
            "-s",
            str(self.cfg.words_per_minute),
            "-p",
            str(self.cfg.pitch),
            "--stdout",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await proc.communicate(text.encode("utf-8"))
        except asyncio.CancelledError:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            raise
        if proc.returncode != 0 or not out:
            raise TTSUnavailable(
                f"espeak-ng failed ({proc.returncode}): {err.decode(errors='replace').strip()[:200]}"
            )
        return wav_to_samples(out)
