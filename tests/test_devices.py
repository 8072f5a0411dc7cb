"""Audio device listing and lookup against a real PulseAudio null sink (tests/pulse.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from agent.audio import devices
from agent.audio.devices import AudioUnavailable, find_output_device, list_devices
from tests.pulse import PulseServer, pulse_server, requires_pulseaudio


@pytest.fixture
def pulse(monkeypatch: pytest.MonkeyPatch) -> Iterator[PulseServer]:
    """A PulseAudio server this process's PortAudio sees (re-initialised in, and again after)."""
    with pulse_server() as server, monkeypatch.context() as env:
        for key, value in server.env.items():
            env.setenv(key, value)
        list_devices(rescan=True)
        yield server
    list_devices(rescan=True)  # forget the server's devices for the tests that follow


@requires_pulseaudio
def test_pulse_device_is_listed_and_found(pulse: PulseServer) -> None:
    found = {d.name: d for d in list_devices()}
    assert "pulse" in found, found
    sink = found["pulse"]
    assert sink.outputs > 0 and sink.inputs > 0 and sink.hostapi == "ALSA"
    assert find_output_device("pulse") == sink.index
    assert find_output_device("PULSE") == sink.index
    assert find_output_device("puls") == sink.index
    assert find_output_device("none") is None


@requires_pulseaudio
def test_auto_is_the_default_output(pulse: PulseServer) -> None:
    import sounddevice as sd

    index = find_output_device("auto")
    (chosen,) = [d for d in list_devices() if d.index == index]
    assert chosen.default_output and chosen.outputs > 0
    # PortAudio's own default output, which on this machine is ALSA's "default" (routed to the
    # private PulseAudio server), not merely the first output device ("pulse" comes first).
    assert index == sd.query_devices(kind="output")["index"]
    assert (chosen.name, chosen.hostapi) == ("default", "ALSA")
    first = next(d for d in list_devices() if d.outputs > 0)
    assert first.index != index, "the first output is the default here: this test would not tell them apart"


@requires_pulseaudio
def test_unknown_name_lists_close_names(pulse: PulseServer) -> None:
    with pytest.raises(ValueError) as err:
        find_output_device("pusle")
    message = str(err.value)
    assert "\n" not in message
    assert "'pusle'" in message and "'pulse'" in message and "cohost devices" in message


@requires_pulseaudio
def test_found_device_really_plays(pulse: PulseServer) -> None:
    import sounddevice as sd

    index = find_output_device("pulse")
    with sd.OutputStream(device=index, samplerate=48000, channels=1, dtype="float32") as stream:
        stream.write(np.zeros((4800, 1), dtype=np.float32))
        playing = pulse.pactl("list", "short", "sink-inputs")
    assert playing.strip(), "the stream should reach the PulseAudio server as a sink input"


def cohost(*args: str, env: dict[str, str], python_prefix: str = "") -> subprocess.CompletedProcess[str]:
    code = python_prefix + "from agent.app.cli import app; app(" + repr(list(args)) + ")"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@requires_pulseaudio
def test_cohost_devices_prints_the_pulse_device() -> None:
    with pulse_server() as server:
        done = cohost("devices", env=server.env)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if " pulse " in line]
    assert len(rows) == 1 and "ALSA" in rows[0]
    assert "default" in done.stdout and "audio.output_device" in done.stdout


def test_cohost_devices_without_portaudio(tmp_path: Path) -> None:
    # sounddevice finds libportaudio through ctypes.util.find_library; hide it.
    hide = "import ctypes.util; ctypes.util.find_library = lambda name: None; "
    done = cohost("devices", env={}, python_prefix=hide)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and "WAV files" in lines[0] and "libportaudio2" in lines[0]


def test_no_devices_means_wav_files(monkeypatch: pytest.MonkeyPatch) -> None:
    empty = SimpleNamespace(
        query_hostapis=lambda: [], query_devices=lambda: [], default=SimpleNamespace(device=[-1, -1])
    )
    monkeypatch.setattr(devices, "_sounddevice", lambda rescan: empty)
    assert list_devices() == []
    assert find_output_device("auto") is None
    with pytest.raises(ValueError, match="no audio devices found"):
        find_output_device("pulse")


def test_no_portaudio_means_wav_files(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(rescan: bool) -> None:
        raise AudioUnavailable(devices.NO_PORTAUDIO)

    monkeypatch.setattr(devices, "_sounddevice", missing)
    assert find_output_device("auto") is None
    assert find_output_device("none") is None
    with pytest.raises(ValueError, match="PortAudio is not installed"):
        find_output_device("Speakers")


@requires_pulseaudio
def test_doctor_sees_the_pulse_device(pulse: PulseServer) -> None:
    from agent.app import doctor
    from agent.config import AudioConfig

    listed = doctor.check_audio_devices()
    assert listed.status == "ok" and "default output" in listed.detail
    named = doctor.check_output_device(AudioConfig(output_device="pulse"))
    assert named.status == "ok" and named.detail.endswith(" pulse")
    auto = doctor.check_output_device(AudioConfig(output_device="auto"))
    assert auto.status == "ok" and "auto -> #" in auto.detail


def test_pactl_missing_is_one_error_naming_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import pulse as pulse_module

    monkeypatch.setattr(pulse_module, "PACTL", None)
    with pytest.raises(RuntimeError, match=r"^pactl is not installed \(apt-get install pulseaudio-utils\)$"):
        PulseServer(Path("/nonexistent"), 0, "vsink").pactl("info")
