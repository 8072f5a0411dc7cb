"""espeak-ng really speaks Chinese: non-silent audio, longer for longer text."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from agent.config import EspeakTTS
from agent.tts.base import TTSUnavailable
from agent.tts.espeak import EspeakEngine

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


async def test_synthesises_non_silent_mandarin() -> None:
    engine = EspeakEngine(EspeakTTS())
    await engine.load()
    short = await engine.synthesize("你好。")
    long = await engine.synthesize("欢迎来到直播间，谢谢大家的礼物，今天我们一起玩黑神话悟空。")
    assert engine.sample_rate == 22050
    assert short.dtype == np.float32
    rms = float(np.sqrt(np.mean(long**2)))
    assert rms > 0.02, rms
    assert len(long) > 3 * len(short)
    # The pinyin voice reads the characters: it must not spell out tone digits or fall silent.
    assert len(long) / engine.sample_rate > 3.0


async def test_text_is_not_parsed_as_options() -> None:
    engine = EspeakEngine(EspeakTTS())
    await engine.load()
    samples = await engine.synthesize("--help -v en 你好")
    assert float(np.abs(samples).max()) > 0.05


async def test_unknown_voice_is_a_clear_error() -> None:
    engine = EspeakEngine(EspeakTTS(voice="xx-nope"))
    with pytest.raises(TTSUnavailable, match=r"tts\.espeak\.voice"):
        await engine.load()
