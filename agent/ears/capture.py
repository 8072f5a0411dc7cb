"""The streamer's mic as 16 kHz mono float32 blocks: a sound card (sounddevice) or a WAV played in real time.

Both mics have one async interface (``blocks()`` and ``level()``), so the mic
stage, the demo and the tests run the same code. Each block carries ``t``, the
runtime clock's time at its last sample, which is what the echo guard compares
with the times the bot's own audio played.

The sound card side keeps PortAudio's callback thread trivial: it copies the
block, stamps it and hands it to the event loop with ``call_soon_threadsafe``.
Downmixing and resampling (PyAV's ``AudioResampler``: FFmpeg's swresample,
already installed with faster-whisper) happen on the loop; the handoff queue
is bounded and drops the oldest block, counted, if the loop falls behind. A
mic that errors, finishes or goes quiet for ``stall_s`` is reported in one
warning line, then reopened with backoff until it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from agent.audio.devices import AudioUnavailable, list_devices, match_device
from agent.clock import Clock
from agent.ears.level import Level, LevelMeter
from agent.shared.backoff import Backoff

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
BLOCK_S = 0.032  # one Silero chunk per block at 16 kHz
FIRST_BLOCK_S = 6.0  # how long a newly opened stream may take to deliver its first block
T = TypeVar("T")


class MicUnavailable(RuntimeError):
    """The mic cannot be opened (now); the message is one line with the fix."""


class AudioFileError(ValueError):
    """An audio file that cannot be read; the message is one line naming it."""


@dataclass(frozen=True, slots=True)
class MicBlock:
    samples: np.ndarray = field(repr=False)  # 16 kHz mono float32
    t: float  # runtime clock time of the block's last sample


class Mic(Protocol):
    name: str
    clock: Clock

    def blocks(self) -> AsyncIterator[MicBlock]:
        """16 kHz mono float32 blocks until cancelled (a live mic) or the file ends."""
        ...

    def level(self) -> Level: ...


# --- resampling and files -----------------------------------------------------


class Resampler:
    """Mono float32 at ``rate`` -> 16 kHz, streaming (state kept between blocks)."""

    def __init__(self, rate: int) -> None:
        import av

        self.rate = rate
        self._av = av
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        if self.rate == SAMPLE_RATE:
            return samples
        frame = self._av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples, np.float32).reshape(1, -1), format="flt", layout="mono"
        )
        frame.sample_rate = self.rate
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(out) if out else np.zeros(0, np.float32)


def read_audio(path: Path) -> np.ndarray:
    """A WAV (any rate, mono or stereo; other formats FFmpeg reads too) as 16 kHz mono float32."""
    if not path.is_file():
        raise AudioFileError(f"{path}: no such file")
    from av.error import FFmpegError
    from faster_whisper import decode_audio

    try:
        audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except (FFmpegError, ValueError, IndexError, OSError) as exc:
        # FFmpeg's own words ("Invalid data found when processing input"), not its error number.
        reason = getattr(exc, "strerror", None) or str(exc).split(":")[0] or type(exc).__name__
        raise AudioFileError(f"{path}: not a WAV file ({reason}): pass a 16-bit WAV, any rate") from None
    return np.asarray(audio, dtype=np.float32)


class WavMic:
    """A file as the streamer's mic, paced by ``clock`` (``Clock(speed=10)`` plays it 10x faster).

    Block ``k`` is stamped ``start + (k + 1) * block`` on the clock and handed out
    once the clock reaches that time, so its timestamps do not depend on how busy
    the machine is. ``start`` defaults to the clock's time when ``blocks()`` begins.
    """

    def __init__(
        self, path: Path, clock: Clock, *, start: float | None = None, block_s: float = BLOCK_S
    ) -> None:
        self.name = f"file:{path.name}"
        self.clock = clock
        self.audio = read_audio(path)
        self.start = start
        self._block = max(1, round(block_s * SAMPLE_RATE))
        self._meter = LevelMeter()

    def level(self) -> Level:
        return self._meter.level()

    async def blocks(self) -> AsyncIterator[MicBlock]:
        start = self.clock.now() if self.start is None else self.start
        for at in range(0, len(self.audio), self._block):
            block = self.audio[at : at + self._block]
            t = start + (at + len(block)) / SAMPLE_RATE
            await self.clock.sleep_until(t)
            self._meter.add(block)
            yield MicBlock(block, t)


# --- the sound card -----------------------------------------------------------


def find_input_device(name: str) -> int | None:
    """The PortAudio index for ``audio.input_device``; None = there is no input at all.

    "auto" -> the default input, else the first input. A number -> that index. A
    name matches exactly, then case-insensitively, then as a substring (the
    rules of ``agent.audio.devices.find_output_device``). Raises MicUnavailable.
    """
    wanted = name.strip()
    try:
        inputs = [d for d in list_devices() if d.inputs > 0]
    except AudioUnavailable as exc:
        raise MicUnavailable(str(exc)) from None
    if wanted.lower() in ("auto", "default", ""):
        chosen = next((d for d in inputs if d.default_input), inputs[0] if inputs else None)
        return chosen.index if chosen else None
    try:
        return match_device(wanted, inputs, "input")
    except ValueError as exc:
        raise MicUnavailable(str(exc)) from None


async def _off_loop(fn: Callable[[], T], timeout_s: float, cleanup: Callable[[T], object] | None = None) -> T:
    """Run a PortAudio call that may hang (a dead sound server) in a daemon thread.

    Not ``asyncio.to_thread``: a hung call there would also hang shutdown, which
    joins the default executor's threads; a daemon thread is simply left behind.
    A result that arrives after the caller gave up (timeout, cancellation) is
    passed to ``cleanup`` (e.g. a stream opened too late is closed).
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if done.done():  # the caller gave up meanwhile
            if error is None and cleanup is not None:
                threading.Thread(target=cleanup, args=(result,), daemon=True).start()
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def work() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            result = fn()
        except BaseException as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name="cohost-mic-call", daemon=True).start()
    async with asyncio.timeout(timeout_s):
        return await done


class DeviceMic:
    """``audio.input_device`` through PortAudio, reopened with backoff whenever it goes away."""

    def __init__(
        self,
        device: str,
        clock: Clock | None = None,
        *,
        stall_s: float = 2.0,
        max_queued: int = 64,
        retry_initial_s: float = 0.5,
        retry_max_s: float = 10.0,
    ) -> None:
        self.name = f"mic:{device}"
        self.device = device
        # Blocks are stamped on this clock and the echo guard reads the same one
        # (Ears.observe), so any clock works; the runtime passes its own.
        self.clock = clock or Clock()
        self.stall_s = stall_s
        self._queue: deque[tuple[np.ndarray, float]] = deque()
        self._max_queued = max_queued
        self._wake = asyncio.Event()
        self._finished = False
        self._backoff = Backoff(retry_initial_s, retry_max_s)
        self._meter = LevelMeter()
        self._warned = False
        self._generation = 0
        self.dropped = 0  # blocks dropped because the loop fell behind
        self.reconnects = 0  # times the mic was lost and reopened
        self.rate = 0  # the rate the device was opened at

    def level(self) -> Level:
        return self._meter.level()

    def stats(self) -> dict[str, object]:
        return {
            "device": self.device,
            "rate": self.rate,
            "dropped": self.dropped,
            "reconnects": self.reconnects,
        }

    async def blocks(self) -> AsyncIterator[MicBlock]:
        loop = asyncio.get_running_loop()
        while True:
            try:
                stream, resample = await self._open(loop)
            except (MicUnavailable, TimeoutError) as exc:
                self._trouble(str(exc) or "opening the mic timed out")
                await asyncio.sleep(self._backoff.next_delay())
                continue
            except Exception as exc:  # a mic must never take the pipeline down: report, retry
                self._trouble(f"cannot open mic {self.device!r}: {type(exc).__name__}: {exc}")
                await asyncio.sleep(self._backoff.next_delay())
                continue
            try:
                async for block in self._drain(resample):
                    if self._warned:
                        log.info("mic: %s is back", self.device)
                        self._warned = False
                    self._backoff.reset()
                    yield block
                reason = "the stream stopped" if self._finished else "no audio arrived"
            finally:
                await self._close(stream)
            self._meter.clear()  # the level of a lost mic is "silent", not its last word
            self.reconnects += 1
            self._trouble(f"mic {self.device!r} lost: {reason}")
            await asyncio.sleep(self._backoff.next_delay())

    def _trouble(self, line: str) -> None:
        # One warning per outage; the retries that follow are debug lines.
        if not self._warned:
            log.warning("%s; retrying in the background", line)
            self._warned = True
        else:
            log.debug("%s", line)

    async def _open(self, loop: asyncio.AbstractEventLoop) -> tuple[Any, Resampler]:
        # Each stream has its own generation, so a late callback of a closed one is ignored.
        self._generation += 1
        generation = self._generation
        self._queue.clear()
        self._finished = False
        self._wake.clear()

        def callback(indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
            # PortAudio's thread: copy, stamp, hand over. Nothing that can block.
            with contextlib.suppress(RuntimeError):  # the loop closed during shutdown
                loop.call_soon_threadsafe(self._arrive, generation, indata.copy(), self.clock.now())

        def finished() -> None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._stopped, generation)

        def open_stream() -> tuple[Any, int]:
            try:
                import sounddevice as sd
            except OSError as exc:
                raise MicUnavailable(f"PortAudio is not installed ({exc}): install libportaudio2") from None
            index = find_input_device(self.device)
            if index is None:
                raise MicUnavailable('no audio input device (plug in a mic, or set asr.engine = "none")')
            rate, channels = stream_settings(sd, index)
            try:
                stream = sd.InputStream(
                    device=index,
                    samplerate=rate,
                    channels=channels,
                    dtype="float32",
                    blocksize=round(rate * BLOCK_S),
                    callback=callback,
                    finished_callback=finished,
                )
                stream.start()
            except sd.PortAudioError as exc:
                raise MicUnavailable(f"cannot open mic {self.device!r}: {exc}") from None
            return stream, rate

        stream, rate = await _off_loop(open_stream, timeout_s=10.0, cleanup=lambda opened: opened[0].close())
        self.rate = rate
        if rate != SAMPLE_RATE:
            log.info("mic: %s records at %d Hz; resampling to 16 kHz", self.device, rate)
        return stream, Resampler(rate)

    def _arrive(self, generation: int, data: np.ndarray, t: float) -> None:
        if generation != self._generation:
            return
        if len(self._queue) >= self._max_queued:
            self._queue.popleft()
            self.dropped += 1
        self._queue.append((data, t))
        self._wake.set()

    def _stopped(self, generation: int) -> None:
        if generation != self._generation:
            return
        self._finished = True
        self._wake.set()

    async def _drain(self, resample: Resampler) -> AsyncIterator[MicBlock]:
        # A freshly opened stream may take a while to deliver (PulseAudio through ALSA
        # needs ~2 s on a busy PC); once blocks flow, a gap of stall_s means trouble.
        wait_s = max(self.stall_s, FIRST_BLOCK_S)
        while True:
            while self._queue:
                data, t = self._queue.popleft()
                mono = data.mean(axis=1) if data.ndim == 2 and data.shape[1] > 1 else data.reshape(-1)
                samples = resample(mono.astype(np.float32, copy=False))
                wait_s = self.stall_s
                if len(samples):
                    self._meter.add(samples)
                    yield MicBlock(samples, t)
            if self._finished:
                return
            self._wake.clear()
            try:
                async with asyncio.timeout(wait_s):
                    await self._wake.wait()
            except TimeoutError:
                return

    async def _close(self, stream: Any) -> None:
        try:
            await _off_loop(stream.close, timeout_s=5.0)
        except Exception as exc:  # closing a dead stream may fail or hang; the next open starts afresh
            log.debug("mic: closing the old stream: %s", exc)


def stream_settings(sd: Any, index: int) -> tuple[int, int]:
    """16 kHz mono if the device takes it, else its own rate (and stereo if it must)."""
    info = sd.query_devices(index)
    channels = 1
    for rate in (SAMPLE_RATE, int(info["default_samplerate"])):
        for channels in (1, min(2, int(info["max_input_channels"]))):
            try:
                sd.check_input_settings(device=index, samplerate=rate, channels=channels, dtype="float32")
            except Exception:  # PortAudioError or ValueError: try the next setting
                continue
            return rate, channels
    return int(info["default_samplerate"]), channels
