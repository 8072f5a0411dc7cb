"""The reply pipeline: stream -> sentences -> output filter -> real espeak-ng -> WAV sink."""

from __future__ import annotations

import asyncio
import csv
import wave
from pathlib import Path

import numpy as np
import pytest

from agent.audio.sinks import WavSink
from agent.clock import Clock
from agent.config import EspeakTTS
from agent.events import Audio, AudioEnded, Event, Filtered, Metric, ReplySentence, UtteranceDone
from agent.llm.base import ReplyEngine, ReplyRequest
from agent.reply.pipeline import ReplyPipeline
from agent.tts.espeak import EspeakEngine
from tests.support.engines import ScriptedEngine

pytestmark = pytest.mark.requires("espeak-ng")


def banned(text: str) -> str | None:
    return "傻逼" if "傻逼" in text else None


async def speak(
    engine: ReplyEngine,
    tmp_path: Path,
    *,
    interrupt_after_audio: bool = False,
    timeout: float = 20.0,
    first_clause: bool = False,
    volume: float = 1.0,
    speed: float = 20.0,
):
    events: list[Event] = []
    tts = EspeakEngine(EspeakTTS())
    tts.load()
    clock = Clock(speed=speed)
    sink = WavSink(tmp_path, clock)
    voice = ReplyPipeline(
        engine,
        tts,
        sink,
        banned,
        events.append,
        hard_timeout_s=timeout,
        first_clause=first_clause,
        volume=volume,
    )
    runner = asyncio.create_task(voice.run())
    try:
        utterance = voice.start(ReplyRequest(7, "question", None), arrived_at=None)
        if interrupt_after_audio:
            while not any(isinstance(e, Audio) for e in events):
                await asyncio.sleep(0.01)
            voice.interrupt(7)
        outcome = await asyncio.wait_for(asyncio.shield(utterance.done), 60)
        await asyncio.sleep(0.05)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
    return outcome, events, sink


def of(kind: type, events: list[Event]) -> list:
    return [e for e in events if isinstance(e, kind)]


async def test_sentences_stream_through_tts_into_a_wav(tmp_path: Path) -> None:
    engine = ScriptedEngine(list("谢谢你的礼物！今天我们一起玩黑神话。下次再见啦！"))
    outcome, events, sink = await speak(engine, tmp_path)
    assert outcome == "spoken"
    sentences = [e.text for e in of(ReplySentence, events)]
    assert sentences == ["谢谢你的礼物！", "今天我们一起玩黑神话。", "下次再见啦！"]
    audio = of(Audio, events)
    assert [a.text for a in audio] == sentences
    assert all(a.duration_s > 0.5 for a in audio)
    done = of(UtteranceDone, events)
    said = "".join(sentences)
    assert done == [UtteranceDone(utterance_id=7, outcome="spoken", sentences=3, text=said, planned=said)]
    ended = of(AudioEnded, events)
    assert [(e.index, e.text, e.cut) for e in ended] == [(i, t, False) for i, t in enumerate(sentences)]
    assert [e.played_s for e in ended] == pytest.approx([a.duration_s for a in audio], abs=0.01)
    metrics = {m.name for m in of(Metric, events)}
    assert {"decision_to_first_token", "decision_to_first_sentence", "decision_to_first_audio"} <= metrics
    assert sink.run_dir is not None and sink.run_dir.parent == tmp_path  # one folder per run
    assert sink.files == [sink.run_dir / "utterance-0007.wav"]
    with (sink.run_dir / "index.csv").open(encoding="utf-8", newline="") as index:
        rows = list(csv.reader(index))
    assert [rows[0], [rows[1][0], rows[1][2]]] == [
        ["file", "stream_time_s", "text"],
        ["utterance-0007.wav", "".join(sentences)],
    ]
    assert float(rows[1][1]) >= 0
    with wave.open(str(sink.files[0])) as wav:
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        seconds = wav.getnframes() / wav.getframerate()
    assert seconds == pytest.approx(sum(a.duration_s for a in audio), abs=0.05)
    assert np.sqrt(np.mean((pcm / 32768.0) ** 2)) > 0.02


async def test_a_banned_sentence_never_reaches_tts_or_the_bus(tmp_path: Path) -> None:
    engine = ScriptedEngine(["你好！", "你这个傻逼。", "欢迎来玩！"])
    outcome, events, _ = await speak(engine, tmp_path)
    assert outcome == "spoken"
    spoken = [e.text for e in of(ReplySentence, events)] + [e.text for e in of(Audio, events)]
    assert spoken and not any("傻逼" in text for text in spoken)
    assert [(f.of, f.reason, f.rule, f.text) for f in of(Filtered, events)] == [
        ("reply_sentence", "banned_word", "傻逼", "")
    ]


async def test_interrupt_stops_playback_and_generation(tmp_path: Path) -> None:
    engine = ScriptedEngine(["这是第一句话，比较长一点。"] + ["后面还有很多很多话要说。"] * 20, hang=True)
    outcome, events, sink = await speak(engine, tmp_path, interrupt_after_audio=True, speed=1.0)
    assert outcome == "interrupted"
    assert len(of(Audio, events)) < 5
    assert engine.cancelled
    assert of(UtteranceDone, events)[0].outcome == "interrupted"
    with wave.open(str(sink.files[0])) as wav:
        played = wav.getnframes() / wav.getframerate()
    assert played < sum(a.duration_s for a in of(Audio, events))  # cut mid-sentence


async def test_engine_failure_keeps_what_was_said_and_the_voice_alive(tmp_path: Path) -> None:
    engine = ScriptedEngine(["第一句话说完了。", "第二句"], fail_after=1)
    outcome, events, _ = await speak(engine, tmp_path)
    assert [e.text for e in of(Audio, events)] == ["第一句话说完了。"]
    assert outcome == "spoken"
    failing = ScriptedEngine(["还没说完"], fail_after=0)
    outcome, events, _ = await speak(failing, tmp_path)
    assert outcome == "failed"
    assert not of(Audio, events)


async def test_hard_timeout_cuts_a_hung_engine(tmp_path: Path) -> None:
    engine = ScriptedEngine(["嗯。"], hang=True)
    outcome, events, _ = await speak(engine, tmp_path, timeout=0.5)
    assert outcome == "failed"  # nothing was said before the engine hung
    assert engine.cancelled
    talkative = ScriptedEngine(["你好，欢迎来到直播间！", "今天玩什么呢？"], hang=True)
    outcome, events, _ = await speak(talkative, tmp_path, timeout=1.0)
    assert outcome == "interrupted"
    assert talkative.cancelled
    assert [e.text for e in of(Audio, events)] == ["你好，欢迎来到直播间！"]


async def test_first_clause_is_spoken_on_its_own_and_the_text_joins_back(tmp_path: Path) -> None:
    engine = ScriptedEngine(list("大家好，欢迎来到直播间！今天一起玩游戏，好不好？"))
    outcome, events, _ = await speak(engine, tmp_path, first_clause=True)
    assert outcome == "spoken"
    assert [e.text for e in of(ReplySentence, events)] == [
        "大家好，",
        "欢迎来到直播间！",
        "今天一起玩游戏，好不好？",
    ]
    assert of(UtteranceDone, events)[0].text == "大家好，欢迎来到直播间！今天一起玩游戏，好不好？"
    # Each sentence's audio carries the reply as heard so far, joined here (the overlay shows it).
    assert [e.said for e in of(Audio, events)] == [
        "大家好，",
        "大家好，欢迎来到直播间！",
        "大家好，欢迎来到直播间！今天一起玩游戏，好不好？",
    ]


async def test_english_sentences_join_with_a_space(tmp_path: Path) -> None:
    engine = ScriptedEngine(["Hi there", ". How are", " you today?"])
    _, events, _ = await speak(engine, tmp_path)
    assert [e.text for e in of(ReplySentence, events)] == ["Hi there.", "How are you today?"]
    assert of(UtteranceDone, events)[0].text == "Hi there. How are you today?"
    assert [e.said for e in of(Audio, events)] == ["Hi there.", "Hi there. How are you today?"]


async def test_model_output_is_cleaned_once_before_anything_shows_or_says_it(tmp_path: Path) -> None:
    engine = ScriptedEngine(["欢迎\u202e来到\x1b[31m直播间！", "谢\u2066谢\x00大家。"])
    _, events, _ = await speak(engine, tmp_path)
    shown = [e.text for e in of(ReplySentence, events)] + [e.said for e in of(Audio, events)]
    assert [e.text for e in of(ReplySentence, events)] == ["欢迎来到[31m直播间！", "谢谢大家。"]
    assert not any(c in text for text in shown for c in "\u202e\u2066\x1b\x00")


async def test_a_sentence_of_only_emoji_or_symbols_never_reaches_tts(tmp_path: Path) -> None:
    engine = ScriptedEngine(["😀😀😀！", "～～～。", "谢谢大家！"])
    outcome, events, _ = await speak(engine, tmp_path)
    assert outcome == "spoken"
    assert [e.text for e in of(Audio, events)] == ["谢谢大家！"]
    only_emoji = ScriptedEngine(["🎉🎉🎉🎉"])
    outcome, events, _ = await speak(only_emoji, tmp_path)
    assert outcome == "empty"
    assert not of(Audio, events) and not of(ReplySentence, events)


async def test_volume_scales_what_is_played(tmp_path: Path) -> None:
    def rms(sink: WavSink) -> float:
        with wave.open(str(sink.files[-1])) as wav:
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2") / 32768.0
        return float(np.sqrt(np.mean(pcm**2)))

    _, _, full = await speak(ScriptedEngine(["欢迎来到直播间！"]), tmp_path / "full")
    _, _, half = await speak(ScriptedEngine(["欢迎来到直播间！"]), tmp_path / "half", volume=0.5)
    assert rms(half) == pytest.approx(rms(full) / 2, rel=0.05)


async def test_an_interrupted_sentence_ends_with_a_cut_audio_ended(tmp_path: Path) -> None:
    engine = ScriptedEngine(["这是第一句话，比较长一点，还要更长一些才好。", "第二句。"], hang=True)
    # Played in real time (speed 1): the first sentence lasts seconds, so the interrupt sent
    # once its audio starts lands well inside it even when the machine is busy.
    _, events, _ = await speak(engine, tmp_path, interrupt_after_audio=True, speed=1.0)
    ended = of(AudioEnded, events)
    assert len(ended) == 1 and ended[0].cut
    assert ended[0].played_s < of(Audio, events)[0].duration_s


async def test_wav_index_names_a_sentence_cut_off_in_its_first_tenth_of_a_second(tmp_path: Path) -> None:
    # A hard stop (the task cancelled mid-chunk) still leaves the file and its text in the index.
    sink = WavSink(tmp_path, Clock(1.0))
    play = asyncio.create_task(
        sink.play(1, np.zeros(24000, dtype=np.float32), 24000, asyncio.Event(), text="你好")
    )
    await asyncio.sleep(0.01)
    play.cancel()
    with pytest.raises(asyncio.CancelledError):
        await play
    await sink.finish(1)
    assert sink.run_dir is not None
    with (sink.run_dir / "index.csv").open(encoding="utf-8", newline="") as index:
        rows = list(csv.reader(index))
    assert [rows[1][0], rows[1][2]] == ["utterance-0001.wav", "你好"]


async def test_a_hard_stop_mid_sentence_reports_what_the_sink_played(tmp_path: Path) -> None:
    # At --speed 2 the WAV sink plays in stream time: a sentence cut by the hard timeout
    # reports the seconds the file holds, not the wall-clock time it took.
    events: list[Event] = []
    tts = EspeakEngine(EspeakTTS())
    tts.load()
    sink = WavSink(tmp_path, Clock(speed=2.0))
    engine = ScriptedEngine(["这是一句很长很长的话，要说好几秒钟，中间不停顿，一直说下去才算完。"], hang=True)
    voice = ReplyPipeline(engine, tts, sink, banned, events.append, hard_timeout_s=0.5)
    runner = asyncio.create_task(voice.run())
    try:
        utterance = voice.start(ReplyRequest(3, "question", None), arrived_at=None)
        await asyncio.wait_for(asyncio.shield(utterance.done), 60)
        await asyncio.sleep(0.05)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
    (ended,) = of(AudioEnded, events)
    assert ended.cut and ended.played_s < of(Audio, events)[0].duration_s
    (wav,) = sink.files
    with wave.open(str(wav)) as f:
        assert ended.played_s == pytest.approx(f.getnframes() / f.getframerate(), abs=0.01)
