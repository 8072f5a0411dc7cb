"""espeak-ng speech: the last resort, offline everywhere, Mandarin through the cmn-latn-pinyin voice."""

from __future__ import annotations

import io
import shutil
import subprocess
import wave

import numpy as np

from agent.config_speech import EspeakTTS
from agent.shared.checks import Check, EngineInfo
from agent.tts import level
from agent.tts.base import TTSUnavailable

_NOT_INSTALLED = (
    "espeak-ng is not installed: `sudo apt install espeak-ng` (Windows: install espeak-ng "
    "and add it to PATH), or choose another tts.engine"
)
_TIMEOUT_S = 30


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


def voice_names(binary: str, voice: str) -> set[str]:
    """Names (casefolded) a voice of ``voice``'s language can be selected by: language, name, file."""
    listing = subprocess.run(
        [binary, f"--voices={voice.split('-')[0]}"], capture_output=True, text=True, timeout=10
    ).stdout
    names: set[str] = set()
    for line in listing.splitlines()[1:]:
        columns = line.split()
        if len(columns) >= 5:
            names.update(name.casefold() for name in (columns[1], columns[3], columns[4].rsplit("/", 1)[-1]))
    return names


class Engine:
    name = "espeak"

    def __init__(self, cfg: EspeakTTS) -> None:
        self.cfg = cfg
        self.sample_rate = 22050
        self._binary = ""

    def info(self) -> EngineInfo:
        return EngineInfo(
            self.name,
            "tts",
            self.sample_rate,
            languages=("zh", "en"),
            voice=self.cfg.voice,
            model="espeak-ng",
        )

    def check(self) -> Check:
        title = f"TTS espeak ({self.cfg.voice})"
        binary = shutil.which("espeak-ng")
        if binary is None:
            return Check(title, "fail", "espeak-ng is not installed", _NOT_INSTALLED.split(": ", 1)[1])
        try:
            names = voice_names(binary, self.cfg.voice)
        except (OSError, subprocess.SubprocessError) as exc:
            return Check(title, "fail", f"{binary} does not run: {exc}", "reinstall espeak-ng")
        if self.cfg.voice.casefold() not in names:
            return Check(
                title,
                "fail",
                f"espeak-ng has no voice {self.cfg.voice!r}",
                "install espeak-ng 1.51 or newer, or set tts.espeak.voice to one in `espeak-ng --voices`",
            )
        return Check(title, "ok", f"{binary}, voice {self.cfg.voice}")

    def load(self) -> None:
        if self._binary:
            return
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise TTSUnavailable(_NOT_INSTALLED)
        try:
            names = voice_names(binary, self.cfg.voice)
        except (OSError, subprocess.SubprocessError) as exc:
            raise TTSUnavailable(f"{binary} does not run ({exc}): reinstall espeak-ng") from None
        if self.cfg.voice.casefold() not in names:
            raise TTSUnavailable(
                f"espeak-ng has no voice {self.cfg.voice!r}: see `espeak-ng --voices`, set tts.espeak.voice"
            )
        self._binary = binary
        self.sample_rate = self._run("你好")[1]

    def synthesize(self, text: str) -> np.ndarray:
        self.load()
        return level.finish(self._run(text)[0], self.sample_rate)

    def _run(self, text: str) -> tuple[np.ndarray, int]:
        # Text goes in on stdin, never as an argument, so a message cannot pass options.
        command = [self._binary, "-v", self.cfg.voice, "-s", str(self.cfg.words_per_minute)]
        command += ["-p", str(self.cfg.pitch), "--stdout"]
        try:
            proc = subprocess.run(
                command, input=text.encode("utf-8"), capture_output=True, timeout=_TIMEOUT_S
            )
        except subprocess.TimeoutExpired:
            raise TTSUnavailable(f"espeak-ng took over {_TIMEOUT_S} s for one sentence") from None
        if proc.returncode != 0 or not proc.stdout:
            detail = proc.stderr.decode(errors="replace").strip()[:200]
            raise TTSUnavailable(f"espeak-ng failed ({proc.returncode}): {detail}")
        return wav_to_samples(proc.stdout)


# The name this engine had before the registry; kept for code that still imports it.
EspeakEngine = Engine
