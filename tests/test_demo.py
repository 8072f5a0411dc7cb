"""The offline demo end to end, sped up: danmaku in, replies out, nothing banned said."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from agent.brain.moderation import Moderator
from agent.config import BrainConfig
from agent.sources.replay import DEMO_RECORDING


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    out = tmp_path_factory.mktemp("demo")
    record = out / "run.jsonl"
    env = {**os.environ, "COHOST_AUDIO__OUTPUT_DEVICE": "none", "COHOST_CONTROL__PORT": "0", "COLUMNS": "160"}
    # The shipped config as a new user has it: Kokoro speaks, Whisper hears the demo streamer.
    result = subprocess.run(
        [sys.executable, "-m", "agent", "demo", "--speed", "4", "--record", str(record), "--out", str(out)],
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
    for heading in ("Messages in", "Not answered, and why", "Replies", "Latency (ms)"):
        assert heading in result.stdout
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


def test_audio_written_as_wav_files(demo_run) -> None:
    _, record, out = demo_run
    wavs = sorted((out / "audio").glob("utterance-*.wav"))
    spoken = {e["utterance_id"] for e in lines(record) if e["type"] == "audio"}
    assert len(wavs) == len(spoken) > 0
    with wave.open(str(wavs[0])) as wav:
        assert wav.getnframes() > wav.getframerate() // 2


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
