"""The offline demo end to end, sped up: danmaku in, replies out, nothing banned said."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from agent.app.narration import narration
from agent.app.stats import Stats
from agent.brain.moderation import Moderator
from agent.config import BrainConfig
from agent.events import Control, Danmaku, Filtered, Metric, Transcript, UtteranceDone
from agent.sources.replay import DEMO_RECORDING


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    out = tmp_path_factory.mktemp("demo")
    record = out / "run.jsonl"
    env = {**os.environ, "COHOST_AUDIO__OUTPUT_DEVICE": "none", "COHOST_CONTROL__PORT": "0", "COLUMNS": "160"}
    # The shipped config as a new user has it: Kokoro speaks, Whisper hears the demo streamer.
    result = subprocess.run(
        [sys.executable, "-m", "agent", "demo", "--speed", "4", "-v", "--record", str(record), "--out", out],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=out,  # no config.toml here: the shipped one is used
    )
    return result, record, out


def lines(record: Path) -> list[dict]:
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]


def test_demo_exits_cleanly_with_a_summary(demo_run) -> None:
    result, _, _ = demo_run
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    for heading in ("Messages in", "Not answered, and why", "Replies", "Latency"):
        assert heading in result.stdout
    # Waiting for a turn (by design) is apart from how fast a reply is made once decided.
    assert "time waiting for a turn (stream s)" in result.stdout
    assert "reply latency once decided (ms)" in result.stdout
    assert "arrival_to_first_audio" not in result.stdout


STREAMER_LINE = "INFO agent.app.demo: streamer: "


def test_the_log_shows_each_reply_each_filtered_message_and_the_streamer(demo_run) -> None:
    result, record, _ = demo_run
    events = lines(record)
    log = result.stderr.splitlines()
    for done in (e for e in events if e["type"] == "utterance_done"):
        if done["outcome"] == "spoken":
            assert f"INFO agent.app.demo: bot (spoken): {done['text'] or '(nothing said)'}" in log
        else:  # cut off: what cut it off and what it meant to say
            assert any(line.startswith(f"INFO agent.app.demo: bot ({done['outcome']}, by ") for line in log)
    assert "INFO agent.app.demo: streamer pressed mute (from demo)" in log  # the recording's scripted mute
    filtered = [e for e in events if e["type"] == "filtered"]
    prefixes = ("INFO agent.app.demo: not answered (", "INFO agent.app.demo: ignoring viewer")
    said = [line for line in log if line.startswith(prefixes)]
    assert len(said) == len(filtered) > 0
    assert any(line.startswith("INFO agent.app.demo: not answered (banned_word, ") for line in said)
    heard = [e["text"] for e in events if e["type"] == "transcript" and e["text"]]
    assert [line.removeprefix(STREAMER_LINE) for line in log if line.startswith(STREAMER_LINE)] == heard
    assert "template mode: no language model loaded" in result.stdout
    assert "no GLM model configured" in result.stdout  # the notice says how to configure one


def test_record_shows_danmaku_in_and_replies_out(demo_run) -> None:
    _, record, _ = demo_run
    events = lines(record)
    types = [e["type"] for e in events]
    assert types.count("danmaku") > 100
    for kind in (
        "gift",
        "super_chat",
        "guard",
        "enter",
        "reply_sentence",
        "audio",
        "utterance_done",
        "metric",
    ):
        assert kind in types, kind
    assert all({"mono", "wall"} <= e.keys() for e in events)
    monos = [e["mono"] for e in events]
    assert monos == sorted(monos)
    spoken = [
        e for e in events if e["type"] == "utterance_done" and e["outcome"] in ("spoken", "interrupted")
    ]
    # How many depends on how fast Kokoro runs on this CPU (the room does not wait for it).
    assert len(spoken) >= 4
    # The super chat and the guard purchase are answered.
    replies = " ".join(e["text"] for e in events if e["type"] == "reply_sentence")
    assert "醒目留言" in replies
    assert "舰长" in replies


def test_nothing_banned_in_a_reply_or_in_audio(demo_run) -> None:
    _, record, _ = demo_run
    events = lines(record)
    moderator = Moderator.from_config(BrainConfig())
    said = [e["text"] for e in events if e["type"] in ("reply_sentence", "audio")]
    assert said
    assert [text for text in said if moderator.banned_in(text)] == []
    assert not any("<" in text or ">" in text for text in said)  # no markup from names or messages
    # The banned messages in the recording were filtered, with the rule that matched.
    blocked = [e for e in events if e["type"] == "filtered" and e["reason"] == "banned_word"]
    assert len(blocked) >= 3
    assert all(e["rule"] for e in blocked)


def test_the_bot_waits_while_the_streamer_talks(demo_run) -> None:
    _, record, _ = demo_run
    talking = False
    for event in lines(record):
        if event["type"] == "streamer_voice":
            talking = event["speaking"]
        elif event["type"] == "audio" and event["index"] == 0:
            assert not talking, f"reply {event['utterance_id']} started while the streamer was talking"


def test_the_demo_streamer_is_heard_and_subtitled(demo_run) -> None:
    # The recording's streamer lines are not replayed: Kokoro speaks them into the mic track,
    # the ears segment them (streamer_voice) and Whisper writes them down (transcript).
    result, record, _ = demo_run
    events = lines(record)
    voice = [e["speaking"] for e in events if e["type"] == "streamer_voice"]
    assert voice.count(True) >= 5 and voice.count(True) == voice.count(False)
    heard = [e for e in events if e["type"] == "transcript"]
    assert len(heard) >= 5
    said = "".join(e["text"] for e in heard)
    for phrase in ("直播间", "黑神话悟空", "礼物"):  # in simplified characters
        assert phrase in said, said
    assert all(0 <= e["start"] < e["end"] and 0 < e["confidence"] <= 1 for e in heard)
    assert "Heard the streamer say" in result.stdout


def test_the_bot_speaks_with_kokoro(demo_run) -> None:
    _, record, _ = demo_run
    audio = [e for e in lines(record) if e["type"] == "audio"]
    assert audio and {e["sample_rate"] for e in audio} == {24000}


def test_audio_written_as_wav_files_in_a_run_folder_with_an_index(demo_run) -> None:
    _, record, out = demo_run
    events = lines(record)
    played: dict[int, float] = {}
    for e in events:
        if e["type"] == "audio_ended":
            played[e["utterance_id"]] = played.get(e["utterance_id"], 0.0) + e["played_s"]
    heard = {u: s for u, s in played.items() if s > 0}
    runs = list((out / "audio").glob("run-*"))
    assert len(runs) == (1 if heard else 0)  # one folder per run, none when nothing was said
    if not heard:
        return
    with (runs[0] / "index.csv").open(encoding="utf-8", newline="") as index:
        rows = list(csv.DictReader(index))
    run = runs[0]
    assert sorted(row["file"] for row in rows) == sorted(f"utterance-{u:04d}.wav" for u in heard)
    assert sorted(p.name for p in run.glob("*.wav")) == sorted(row["file"] for row in rows)
    texts = {e["utterance_id"]: e["text"] for e in events if e["type"] == "utterance_done"}
    for row in rows:
        utterance = int(row["file"][10:14])
        with wave.open(str(run / row["file"])) as wav:
            seconds = wav.getnframes() / wav.getframerate()
        # Each file holds exactly what was played (cut where the reply was interrupted).
        assert seconds == pytest.approx(played[utterance], abs=0.01)
        assert float(row["stream_time_s"]) >= 0
        assert row["text"] and texts[utterance].startswith(row["text"][:1])


def test_replaying_a_recording_reproduces_its_input(demo_run, tmp_path: Path) -> None:
    _, record, _ = demo_run
    again = tmp_path / "again.jsonl"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent",
            "demo",
            "--input",
            str(record),
            "--speed",
            "60",
            "--record",
            str(again),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={
            **os.environ,
            "COHOST_AUDIO__OUTPUT_DEVICE": "none",
            "COHOST_TTS__ENGINE": "none",
            "COHOST_ASR__ENGINE": "none",  # what the streamer said replays as recorded
        },
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    inputs = ("danmaku", "gift", "super_chat", "guard", "enter", "like")

    def room(path: Path) -> list[tuple[str, str]]:
        return [
            (e["type"], e.get("msg_id") or e.get("uname", "")) for e in lines(path) if e["type"] in inputs
        ]

    assert room(again) == room(record) == room(DEMO_RECORDING)


def test_narration_lines_for_replies_filters_and_the_streamer() -> None:
    assert narration(UtteranceDone(utterance_id=3, outcome="spoken", text="欢迎！")) == "bot (spoken): 欢迎！"
    # Cut off: what was planned, what was said of it, and what cut it off.
    planned = "欢迎小王！今天打二郎神。"
    cut = UtteranceDone(utterance_id=4, outcome="interrupted", cause="mute", planned=planned)
    assert narration(cut) == f"bot (interrupted, by mute) before a word was said; planned: “{planned}”"
    half = UtteranceDone(utterance_id=5, outcome="interrupted", cause="streamer", text="欢迎小王！")
    half = dataclasses.replace(half, planned=planned)
    line = narration(half)
    assert line == "bot (interrupted, by the streamer talking): 欢迎小王！ [not said: “今天打二郎神。”]"
    line = narration(Filtered(of="danmaku", reason="banned_word", rule="微信", uname="阿明", text="加微信"))
    assert line == "not answered (banned_word, 微信): danmaku from 阿明: 加微信"
    assert narration(Filtered(of="enter", reason="stale")) == "not answered (stale): enter"
    # Only paid messages and ignored viewers without -v; a message never "folds into itself".
    assert narration(Filtered(of="enter", reason="stale"), verbose=False) is None
    gifts = Filtered(of="gift", reason="stale", uname="老王", events=5)
    assert narration(gifts, verbose=False) == "not answered (stale): gift ×5 from 老王"
    same = Filtered(of="danmaku", reason="folded", rule="几点下播？", uname="甲", text="几点下播？")
    assert narration(same) == "not answered (folded, the same as one waiting): danmaku from 甲: 几点下播？"
    ignored = Filtered(of="viewer", reason="ignored_viewer", rule="abuse", uname="喷子")
    assert narration(ignored, verbose=False) == "ignoring viewer 喷子 for a while (abuse)"
    assert narration(Control(action="mute", origin="demo")) == "streamer pressed mute (from demo)"
    assert narration(Transcript(text="大家好")) == "streamer: 大家好"
    assert narration(Transcript(text="", final=True)) is None
    assert narration(Danmaku(uid="1", uname="a", text="hi")) is None


def test_turn_wait_is_arrival_to_decision_per_reply() -> None:
    stats = Stats()
    for event in (
        Metric(name="decision_to_first_audio", ms=300.0, utterance_id=1),
        Metric(name="arrival_to_first_audio", ms=5300.0, utterance_id=1),
        Metric(name="arrival_to_first_audio", ms=900.0, utterance_id=2),  # no decision metric: left out
        Metric(name="decision_to_first_audio", ms=100.0, utterance_id=3),
        Metric(name="arrival_to_first_audio", ms=100.0, utterance_id=3),
    ):
        stats.observe(event)
    assert stats.turn_waits() == [5000.0, 0.0]


def test_no_overlay_url_is_announced_when_the_overlay_is_off(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "COHOST_AUDIO__OUTPUT_DEVICE": "none",
        "COHOST_TTS__ENGINE": "none",
        "COHOST_ASR__ENGINE": "none",
        "COHOST_CONTROL__PORT": "0",
        "COHOST_OVERLAY__ENABLED": "false",
    }
    result = subprocess.run(
        [sys.executable, "-m", "agent", "demo", "--speed", "200", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    announced = [line for line in result.stderr.splitlines() if "control API on" in line]
    assert len(announced) == 1 and announced[0].endswith("/api/status (overlay off)"), announced
    assert "/overlay" not in result.stderr


def test_above_speed_4_the_demo_streamer_goes_to_the_bot_as_text() -> None:
    from rich.console import Console

    from agent.app.demo import EARS_UP_TO, _sped_up
    from agent.config import Config

    console = Console(record=True, width=200)
    cfg = Config()
    assert cfg.asr.engine != "none"
    fast = _sped_up(cfg, 10.0, False, console)
    assert (fast.asr.engine, fast.tts.engine) == ("none", "none") and "--speed 10" in console.export_text()
    assert fast.brain.reply_timeout_s == cfg.brain.reply_timeout_s * 10  # wall-clock patience kept
    live = _sped_up(cfg, EARS_UP_TO, False, console)
    assert (live.asr.engine, live.tts.engine) == (cfg.asr.engine, cfg.tts.engine)  # heard and voiced
    assert _sped_up(cfg, 10.0, True, console).asr.engine == cfg.asr.engine  # --mic: the real voice
