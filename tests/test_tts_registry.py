"""The TTS registry and shared text rules: engines by name, nothing speakable -> nothing sent."""

from __future__ import annotations

import importlib
from typing import get_args

import pytest

from agent.config_speech import CoquiTTS, EspeakTTS, KokoroTTS, PiperTTS, TtsConfig, TtsEngineName
from agent.shared.checks import Check, EngineInfo
from agent.tts.base import TTSUnavailable
from agent.tts.registry import create, names, with_voice
from agent.tts.text import for_speech, speakable


@pytest.mark.parametrize(
    "text",
    ["😀", "😀👍🏻🎉", "？？！！", "。。。", "♥♥♥", "(＾▽＾)", "👨‍👩‍👧", "~~~", "  ", ""],
)
def test_emoji_and_symbols_alone_are_not_speakable(text: str) -> None:
    assert not speakable(text)
    assert not speakable(for_speech(text))


@pytest.mark.parametrize("text", ["你好", "666", "OK", "gg", "あ", "大家好😀"])
def test_words_and_numbers_are_speakable(text: str) -> None:
    assert speakable(text)


def test_for_speech_drops_emoji_without_leaving_gaps() -> None:
    assert for_speech("大家好😀，欢迎👍🏻来到直播间！") == "大家好，欢迎来到直播间！"
    # Keycap sequences keep their digit; zero-width joiners vanish with the emoji they join.
    assert for_speech("👨\u200d👩\u200d👧 1\ufe0f\u20e3 好") == "1好"
    # Full-width latin and digits become ASCII for G2P; Chinese punctuation stays.
    assert for_speech("ＯＫ１２３吗？") == "OK123吗？"
    assert for_speech("good game 😀 everyone") == "good game everyone"


def test_names_are_the_config_union() -> None:
    assert names() == get_args(TtsEngineName)
    assert {"kokoro", "coqui", "piper", "espeak", "edge", "baker"} <= set(names())


@pytest.mark.parametrize("name", get_args(TtsEngineName))
def test_every_engine_builds_and_describes_itself_without_loading(name: str) -> None:
    # One module per engine, named like the config section; check()/info() are cheap.
    engine = create(TtsConfig(), name)
    assert engine.name == name
    assert type(engine) is importlib.import_module(f"agent.tts.{name}").Engine
    info = engine.info()
    assert isinstance(info, EngineInfo)
    assert (info.name, info.kind) == (name, "tts")
    assert info.sample_rate > 0
    check = engine.check()
    assert isinstance(check, Check)
    assert check.status in ("ok", "warn", "fail")
    assert "\n" not in check.detail
    if check.status == "fail":
        assert check.fix, check


def test_the_configured_engine_is_the_default() -> None:
    assert create(TtsConfig(engine="espeak")).name == "espeak"
    assert create(TtsConfig(engine="espeak"), "piper").name == "piper"


def test_unknown_or_no_engine_is_one_line() -> None:
    with pytest.raises(TTSUnavailable, match="choose one of kokoro, coqui, piper, espeak, edge"):
        create(TtsConfig(), "festival")
    with pytest.raises(TTSUnavailable, match=r'tts\.engine = "none"'):
        create(TtsConfig(engine="none"))


def test_with_voice_sets_the_voice_or_speaker_key() -> None:
    assert with_voice(KokoroTTS(), "jf_alpha") == KokoroTTS(voice="jf_alpha")
    assert with_voice(EspeakTTS(), "en") == EspeakTTS(voice="en")
    # piper has no voice name, only a speaker number: validated like the config file.
    assert with_voice(PiperTTS(), "3") == PiperTTS(speaker=3)
    # Coqui: a built-in speaker by name, or a reference clip to clone.
    assert with_voice(CoquiTTS(), "Ana Florence") == CoquiTTS(speaker="Ana Florence")
    assert with_voice(CoquiTTS(), "/clips/me.wav") == CoquiTTS(speaker_wav="/clips/me.wav")
    with pytest.raises(TTSUnavailable, match=r"^--voice 'alto': tts\.piper\.speaker: ") as caught:
        with_voice(PiperTTS(), "alto")
    assert "\n" not in str(caught.value)
