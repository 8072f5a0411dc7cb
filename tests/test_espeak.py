"""espeak-ng really speaks Chinese: non-silent audio, longer for longer text, options never injected."""

from __future__ import annotations

import numpy as np
import pytest

from agent.config import EspeakTTS
from agent.tts.base import TTSUnavailable
from agent.tts.espeak import Engine
from agent.tts.text import say

pytestmark = pytest.mark.requires("espeak-ng")


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


def test_synthesises_non_silent_mandarin() -> None:
    engine = Engine(EspeakTTS())
    engine.load()
    short = say(engine, "你好。")
    long = say(engine, "欢迎来到直播间，谢谢大家的礼物，今天我们一起玩黑神话悟空。")
    assert engine.sample_rate == 22050
    assert short.dtype == np.float32
    assert rms(long) > 0.02, rms(long)
    assert len(long) > 3 * len(short)
    # The pinyin voice reads the characters: it must not spell out tone digits or fall silent.
    assert len(long) / engine.sample_rate > 3.0


def test_text_is_not_parsed_as_options() -> None:
    engine = Engine(EspeakTTS())
    engine.load()
    samples = say(engine, "--help -v en 你好")
    assert float(np.abs(samples).max()) > 0.05


def test_emoji_only_is_silence_without_running_espeak() -> None:
    engine = Engine(EspeakTTS())
    engine.load()
    assert len(say(engine, "😀👍🏻！！")) == 0
    # Emoji inside a sentence are dropped, not read out as their names.
    assert len(say(engine, "你好😀😀😀😀😀😀")) == len(say(engine, "你好"))


def test_unknown_voice_is_a_clear_error() -> None:
    engine = Engine(EspeakTTS(voice="xx-nope"))
    with pytest.raises(TTSUnavailable, match=r"tts\.espeak\.voice"):
        engine.load()
    check = engine.check()
    assert check.status == "fail"
    assert "tts.espeak.voice" in check.fix


def test_check_and_info_describe_the_engine() -> None:
    engine = Engine(EspeakTTS())
    assert engine.check().status == "ok"
    info = engine.info()
    assert (info.name, info.kind, info.voice) == ("espeak", "tts", "cmn-latn-pinyin")


def test_missing_espeak_is_one_line_with_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("agent.tts.espeak.shutil.which", lambda _name: None)
    engine = Engine(EspeakTTS())
    check = engine.check()
    assert check.status == "fail"
    assert "apt install espeak-ng" in check.fix
    with pytest.raises(
        TTSUnavailable, match=r"^espeak-ng is not installed: .*apt install espeak-ng"
    ) as caught:
        engine.load()
    assert "\n" not in str(caught.value)
