"""Mic capture: the level meter, resampling, WAV mics, and a real mic through a private PulseAudio
(a null sink "cohost_mic" whose monitor is the mic), including a mic that vanishes mid-stream."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from agent.clock import Clock
from agent.ears.capture import AudioFileError, DeviceMic, Resampler, WavMic, read_audio
from agent.ears.level import LevelMeter, classify_level, measure
from tests.pulse import PulseServer, pulse_server, requires_pulseaudio
from tests.support.ears_audio import base_model, kokoro_wav, with_silence, write_wav

REPO = Path(__file__).resolve().parent.parent
RATE = 16000


def tone(seconds: float, amplitude: float, rate: int = RATE, hz: float = 440.0) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)


# --- level ----------------------------------------------------------------------------


def test_levels_say_silent_ok_or_clipping() -> None:
    assert classify_level(np.zeros(RATE, np.float32)) == "silent"
    assert classify_level(tone(1, 1e-4)) == "silent"  # -83 dBFS: a muted mic's hiss
    assert classify_level(tone(1, 0.1)) == "ok"
    assert classify_level(np.clip(tone(1, 3.0), -1, 1)) == "clipping"
    level = measure(tone(1, 0.5))
    assert level.peak_dbfs == pytest.approx(-6.0, abs=0.1)
    assert level.rms_dbfs == pytest.approx(-9.0, abs=0.1)
    assert "ok" in level.describe() and "dBFS" in level.describe()


def test_meter_reads_only_the_last_half_second() -> None:
    meter = LevelMeter()
    assert meter.level().state == "silent"
    for _ in range(40):
        meter.add(tone(0.032, 0.5))
    assert meter.level().state == "ok"
    for _ in range(16):  # 0.512 s of silence pushes the tone out of the window
        meter.add(np.zeros(512, np.float32))
    assert meter.level().state == "silent"


# --- resampling and files ---------------------------------------------------------------


def test_resampler_streams_48k_to_16k_keeping_the_pitch() -> None:
    resample = Resampler(48000)
    source = tone(2.0, 0.5, rate=48000, hz=440.0)
    out = np.concatenate([resample(block) for block in np.array_split(source, 125)])
    assert abs(len(out) - 2 * RATE) < 200  # the resampler holds back a few ms
    spectrum = np.abs(np.fft.rfft(out[-RATE:]))
    assert np.argmax(spectrum) == pytest.approx(440, abs=2)  # 1 Hz bins over one second
    block = tone(0.1, 0.5)
    assert Resampler(RATE)(block) is block  # 16 kHz passes through untouched


def test_read_audio_takes_any_rate_and_stereo(tmp_path: Path) -> None:
    stereo = np.stack([tone(1.0, 0.5, rate=44100), tone(1.0, 0.5, rate=44100)], axis=1)
    audio = read_audio(write_wav(tmp_path / "s.wav", stereo, 44100, channels=2))
    assert audio.dtype == np.float32 and abs(len(audio) - RATE) < 50
    assert 0.4 < np.abs(audio).max() < 0.6


def test_unreadable_files_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(AudioFileError, match="no such file"):
        read_audio(tmp_path / "missing.wav")
    text = tmp_path / "notes.wav"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(AudioFileError, match=r"notes.wav: not a WAV file") as caught:
        read_audio(text)
    assert "\n" not in str(caught.value)


def test_a_stalled_loop_drops_the_oldest_blocks_and_counts_them() -> None:
    mic = DeviceMic("pulse", max_queued=3)
    mic._generation = 1  # as if a stream were open
    for i in range(5):
        mic._arrive(1, np.full((512, 1), i, np.float32), t=i * 0.032)
    mic._arrive(0, np.zeros((512, 1), np.float32), t=9.0)  # a late block from a closed stream
    assert mic.dropped == 2
    assert [int(data[0, 0]) for data, _ in mic._queue] == [2, 3, 4]


async def test_wav_mic_plays_in_clock_time_with_fixed_stamps(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "t.wav", tone(1.0, 0.3, rate=22050), 22050)
    mic = WavMic(wav, Clock(speed=50), start=0.0)
    blocks = [block async for block in mic.blocks()]
    assert np.array_equal(np.concatenate([b.samples for b in blocks]), mic.audio)
    assert [round(b.t, 3) for b in blocks[:3]] == [0.032, 0.064, 0.096]
    assert blocks[-1].t == pytest.approx(len(mic.audio) / RATE)
    assert mic.level().state == "ok"


# --- a real mic through PulseAudio ------------------------------------------------------


class Listener:
    """`python -m tests.support.ears_audio` on the pulse mic, its output read line by line."""

    def __init__(self, pulse: PulseServer, env: dict[str, str], model: Path, *, seconds: float) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.ears_audio",
                "--model",
                str(model),
                "--seconds",
                str(seconds),
            ],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.events: queue.Queue[dict[str, object]] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.put(json.loads(line))

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        self.stderr.extend(self.proc.stderr)

    def wait_for(self, kind: str, timeout_s: float = 90.0, **fields: object) -> dict[str, object]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, "".join(self.stderr[-20:])
                continue
            if event["type"] == kind and all(event.get(k) == v for k, v in fields.items()):
                return event
        raise AssertionError(f"no {kind} {fields} within {timeout_s} s; stderr: {''.join(self.stderr[-20:])}")

    def wait_for_log(self, text: str, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if any(text in line for line in self.stderr):
                return
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never logged; stderr: {''.join(self.stderr[-20:])}")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


@contextmanager
def pulse_mic() -> Iterator[tuple[PulseServer, dict[str, str], subprocess.Popen[bytes]]]:
    """A private PulseAudio with a "cohost_mic" sink whose monitor is the mic, with a quiet room on it
    (a null sink's monitor only delivers audio while something plays into it; a real mic always does)."""
    with pulse_server() as pulse:
        pulse.pactl("load-module", "module-null-sink", "sink_name=cohost_mic")
        env = {**os.environ, **pulse.env, "PULSE_SOURCE": "cohost_mic.monitor", "PYTHONUNBUFFERED": "1"}
        room = start_room(env)
        try:
            yield pulse, env, room
        finally:
            room.kill()
            room.wait()


def start_room(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Digital silence played into the mic sink, like a quiet room on a real mic."""
    with open("/dev/zero", "rb") as zeros:
        return subprocess.Popen(
            ["pacat", "--playback", "--device=cohost_mic", "--format=s16le", "--rate=16000", "--channels=1"],
            stdin=zeros,
            env=env,
        )


def play(env: dict[str, str], wav: Path) -> None:
    subprocess.run(["paplay", "--device=cohost_mic", str(wav)], env=env, check=True, timeout=60)


@pytest.fixture(scope="module")
def streamer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.getbasetemp()
    speech = kokoro_wav(root)
    return with_silence(speech, root / f"mic-{speech.stem}.wav", before_s=0.3, after_s=1.0)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return base_model(tmp_path_factory.getbasetemp())


@requires_pulseaudio
@pytest.mark.slow
def test_speech_into_the_mic_becomes_a_transcript(streamer: Path, model: Path) -> None:
    with pulse_mic() as (pulse, env, _room):
        listener = Listener(pulse, env, model, seconds=120)
        try:
            listener.wait_for("ready", timeout_s=60)
            play(env, streamer)
            assert listener.wait_for("streamer_voice", speaking=True)
            transcript = listener.wait_for("transcript")
            assert "欢迎" in str(transcript["text"]), transcript
        finally:
            listener.stop()
        assert not [line for line in listener.stderr if line.startswith("WARNING")], listener.stderr


@requires_pulseaudio
@pytest.mark.slow
def test_a_vanished_mic_warns_once_and_comes_back(streamer: Path, model: Path) -> None:
    with pulse_mic() as (pulse, env, room):
        listener = Listener(pulse, env, model, seconds=150)
        try:
            listener.wait_for("ready", timeout_s=60)
            module = next(
                line.split()[0]
                for line in pulse.pactl("list", "short", "modules").splitlines()
                if "sink_name=cohost_mic" in line
            )
            room.kill()
            pulse.pactl("unload-module", module)  # the mic is unplugged
            listener.wait_for_log("lost")
            time.sleep(3)  # several reconnect attempts fail meanwhile
            pulse.pactl("load-module", "module-null-sink", "sink_name=cohost_mic")
            room = start_room(env)  # plugged back in
            listener.wait_for_log("is back", timeout_s=60)
            play(env, streamer)  # the stage kept running: it still hears and transcribes
            assert "欢迎" in str(listener.wait_for("transcript")["text"])
        finally:
            listener.stop()
            room.kill()
    warnings = [line for line in listener.stderr if line.startswith("WARNING")]
    assert len(warnings) == 1 and "lost" in warnings[0], warnings
    retries = [line for line in listener.stderr if "cannot open mic" in line or "lost" in line]
    assert len(retries) >= 1


def run_in_pulse(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


@requires_pulseaudio
def test_input_devices_are_found_by_name_or_index() -> None:
    code = """
import json
from agent.ears.capture import find_input_device, MicUnavailable
from agent.audio.devices import list_devices
pulse = find_input_device("pulse")
auto = find_input_device("auto")
inputs = [d for d in list_devices() if d.inputs > 0]
by_index = find_input_device(str(pulse))
by_case = find_input_device("PULSE")
try:
    find_input_device("Blue Yeti")
    print("no error")
except MicUnavailable as exc:
    print(json.dumps([pulse, auto is not None, by_index, by_case, str(exc)]))
"""
    with pulse_mic() as (_pulse, env, _room):
        pulse, auto, by_index, by_case, error = json.loads(run_in_pulse(env, code))
    assert auto and by_index == pulse == by_case
    assert (
        error.startswith("audio input device 'Blue Yeti' not found; closest:") and "cohost devices" in error
    )


@requires_pulseaudio
@pytest.mark.parametrize(("signal", "state"), [("silence", "warn"), ("tone", "ok")])
def test_mic_check_says_silent_or_ok(tmp_path: Path, signal: str, state: str) -> None:
    code = """
import json
from agent.config import Config
from agent.config_speech import AudioConfig
from agent.ears.cli import mic_check
c = mic_check(Config(audio=AudioConfig(input_device="pulse")), seconds=1.5)
print(json.dumps([c.name, c.status, c.detail, c.fix]))
"""
    with pulse_mic() as (_pulse, env, room):
        player = None
        if signal == "tone":
            room.kill()
            wav = write_wav(tmp_path / "tone.wav", tone(30.0, 0.3), RATE)
            player = subprocess.Popen(["paplay", "--device=cohost_mic", str(wav)], env=env)
        try:
            name, status, detail, fix = json.loads(run_in_pulse(env, code))
        finally:
            if player:
                player.kill()
    assert (name, status) == ("mic", state), detail
    assert ("mic ok" if state == "ok" else "mic silent") in detail and "dBFS" in detail
    assert state == "ok" or "unmute" in fix
