"""`cohost say` streams by clause (the first clause is out while the rest is synthesised) and
`--play` plays on the default device: a private PulseAudio null sink, recorded from its monitor."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.pulse import pulse_server, requires_pulseaudio

REPO = Path(__file__).resolve().parent.parent
LINE = "大家好，欢迎来到直播间！今天我们一起玩游戏。"


def read(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(
            np.float32
        ) / 32768, wav.getframerate()


def say(*args: str, config: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent", "say", LINE, "--engine", "espeak", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[audio]\noutput_device = "none"\noutput_dir = "{(tmp_path / "a").as_posix()}"\n')
    return path


def test_streamed_and_whole_lines_say_the_same_clauses(tmp_path: Path, config: Path) -> None:
    streamed, whole = tmp_path / "s.wav", tmp_path / "w.wav"
    a = say("--out", str(streamed), config=config)
    b = say("--no-stream", "--out", str(whole), config=config)
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    assert "streamed by clause" in a.stderr and "streamed by clause" not in b.stderr
    s, rate = read(streamed)
    w, _ = read(whole)
    assert rate == 22050 and np.abs(s).max() > 0.1
    assert 0.7 < len(s) / len(w) < 1.5  # the same words, said clause by clause


@pytest.mark.slow
@requires_pulseaudio
def test_play_goes_to_the_default_device(tmp_path: Path, config: Path) -> None:
    record = tmp_path / "heard.wav"
    with pulse_server() as pulse:
        env = {**os.environ, **pulse.env}
        rec = subprocess.Popen(
            [
                "parecord",
                "--device=vsink.monitor",
                "--file-format=wav",
                "--channels=1",
                "--rate=22050",
                str(record),
            ],
            env=env,
        )
        try:
            done = say("--play", config=config, env=pulse.env)
        finally:
            rec.send_signal(signal.SIGINT)
            rec.wait(timeout=20)
    assert done.returncode == 0, done.stderr
    assert "playing on device" in done.stderr
    heard, rate = read(record)
    assert rate == 22050 and np.abs(heard).max() > 0.05  # the line came out of the speakers
