"""Where the bot's voice goes: a sound device, or WAV files when there is none.

Both sinks take as long as the audio lasts (in stream time), so the bot holds
its turn while it talks, and both stop within a tenth of a second when the
reply is interrupted. WAV files go into one folder per run, with an index
(``index.csv``: file, stream time, text) saying what each file says.
"""

from __future__ import annotations

import asyncio
import csv
import logging
import threading
import time
import wave
from pathlib import Path
from typing import Protocol

import numpy as np

from agent.clock import Clock

log = logging.getLogger(__name__)

_CHUNK_S = 0.1  # how often the WAV sink checks for an interrupt


class AudioSink(Protocol):
    name: str
    # Seconds of the sentence now playing, per utterance: what was played when ``play`` is
    # cancelled (a hard stop) rather than stopped, in the sink's own time.
    playhead: dict[int, float]

    async def play(
        self, utterance_id: int, samples: np.ndarray, sample_rate: int, stop: asyncio.Event, text: str = ""
    ) -> float:
        """Play until done or ``stop`` is set; return the seconds actually played. ``text``: what
        the samples say."""
        ...

    async def finish(self, utterance_id: int) -> None:
        """The utterance is over (spoken or interrupted)."""
        ...

    def close(self) -> None: ...


def to_pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


class WavSink:
    """Writes one WAV per utterance (what was actually 'played', cut where interrupted) into
    ``out_dir/run-<date>-<time>/``, and a line per file in that folder's ``index.csv``."""

    name = "wav"
    INDEX = "index.csv"

    def __init__(self, out_dir: Path, clock: Clock) -> None:
        self.out_dir = out_dir
        self.clock = clock
        self.files: list[Path] = []
        self.run_dir: Path | None = None  # made at the first file, so a run that says nothing leaves none
        self._parts: dict[int, list[np.ndarray]] = {}
        self._rate: dict[int, int] = {}
        self._started: dict[int, float] = {}
        self._text: dict[int, list[str]] = {}
        self.playhead: dict[int, float] = {}

    async def play(
        self, utterance_id: int, samples: np.ndarray, sample_rate: int, stop: asyncio.Event, text: str = ""
    ) -> float:
        step = max(1, int(sample_rate * _CHUNK_S))
        parts = self._parts.setdefault(utterance_id, [])
        self._rate[utterance_id] = sample_rate
        self._started.setdefault(utterance_id, self.clock.since_start())  # index.csv: stream time
        played = 0
        self.playhead[utterance_id] = 0.0
        for start in range(0, len(samples), step):
            if stop.is_set():
                break
            if start == 0 and text:  # the sentence has started: the index names it even if cut now
                self._text.setdefault(utterance_id, []).append(text)
            chunk = samples[start : start + step]
            parts.append(chunk)
            played += len(chunk)
            self.playhead[utterance_id] = played / sample_rate
            await self.clock.sleep(len(chunk) / sample_rate)
        return played / sample_rate

    async def finish(self, utterance_id: int) -> None:
        parts = self._parts.pop(utterance_id, [])
        rate = self._rate.pop(utterance_id, 22050)
        started = self._started.pop(utterance_id, 0.0)
        text = "".join(self._text.pop(utterance_id, []))
        self.playhead.pop(utterance_id, None)
        if not parts:
            return
        folder = self._folder()
        path = folder / f"utterance-{utterance_id:04d}.wav"
        data = to_pcm16(np.concatenate(parts))
        await asyncio.to_thread(_write_wav, path, data, rate)
        await asyncio.to_thread(_index_line, folder / self.INDEX, path.name, started, text)
        self.files.append(path)

    def _folder(self) -> Path:
        """This run's own folder: earlier runs' files are never overwritten or mixed in."""
        if self.run_dir is None:
            stamp = time.strftime("run-%Y%m%d-%H%M%S")
            for n in range(1, 1000):
                candidate = self.out_dir / (stamp if n == 1 else f"{stamp}-{n}")
                try:
                    candidate.mkdir(parents=True)
                except FileExistsError:
                    continue
                self.run_dir = candidate
                break
            else:
                raise FileExistsError(f"{self.out_dir}: no free run folder for {stamp}")
        return self.run_dir

    def close(self) -> None:
        return None


def _index_line(index: Path, name: str, started: float, text: str) -> None:
    new = not index.exists()
    with index.open("a", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        if new:
            writer.writerow(["file", "stream_time_s", "text"])
        writer.writerow([name, f"{started:.2f}", text])


def _write_wav(path: Path, pcm: bytes, rate: int) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)


# The device buffer: long enough that a busy machine refills it in time, short enough that
# an interrupt (which aborts the stream and drops what is buffered) is heard at once, and
# under 0.1 s: with a longer one PulseAudio (through PortAudio's ALSA plugin) dropped the
# start of every line, about 1.5 times the buffer (0.15 s lost 欢迎 of 欢迎来到直播间).
DEVICE_LATENCY_S = 0.05


class DeviceSink:
    """Plays on a sound device through a sounddevice callback stream.

    PortAudio's audio thread pulls the samples; an interrupt aborts the stream,
    so the voice stops within one device buffer instead of after queued writes.
    The buffer is DEVICE_LATENCY_S long: PortAudio's "low" (about 9 ms on PulseAudio)
    ran dry whenever a busy CPU (the model, a second program) was late to refill it,
    and the voice stuttered (来来到, 点点点点); 0.1 s and more lost each line's start.
    What the sink says it played leaves out what was still in the buffer when an
    interrupt aborted it.
    """

    name = "device"

    def __init__(self, device: int | None, clock: Clock) -> None:
        self.device = device
        self.clock = clock
        self.playhead: dict[int, float] = {}

    async def play(
        self, utterance_id: int, samples: np.ndarray, sample_rate: int, stop: asyncio.Event, text: str = ""
    ) -> float:
        import sounddevice as sd

        loop = asyncio.get_running_loop()
        finished = asyncio.Event()
        halt = threading.Event()
        mono = np.ascontiguousarray(samples, dtype=np.float32)
        position = 0

        def pull(outdata: np.ndarray, frames: int, time_info: object, status: object) -> None:
            nonlocal position
            if halt.is_set():
                raise sd.CallbackAbort
            chunk = mono[position : position + frames]
            outdata[: len(chunk), 0] = chunk
            outdata[len(chunk) :] = 0
            position += frames
            if position >= len(mono):
                raise sd.CallbackStop

        def ended() -> None:
            loop.call_soon_threadsafe(finished.set)

        stream = sd.OutputStream(
            samplerate=sample_rate,
            channels=1,
            dtype="float32",
            device=self.device,
            latency=DEVICE_LATENCY_S,
            callback=pull,
            finished_callback=ended,
        )
        buffered = round(stream.latency * sample_rate)  # samples pulled but not yet heard
        await asyncio.to_thread(stream.start)
        stopper = asyncio.ensure_future(stop.wait())
        ender = asyncio.ensure_future(finished.wait())
        try:
            await asyncio.wait({stopper, ender}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            halt.set()
            stopper.cancel()
            ender.cancel()
            await asyncio.to_thread(stream.abort if stop.is_set() else stream.stop)
            await asyncio.to_thread(stream.close)
            pulled = min(position, len(mono))
            if stop.is_set():  # aborted: the samples still in the device's buffer were never heard
                pulled = max(0, pulled - buffered)
            self.playhead[utterance_id] = pulled / sample_rate
        return self.playhead[utterance_id]

    async def finish(self, utterance_id: int) -> None:
        self.playhead.pop(utterance_id, None)

    def close(self) -> None:
        return None


def open_sink(output_device: str, out_dir: Path, clock: Clock) -> tuple[AudioSink, str]:
    """The configured sink, or WAV files with a notice saying why."""
    if output_device == "none":
        return WavSink(out_dir, clock), f"audio: writing WAV files to {out_dir}"
    if clock.speed != 1.0:
        return WavSink(
            out_dir, clock
        ), f"audio: replay runs at {clock.speed:g}x, writing WAV files to {out_dir}"
    try:
        from agent.audio.devices import find_output_device

        device = find_output_device(output_device)
    except (OSError, ImportError) as exc:
        return WavSink(out_dir, clock), f"audio: no sound system ({exc}); writing WAV files to {out_dir}"
    except ValueError as exc:
        return WavSink(out_dir, clock), f"audio: {exc}; writing WAV files to {out_dir}"
    if device is None:
        return WavSink(out_dir, clock), f"audio: no output device found; writing WAV files to {out_dir}"
    return DeviceSink(device, clock), f"audio: playing on device {device}"
