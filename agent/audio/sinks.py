"""Where the bot's voice goes: a sound device, or WAV files when there is none.

Both sinks take as long as the audio lasts (in stream time), so the bot holds
its turn while it talks, and both stop within a tenth of a second when the
reply is interrupted.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import wave
from pathlib import Path
from typing import Protocol

import numpy as np

from agent.clock import Clock

log = logging.getLogger(__name__)

_CHUNK_S = 0.1  # how often the WAV sink checks for an interrupt


class AudioSink(Protocol):
    name: str

    async def play(
        self, utterance_id: int, samples: np.ndarray, sample_rate: int, stop: asyncio.Event
    ) -> float:
        """Play until done or ``stop`` is set; return the seconds actually played."""
        ...

    async def finish(self, utterance_id: int) -> None:
        """The utterance is over (spoken or interrupted)."""
        ...

    def close(self) -> None: ...


def to_pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


class WavSink:
    """Writes one WAV per utterance (what was actually 'played', cut where interrupted)."""

    name = "wav"

    def __init__(self, out_dir: Path, clock: Clock) -> None:
        self.out_dir = out_dir
        self.clock = clock
        self.files: list[Path] = []
        self._parts: dict[int, list[np.ndarray]] = {}
        self._rate: dict[int, int] = {}

    async def play(
        self, utterance_id: int, samples: np.ndarray, sample_rate: int, stop: asyncio.Event
    ) -> float:
        step = max(1, int(sample_rate * _CHUNK_S))
        parts = self._parts.setdefault(utterance_id, [])
        self._rate[utterance_id] = sample_rate
        played = 0
        for start in range(0, len(samples), step):
            if stop.is_set():
                break
            chunk = samples[start : start + step]
            parts.append(chunk)
            played += len(chunk)
            await self.clock.sleep(len(chunk) / sample_rate)
        return played / sample_rate

    async def finish(self, utterance_id: int) -> None:
        parts = self._parts.pop(utterance_id, [])
        rate = self._rate.pop(utterance_id, 22050)
        if not parts:
            return
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / f"utterance-{utterance_id:04d}.wav"
        data = to_pcm16(np.concatenate(parts))
        await asyncio.to_thread(_write_wav, path, data, rate)
        self.files.append(path)

    def close(self) -> None:
        return None


def _write_wav(path: Path, pcm: bytes, rate: int) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)


class DeviceSink:
    """Plays on a sound device through a sounddevice callback stream.

    PortAudio's audio thread pulls the samples; an interrupt aborts the stream,
    so the voice stops within one device buffer instead of after queued writes.
    """

    name = "device"

    def __init__(self, device: int | None, clock: Clock) -> None:
        self.device = device
        self.clock = clock

    async def play(
        self, utterance_id: int, samples: np.ndarray, sample_rate: int, stop: asyncio.Event
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
            latency="low",
            callback=pull,
            finished_callback=ended,
        )
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
        return min(position, len(mono)) / sample_rate

    async def finish(self, utterance_id: int) -> None:
        return None

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
