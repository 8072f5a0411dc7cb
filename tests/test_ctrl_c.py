"""Ctrl-C as a streamer presses it: the terminal sends SIGINT to the whole foreground process
group (the sentiment worker included), and nothing prints a traceback.

`cohost run` is stopped through a process-group SIGINT (what the terminal does); `cohost demo`
runs on a real pseudo-terminal and gets a real Ctrl-C byte, so its live progress bar is drawn
and must stay where the replay was stopped, with exit code 130.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from agent.sources.replay import DEMO_RECORDING

pytestmark = pytest.mark.slow  # loads the sentiment model, Kokoro

SENTIMENT_READY = "sentiment model (snownlp) ready"
# How long a step may take on a loaded 2-core machine before the test gives up (not a timing
# assertion: only a bound on waiting for something that must happen).
PATIENCE_S = 240.0


def quiet_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "COHOST_AUDIO__OUTPUT_DEVICE": "none",
        "COHOST_AUDIO__OUTPUT_DIR": str(tmp_path / "audio"),
        "COHOST_CONTROL__PORT": "0",  # any free port: the control API is on by default
        "COHOST_ASR__ENGINE": "none",  # the demo streamer replays as text: no Whisper needed here
    }


class Collected:
    """A pipe or pty read in the background, so the test can wait for a line."""

    def __init__(self, fd: int) -> None:
        self.text = ""
        self._fd = fd
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:  # the pty closes with EIO when the child ends
                return
            if not chunk:
                return
            self.text += chunk.decode("utf-8", "replace")

    def wait_for(self, found: object, proc: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + PATIENCE_S
        while time.monotonic() < deadline and proc.poll() is None:
            if found(self.text) if callable(found) else found in self.text:
                return
            time.sleep(0.2)
        raise AssertionError(f"never saw {found!r}; output ends:\n{self.text[-3000:]}")


def test_ctrl_c_stops_run_without_a_traceback_from_any_process(tmp_path: Path) -> None:
    env = {
        **quiet_env(tmp_path),
        "COHOST_SOURCES__ENABLED": '["replay"]',
        "COHOST_SOURCES__REPLAY__PATH": str(DEMO_RECORDING),
    }
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-m", "agent", "run"],
        stdout=write_end,
        stderr=write_end,
        env=env,
        cwd=tmp_path,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    os.close(write_end)
    out = Collected(read_end)
    try:
        out.wait_for(SENTIMENT_READY, proc)  # the worker is up and waiting on its pipe
        out.wait_for("Ctrl-C stops it", proc)
        os.killpg(proc.pid, signal.SIGINT)  # the whole group, as the terminal's Ctrl-C
        proc.wait(timeout=PATIENCE_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    time.sleep(0.5)  # let the reader drain the pipe's last bytes
    assert "Traceback" not in out.text, out.text[-3000:]
    assert "KeyboardInterrupt" not in out.text
    assert proc.returncode == 0, out.text[-2000:]  # `cohost run` ends on Ctrl-C: its normal stop
    assert "Messages in" in out.text


def _on_a_terminal(tmp_path: Path, args: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, b"\x00\x28\x00\xc8\x00\x00\x00\x00")  # 40 rows, 200 cols

    def controlling_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # after setsid: Ctrl-C on this pty reaches our group

    proc = subprocess.Popen(
        [sys.executable, "-m", "agent", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**quiet_env(tmp_path), "TERM": "xterm", "COLUMNS": "200"},
        cwd=tmp_path,
        start_new_session=True,
        preexec_fn=controlling_terminal,
    )
    os.close(slave)
    return proc, master


def _positions(text: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in re.findall(r"(\d+)/(\d+) s", text)]


def test_ctrl_c_on_the_demo_keeps_the_bar_where_it_stopped_and_exits_130(tmp_path: Path) -> None:
    proc, master = _on_a_terminal(tmp_path, ["demo", "--speed", "2"])
    out = Collected(master)
    try:
        out.wait_for(SENTIMENT_READY, proc)
        # The replay is under way: the bar has moved past 10 s of stream.
        out.wait_for(lambda text: any(at >= 10 for at, _ in _positions(text)), proc)
        os.write(master, b"\x03")  # Ctrl-C, typed
        proc.wait(timeout=PATIENCE_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    time.sleep(0.5)
    os.close(master)
    assert "Traceback" not in out.text, out.text[-3000:]
    assert "KeyboardInterrupt" not in out.text
    assert proc.returncode == 130, out.text[-2000:]
    at, total = _positions(out.text)[-1]  # the bar's last drawing
    assert 10 <= at < total, out.text[-2000:]
    assert "Messages in" in out.text  # the summary of what did play


def test_ctrl_c_while_the_demo_starts_says_so_in_one_line(tmp_path: Path) -> None:
    proc, master = _on_a_terminal(tmp_path, ["demo"])
    out = Collected(master)
    try:
        out.wait_for("loading", proc)  # models are loading: the stream has not started
        os.write(master, b"\x03")
        proc.wait(timeout=PATIENCE_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    time.sleep(0.5)
    os.close(master)
    assert "Traceback" not in out.text, out.text[-3000:]
    assert proc.returncode == 130, out.text[-2000:]
    assert "Messages in" in out.text or "stopped before the stream started" in out.text
