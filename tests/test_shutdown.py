"""`cohost run` stops cleanly on Ctrl-C and SIGTERM: no traceback, the log flushed, a summary."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.sources.replay import DEMO_RECORDING


def start_run(tmp_path: Path, record: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "COHOST_SOURCES__ENABLED": '["replay"]',
        "COHOST_SOURCES__REPLAY__PATH": str(DEMO_RECORDING),
        "COHOST_SOURCES__REPLAY__SPEED": "10",
        "COHOST_AUDIO__OUTPUT_DEVICE": "none",
        "COHOST_AUDIO__OUTPUT_DIR": str(tmp_path / "audio"),
        "COHOST_CONTROL__PORT": "0",  # any free port: the control API is on by default
    }
    return subprocess.Popen(
        [sys.executable, "-m", "agent", "run", "--record", str(record)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def wait_for_lines(record: Path, count: int, timeout: float = 240.0, danmaku: int = 0) -> None:
    """Until the log has ``count`` lines, ``danmaku`` of them danmaku (every other event the
    brain adds, verdicts included, does not count toward those). The deadline is only a hang
    guard: on a loaded 2-core machine the voice and the brain's models load for a minute."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = record.read_text(encoding="utf-8").splitlines() if record.exists() else []
        if len(lines) >= count and sum(line.startswith('{"type":"danmaku"') for line in lines) >= danmaku:
            return
        time.sleep(0.1)
    raise AssertionError(f"{record} never reached {count} lines ({danmaku} danmaku)")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_stops_cleanly_and_keeps_the_log(tmp_path: Path, sig: signal.Signals) -> None:
    record = tmp_path / "run.jsonl"
    proc = start_run(tmp_path, record)
    try:
        wait_for_lines(record, 40, danmaku=10)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err and "Traceback" not in out
    assert "Messages in" in out  # the summary still prints
    lines = record.read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]  # every line complete: nothing half-written
    assert len(events) >= 40
    assert sum(e["type"] == "danmaku" for e in events) >= 10


def test_run_without_sources_says_what_to_set(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agent", "run"], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "sources.enabled" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def busy_port() -> socket.socket:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder


def test_busy_control_port_stops_run_with_one_line(tmp_path: Path) -> None:
    with busy_port() as holder:
        env = {
            **os.environ,
            "COHOST_SOURCES__ENABLED": '["replay"]',
            "COHOST_SOURCES__REPLAY__PATH": str(DEMO_RECORDING),
            "COHOST_AUDIO__OUTPUT_DEVICE": "none",
            "COHOST_CONTROL__PORT": str(holder.getsockname()[1]),
        }
        result = subprocess.run(
            [sys.executable, "-m", "agent", "run"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            cwd=tmp_path,
        )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "control.port" in result.stderr.strip().splitlines()[-1]


def test_busy_control_port_is_only_a_notice_for_the_demo(tmp_path: Path) -> None:
    with busy_port() as holder:
        env = {
            **os.environ,
            "COHOST_AUDIO__OUTPUT_DEVICE": "none",
            "COHOST_TTS__ENGINE": "none",
            "COHOST_CONTROL__PORT": str(holder.getsockname()[1]),
        }
        result = subprocess.run(
            [sys.executable, "-m", "agent", "demo", "--speed", "100"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stderr[-1000:]
    assert "control API off" in result.stderr
    assert "Replies" in result.stdout
