"""A private PulseAudio server with a null sink, so tests get real audio devices without a sound card.

    from tests.pulse import pulse_server, requires_pulseaudio

    @requires_pulseaudio
    def test_plays(tmp_path):
        with pulse_server() as pulse:
            subprocess.run([...], env={**os.environ, **pulse.env})

The server lives in its own XDG_RUNTIME_DIR (and HOME) under a temporary
folder, so parallel test runs never share or kill each other's server; it is
stopped by its pid. Clients find it through ``pulse.env`` (XDG_RUNTIME_DIR and
PULSE_SERVER). PortAudio enumerates devices once per process: import
sounddevice in a subprocess started with ``pulse.env``, or, in-process, set
the variables and re-initialise (``agent.audio.devices.list_devices(rescan=True)``
does ``sd._terminate(); sd._initialize()``), and rescan again afterwards.
Recipe: /work/shared/RECIPES.md "Real audio without a sound card".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.requires import require

PULSEAUDIO = shutil.which("pulseaudio")
PACTL = shutil.which("pactl")

requires_pulseaudio = pytest.mark.requires("pulseaudio", "pactl")


@dataclass(frozen=True)
class PulseServer:
    runtime_dir: Path
    pid: int
    sink: str

    @property
    def socket(self) -> Path:
        return self.runtime_dir / "pulse" / "native"

    @property
    def env(self) -> dict[str, str]:
        """What a client process needs in its environment to use this server."""
        return {"XDG_RUNTIME_DIR": str(self.runtime_dir), "PULSE_SERVER": f"unix:{self.socket}"}

    def pactl(self, *args: str) -> str:
        if PACTL is None:  # pulse_server() skips before this; a server made by hand still needs pactl
            raise RuntimeError("pactl is not installed (apt-get install pulseaudio-utils)")
        done = subprocess.run(
            [PACTL, *args], env={**os.environ, **self.env}, capture_output=True, text=True, timeout=10
        )
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout


@contextmanager
def pulse_server(sink: str = "vsink", start_timeout_s: float = 10.0) -> Iterator[PulseServer]:
    """Start PulseAudio with a null sink ``sink`` (default sink and, via its monitor, source)."""
    require("pulseaudio", "pactl", why="apt-get install pulseaudio pulseaudio-utils libportaudio2")
    runtime = Path(tempfile.mkdtemp(prefix="cohost-pulse-"))
    runtime.chmod(0o700)  # pulseaudio refuses a runtime dir others can read
    socket_path = runtime / "pulse" / "native"
    server_env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime)}
    log = (runtime / "pulseaudio.log").open("wb")
    proc = subprocess.Popen(
        [
            PULSEAUDIO,
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--use-pid-file=no",
            "-n",  # no default.pa: only the modules below
            f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket_path}",
            f"--load=module-null-sink sink_name={sink}",
            "--load=module-always-sink",
        ],
        env=server_env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = PulseServer(runtime, proc.pid, sink)
    try:
        _wait_ready(server, proc, start_timeout_s)
        server.pactl("set-default-sink", sink)
        server.pactl("set-default-source", f"{sink}.monitor")
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        shutil.rmtree(runtime, ignore_errors=True)


def _wait_ready(server: PulseServer, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"pulseaudio exited: {_log_tail(server)}")
        if server.socket.exists():
            try:
                server.pactl("info")
                return
            except RuntimeError:
                pass
        time.sleep(0.05)
    raise RuntimeError(f"pulseaudio did not start within {timeout_s:g} s: {_log_tail(server)}")


def _log_tail(server: PulseServer) -> str:
    try:
        text = (server.runtime_dir / "pulseaudio.log").read_text(errors="replace")
    except OSError:
        return "(no log)"
    return " | ".join(text.strip().splitlines()[-3:])


@contextmanager
def recording_monitor(server: PulseServer, path: Path, rate: int, timeout_s: float = 60.0) -> Iterator[None]:
    """Record ``server``'s sink monitor into the WAV file ``path`` (mono, ``rate``) while
    the block runs. It waits until the recorder's stream is connected, so nothing played
    in the block is lost to a recorder that starts late on a busy machine."""
    before = server.pactl("list", "short", "source-outputs").count("\n")
    recorder = subprocess.Popen(
        ["parecord", f"--device={server.sink}.monitor", "--file-format=wav", f"--rate={rate}", "--channels=1",
         str(path)],
        env={**os.environ, **server.env},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + timeout_s
        while server.pactl("list", "short", "source-outputs").count("\n") <= before:
            if recorder.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"parecord did not start recording (exit {recorder.poll()})")
            time.sleep(0.05)
        yield
    finally:
        recorder.terminate()
        recorder.wait(timeout=10)
