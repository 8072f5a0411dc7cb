"""The ears and the voice together on real audio devices (a private PulseAudio, tests/pulse.py).

``cohost run`` with Kokoro speaking and Whisper listening, as on stream: the
bot's voice leaking into the mic is never transcribed (echo gate), and the
streamer talking over the bot stops it and becomes a transcript (barge-in).
Audio really flows through PulseAudio null sinks: ``vsink`` is the speakers,
``cohost_mic`` the streamer's mic (recorded from its monitor).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pulse import PulseServer, pulse_server, requires_pulseaudio

pytestmark = [pytest.mark.slow, requires_pulseaudio]

BOT_SAYS = "大家好，欢迎来到直播间。今天我们一起玩黑神话悟空，谢谢大家的礼物和支持，我们马上开始。"
STREAMER_SAYS = "好了好了，先别说了，我们开始打二郎神。"


@pytest.fixture
def pulse() -> Iterator[PulseServer]:
    with pulse_server() as server:
        server.pactl("load-module", "module-null-sink", "sink_name=cohost_mic")
        yield server


def run_config(tmp_path: Path, echo_guard: str) -> Path:
    room = tmp_path / "room.jsonl"
    room.write_text(
        json.dumps({"type": "control", "mono": 0.5, "action": "say", "text": BOT_SAYS}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[sources]
enabled = ["replay"]
[sources.replay]
path = "{room}"
[llm]
engine = "template"
[control]
port = 0
[asr]
echo_guard = "{echo_guard}"
[audio]
output_dir = "{tmp_path / "audio"}"
""",
        encoding="utf-8",
    )
    return config


def start(
    tmp_path: Path, pulse: PulseServer, config: Path, record: Path, **env: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "agent", "run", "--config", str(config), "--record", str(record)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **pulse.env, **env},
        cwd=tmp_path,
    )


def events(record: Path) -> list[dict[str, object]]:
    if not record.exists():
        return []
    lines = record.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.endswith("}")]


def wait_for(record: Path, proc: subprocess.Popen[str], what: str, timeout: float = 180.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = events(record)
        if any(e["type"] == what for e in seen):
            return seen
        if proc.poll() is not None:
            raise AssertionError(f"cohost run exited before {what}: {proc.stderr.read()[-3000:]}")
        time.sleep(0.05)
    raise AssertionError(f"no {what} event within {timeout:g} s")


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-3000:]
    return err


def transcripts(seen: list[dict]) -> list[str]:
    return [str(e["text"]) for e in seen if e["type"] == "transcript"]


@pytest.mark.parametrize("echo_guard", ["gate", "none"])
def test_the_bots_own_voice_in_the_mic_is_never_transcribed(
    tmp_path: Path, pulse: PulseServer, echo_guard: str
) -> None:
    # No headphones, worst case: the bot plays straight into the mic sink.
    record = tmp_path / "run.jsonl"
    proc = start(
        tmp_path,
        pulse,
        run_config(tmp_path, echo_guard),
        record,
        PULSE_SINK="cohost_mic",
        PULSE_SOURCE="cohost_mic.monitor",
    )
    try:
        wait_for(record, proc, "utterance_done")
        time.sleep(3.0)  # a transcript of the tail would arrive by now
    finally:
        if proc.poll() is None:
            stop(proc)
    seen = events(record)
    outcomes = [e["outcome"] for e in seen if e["type"] == "utterance_done"]
    if echo_guard == "gate":
        assert outcomes == ["spoken"]  # said to the end: it never mistook itself for the streamer
        assert transcripts(seen) == []
        assert not any(e["type"] == "streamer_voice" for e in seen)
    else:
        # The control, so the test above can fail: without the gate the same audio reaches the
        # ears, which take the bot's voice for the streamer's and cut the bot off.
        assert outcomes == ["interrupted"]
        assert any(e["type"] == "streamer_voice" and e["speaking"] for e in seen)


def test_the_streamer_talking_over_the_bot_stops_it_and_is_transcribed(
    tmp_path: Path, pulse: PulseServer
) -> None:
    streamer = tmp_path / "streamer.wav"
    said = subprocess.run(
        [sys.executable, "-m", "agent", "say", STREAMER_SAYS, "--voice", "jf_alpha", "--out", str(streamer)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert said.returncode == 0, said.stderr
    record = tmp_path / "run.jsonl"
    # Headphones: the bot plays on the speakers (vsink), the mic hears only the streamer.
    proc = start(tmp_path, pulse, run_config(tmp_path, "none"), record, PULSE_SOURCE="cohost_mic.monitor")
    try:
        wait_for(record, proc, "audio")
        subprocess.run(
            ["paplay", "--device=cohost_mic", str(streamer)],
            env={**os.environ, **pulse.env},
            check=True,
            timeout=60,
        )
        seen = wait_for(record, proc, "transcript")
    finally:
        if proc.poll() is None:
            stop(proc)
    seen = events(record)
    assert [e["outcome"] for e in seen if e["type"] == "utterance_done"] == ["interrupted"]
    voice = [e["speaking"] for e in seen if e["type"] == "streamer_voice"]
    assert voice[:1] == [True] and voice[-1] is False
    assert "二郎神" in "".join(transcripts(seen)) or "开始" in "".join(transcripts(seen))
    cut = [e for e in seen if e["type"] == "audio_ended" and e["cut"]]
    assert cut, "the sentence playing when the streamer spoke was cut short"
