"""Coqui through its own loader: a random Mandarin VITS saved here, loaded back and made to speak."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from agent.config_speech import CoquiTTS
from agent.tts.base import TTSUnavailable
from agent.tts.coqui import Engine
from agent.tts.text import say
from tests.support.requires import require
from tests.support.tiny_vits import build_random_vits

HAVE_COQUI = all(importlib.util.find_spec(name) is not None for name in ("torch", "TTS"))
needs_coqui = pytest.mark.requires("torch", "TTS")


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


@pytest.fixture(scope="module")
def random_vits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("torch", "TTS", why="coqui-tts, the .[coqui] extra")
    return build_random_vits(tmp_path_factory.mktemp("vits"))


@needs_coqui
@pytest.mark.slow
def test_a_saved_vits_loads_through_coqui_and_speaks(random_vits: Path) -> None:
    engine = Engine(CoquiTTS(model=str(random_vits), device="cpu"))
    assert engine.check().status == "ok"
    engine.load()
    audio = say(engine, "大家好，欢迎来到直播间。")
    assert engine.sample_rate == 22050  # VitsConfig's audio.sample_rate, as Coqui reports it
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert rms(audio) > 0.005, rms(audio)  # random weights: noise, but real noise from the real model
    assert len(audio) / engine.sample_rate > 0.5
    assert len(say(engine, "😀👍🏻")) == 0
    # A single-speaker model takes no speaker: asking for one is a config error naming the key.
    with pytest.raises(TTSUnavailable, match=r"^tts\.coqui\.speaker: "):
        Engine(CoquiTTS(model=str(random_vits), device="cpu", speaker="Ana Florence")).load()


@needs_coqui
@pytest.mark.slow
def test_cohost_say_with_coqui_writes_a_wav(random_vits: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[tts.coqui]\nmodel = "{random_vits.as_posix()}"\ndevice = "cpu"\n', encoding="utf-8")
    out = tmp_path / "coqui.wav"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent",
            "say",
            "你好",
            "--engine",
            "coqui",
            "--out",
            str(out),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    with wave.open(str(out)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
        assert wav.getnframes() > 0


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({}, "tts.coqui.model"),
        ({"model": "/nowhere/model.pth"}, "tts.coqui.model"),
        ({"model": "/", "config": "/nowhere/config.json"}, "tts.coqui.config"),
        (
            {"model": "tts_models/multilingual/multi-dataset/xtts_v2", "speaker_wav": "/nowhere/me.wav"},
            "tts.coqui.speaker_wav",
        ),
    ],
)
def test_wrong_settings_are_one_line_naming_the_key(settings: dict[str, str], key: str) -> None:
    engine = Engine(CoquiTTS.model_validate(settings))
    if HAVE_COQUI:
        with pytest.raises(TTSUnavailable) as caught:
            engine.load()
        assert str(caught.value).startswith(key + ":"), caught.value
        assert "\n" not in str(caught.value)
        check = engine.check()
        assert check.status == "fail" and key in check.detail
    else:
        with pytest.raises(TTSUnavailable, match=r"pip install -e '\.\[coqui\]'"):
            engine.load()
