"""The sound-device sink plays real audio (PulseAudio null sink) and stops when interrupted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pulse import pulse_server, requires_pulseaudio

SCRIPT = Path(__file__).parent / "scripts" / "play_on_pulse.py"
pytestmark = [requires_pulseaudio]


def play(*args: str) -> dict[str, float | str]:
    with pulse_server() as pulse:
        result = subprocess.run(
            [sys.executable, str(SCRIPT), *args],
            env={**os.environ, **pulse.env},
            capture_output=True,
            text=True,
            timeout=60,
            cwd=Path(__file__).parent.parent,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_speech_reaches_the_device() -> None:
    report = play()
    assert report["sink"] == "device", report["where"]
    duration = float(report["duration_s"])
    assert report["recorded_rms"] > 0.01
    # Speech (with its pauses) is heard on the sink's monitor for about half its length,
    # and play() returns only once the device has played it (plus the device's latency).
    assert float(report["loud_s"]) > 0.35 * duration
    # Never before the device has played it (a busy machine can only make it later).
    assert float(report["played_s"]) > duration * 0.95
    assert float(report["reported_s"]) == pytest.approx(duration, abs=0.05)  # what play() says it played


def test_interrupt_stops_the_device_at_once() -> None:
    report = play("2.0")
    assert report["sink"] == "device"
    duration = float(report["duration_s"])
    assert duration > 4.0
    # Stopped at 2 s of a speech over 4 s long. Without the stop, play() returns only after the
    # whole speech (the test above: never before 95% of it) and says it played all of it; with
    # it, what play() says it played ends short of the speech's end, the device went quiet, and
    # play() returned before the end (a busy machine only delays the stop: 2 s of headroom).
    assert float(report["reported_s"]) < duration - 0.5
    assert float(report["played_s"]) < duration
    assert 0 < float(report["loud_s"]) < 0.5 * duration  # cut short: much of the speech never played
