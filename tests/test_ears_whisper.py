"""The transcriber: guards, simplified characters and hallucinations on whisper's own segments, a tiny
random Whisper for the code paths, and the real Whisper base hearing Chinese speech."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from faster_whisper.transcribe import Segment

from agent.config_speech import FasterWhisperAsr
from agent.ears.capture import read_audio
from agent.ears.models import AsrUnavailable
from agent.ears.whisper import Cleaner, FasterWhisperTranscriber, is_hallucination, normalise, resolve_device
from tests.support.ears_audio import GREETING, base_model, espeak_wav, kokoro_wav
from tests.support.tiny_whisper import build_tiny_whisper

TRADITIONAL = set("歡來這間們氣語說話聽觀謝")


def segment(text: str, *, avg_logprob: float = -0.3, no_speech: float = 0.05, ratio: float = 1.2) -> Segment:
    """A segment as faster-whisper yields it (its real dataclass)."""
    return Segment(
        id=1,
        seek=0,
        start=0.0,
        end=2.0,
        text=text,
        tokens=[],
        avg_logprob=avg_logprob,
        compression_ratio=ratio,
        no_speech_prob=no_speech,
        words=None,
        temperature=0.0,
    )


# --- after decoding (no model) ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "字幕由Amara.org社区提供",
        " 字幕由Amara.org社區提供 ",  # traditional, with spaces
        "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
        "請不吝點贊訂閱轉發打賞支持明鏡與點點欄目",
        "谢谢观看！谢谢观看。",  # repeated
        "Thanks for watching!",
        "thank you for WATCHING",
    ],
)
def test_known_hallucinations_are_dropped(text: str) -> None:
    assert Cleaner(FasterWhisperAsr()).results([segment(text)], "zh") == []


@pytest.mark.parametrize(
    "text", ["谢谢观看今天的直播", "大家好，欢迎来到直播间", "Thanks for watching my stream today"]
)
def test_real_speech_that_mentions_a_phrase_is_kept(text: str) -> None:
    assert [h.text for h in Cleaner(FasterWhisperAsr()).results([segment(text)], "zh")] == [text]


def test_hallucination_list_is_the_configured_one() -> None:
    cfg = FasterWhisperAsr(hallucinations=["下次再见"])
    assert Cleaner(cfg).results([segment("下次再見！")], "zh") == []
    assert Cleaner(cfg).results([segment("谢谢观看")], "zh") != []
    assert not is_hallucination("", ["谢谢观看"])


def test_hotwords_echoed_over_silence_are_dropped_but_spoken_ones_kept() -> None:
    cleaner = Cleaner(FasterWhisperAsr(hotwords=["黑神话悟空", "天命人"]))
    echo = segment("黑神話悟空 天命人", no_speech=0.8, avg_logprob=-0.5)  # measured on silence
    spoken = segment("黑神话悟空", no_speech=0.25, avg_logprob=-0.4)  # measured on the word
    said_more = segment("黑神话悟空真好玩", no_speech=0.8, avg_logprob=-0.5)
    assert [h.text for h in cleaner.results([echo, spoken, said_more], "zh")] == [
        "黑神话悟空",
        "黑神话悟空真好玩",
    ]
    assert Cleaner(FasterWhisperAsr()).results([echo], "zh") != []  # without hotwords it is just text


def test_traditional_becomes_simplified_for_chinese_only() -> None:
    traditional = "歡迎來到直播間，今天我們一起玩黑神話悟空。"
    (heard,) = Cleaner(FasterWhisperAsr()).results([segment(traditional)], "zh")
    assert heard.text == "欢迎来到直播间，今天我们一起玩黑神话悟空。"
    (kept,) = Cleaner(FasterWhisperAsr(simplified=False)).results([segment(traditional)], "zh")
    assert kept.text == traditional
    (english,) = Cleaner(FasterWhisperAsr()).results([segment("Hello chat")], "en")
    assert english.text == "Hello chat"


def test_guards_drop_silence_and_repetition_like_whisper_does() -> None:
    cleaner = Cleaner(FasterWhisperAsr())
    silence = segment("你", no_speech=0.8, avg_logprob=-2.5)
    confident = segment("你好", no_speech=0.8, avg_logprob=-0.2)  # high no-speech but sure of the words
    looping = segment("哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈", ratio=3.1)
    unsure = segment("大家好", avg_logprob=-1.6)  # low log-prob alone is still speech
    assert [h.text for h in cleaner.results([silence, confident, looping, unsure], "zh")] == [
        "你好",
        "大家好",
    ]


def test_confidence_is_the_probability_of_the_average_token() -> None:
    (heard,) = Cleaner(FasterWhisperAsr()).results([segment("你好", avg_logprob=-0.5)], "zh")
    assert heard.confidence == pytest.approx(math.exp(-0.5))
    (sure,) = Cleaner(FasterWhisperAsr()).results([segment("你好", avg_logprob=0.01)], "zh")
    assert sure.confidence == 1.0


def test_empty_and_punctuation_only_text_is_dropped() -> None:
    assert Cleaner(FasterWhisperAsr()).results([segment("  "), segment("。。。"), segment("♪♪")], "zh") == []
    assert normalise(" Hello, 世界！") == "hello世界"


def test_auto_device_follows_ctranslate2() -> None:
    import ctranslate2

    expected = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    assert resolve_device("auto") == expected
    assert resolve_device("cpu") == "cpu"


# --- a tiny random Whisper: the real loading and decoding code, fast ----------------


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_whisper(tmp_path_factory.mktemp("tiny") / "whisper")


@pytest.mark.slow
def test_tiny_model_code_path(tiny: Path) -> None:
    # The random model repeats one token: whisper's own compression guard drops it...
    strict = FasterWhisperTranscriber(FasterWhisperAsr(model=str(tiny)))
    noise = (np.random.default_rng(1).standard_normal(16000 * 2) * 0.1).astype(np.float32)
    assert strict.transcribe(noise) == []
    # ...and with the guard relaxed its words come through, timed within the audio.
    cfg = FasterWhisperAsr(model=str(tiny), compression_ratio_threshold=1000)
    transcriber = FasterWhisperTranscriber(cfg)
    heard = transcriber.transcribe(noise)
    assert heard and all(h.language == "zh" for h in heard)
    assert all(0 <= h.start <= h.end <= 2.0 + 0.02 and 0 <= h.confidence <= 1 for h in heard)
    assert transcriber.device == "cpu" and transcriber.path == tiny
    assert transcriber.transcribe(np.zeros(0, np.float32)) == []


@pytest.mark.slow
def test_tiny_model_describes_itself(tiny: Path) -> None:
    cfg = FasterWhisperAsr(
        model=str(tiny), language="auto", initial_prompt="直播", hotwords=["黑神话", "悟空"]
    )
    transcriber = FasterWhisperTranscriber(cfg)
    assert transcriber.check().status == "ok"
    info = transcriber.info()
    assert (info.kind, info.sample_rate, info.model, info.languages) == ("asr", 16000, str(tiny), ())
    transcriber.load()
    model = transcriber._model
    transcriber.load()  # once
    assert transcriber._model is model
    assert isinstance(transcriber.transcribe(np.zeros(16000, np.float32)), list)  # language detection path


@pytest.mark.slow
def test_an_unknown_language_is_one_line(tiny: Path) -> None:
    with pytest.raises(AsrUnavailable, match=r"^asr.faster_whisper.language = 'klingon'"):
        FasterWhisperTranscriber(FasterWhisperAsr(model=str(tiny), language="klingon")).load()


@pytest.mark.slow
def test_a_broken_model_folder_is_one_line(tmp_path: Path, tiny: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in tiny.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    (broken / "model.bin").write_bytes(b"not a model")
    with pytest.raises(AsrUnavailable) as caught:
        FasterWhisperTranscriber(FasterWhisperAsr(model=str(broken))).load()
    assert str(caught.value).startswith(
        f"asr.faster_whisper.model = {str(broken)!r} failed to load on cpu/int8"
    )
    assert "\n" not in str(caught.value)


# --- the real Whisper base ------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> FasterWhisperTranscriber:
    folder = base_model(tmp_path_factory.getbasetemp())
    transcriber = FasterWhisperTranscriber(FasterWhisperAsr(model=str(folder)))
    transcriber.load()
    return transcriber


@pytest.mark.slow
def test_base_hears_kokoro_speak_chinese(
    base: FasterWhisperTranscriber, tmp_path_factory: pytest.TempPathFactory
) -> None:
    audio = read_audio(kokoro_wav(tmp_path_factory.getbasetemp(), GREETING))
    text = "".join(h.text for h in base.transcribe(audio))
    assert "欢迎" in text and "直播间" in text, text
    assert not TRADITIONAL & set(text), text


@pytest.mark.slow
def test_base_hears_espeak_speak_chinese(
    base: FasterWhisperTranscriber, tmp_path_factory: pytest.TempPathFactory
) -> None:
    heard = base.transcribe(read_audio(espeak_wav(tmp_path_factory.getbasetemp())))
    text = "".join(h.text for h in heard)
    assert "欢迎" in text, text
    assert all(h.language == "zh" and 0 < h.confidence <= 1 for h in heard)


@pytest.mark.slow
def test_base_says_nothing_over_silence_and_hum(base: FasterWhisperTranscriber) -> None:
    t = np.arange(3 * 16000) / 16000
    assert base.transcribe(np.zeros(3 * 16000, np.float32)) == []
    assert base.transcribe((0.1 * np.sin(2 * np.pi * 120 * t)).astype(np.float32)) == []
    # Primed with a glossary, base repeats it over silence: dropped too.
    assert base.path is not None
    primed = FasterWhisperTranscriber(
        FasterWhisperAsr(model=str(base.path), hotwords=["黑神话悟空", "天命人"])
    )
    assert primed.transcribe(np.zeros(2 * 16000, np.float32)) == []


@pytest.mark.slow
def test_hotwords_help_base_spell_the_game(
    base: FasterWhisperTranscriber, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert base.path is not None
    primed = FasterWhisperTranscriber(FasterWhisperAsr(model=str(base.path), hotwords=["黑神话悟空"]))
    audio = read_audio(kokoro_wav(tmp_path_factory.getbasetemp(), GREETING))
    assert "黑神话悟空" in "".join(h.text for h in primed.transcribe(audio))
