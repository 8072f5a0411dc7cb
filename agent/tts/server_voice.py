"""What the voice-server engines share: one HTTP request per sentence, audio read as it arrives.

GPT-SoVITS and CosyVoice run as the streamer's own servers. Both answer a
sentence with audio that may come in pieces (a WAV header then bare PCM, or bare
PCM), so the engines read it as a stream: ``stream()`` yields float32 chunks as
they arrive (``cohost say`` plays the first while the server still speaks the
rest) and ``synthesize()`` joins them. Every way a server can fail (not running,
too slow, refused, silence, a cut stream) becomes ``TTSUnavailable`` with one
line naming the key to fix; the reply pipeline then lets the backup voice say
that sentence (``agent.tts.backup``).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

import numpy as np

from agent.shared.checks import Check
from agent.tts import level
from agent.tts.base import TTSUnavailable
from agent.tts.text import NO_AUDIO

_RIFF_HEADER = 12  # "RIFF" size "WAVE"
_CHUNK_HEADER = 8


class WavStream:
    """Reads a WAV that arrives in pieces: fmt first, then PCM for as long as the server sends it.

    A streamed WAV's header claims zero (or a wrong) data length, so the length
    fields are ignored after the ``data`` chunk starts: everything after it is PCM.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._in_data = False
        self._carry = b""  # an odd byte waiting for its partner
        self.sample_rate = 0
        self._channels = 1
        self._width = 2

    def feed(self, data: bytes) -> np.ndarray:
        """The samples in ``data`` (may be empty while the header is still arriving)."""
        if self._in_data:
            return self._pcm(data)
        self._buffer += data
        if len(self._buffer) < _RIFF_HEADER:
            return NO_AUDIO
        if self._buffer[:4] != b"RIFF" or self._buffer[8:12] != b"WAVE":
            raise ValueError("not a WAV stream")
        offset = _RIFF_HEADER
        while len(self._buffer) >= offset + _CHUNK_HEADER:
            kind = bytes(self._buffer[offset : offset + 4])
            (size,) = struct.unpack("<I", self._buffer[offset + 4 : offset + 8])
            body = offset + _CHUNK_HEADER
            if kind == b"data":
                if not self.sample_rate:
                    raise ValueError("WAV data before its fmt chunk")
                self._in_data = True
                rest = bytes(self._buffer[body:])
                self._buffer.clear()
                return self._pcm(rest)
            if len(self._buffer) < body + size:
                return NO_AUDIO
            if kind == b"fmt ":
                fmt, channels, rate, _, _, bits = struct.unpack("<HHIIHH", self._buffer[body : body + 16])
                if fmt not in (1, 0xFFFE) or bits != 16:
                    raise ValueError(f"WAV format {fmt} with {bits}-bit samples (16-bit PCM expected)")
                self.sample_rate, self._channels, self._width = rate, channels, 2
            offset = body + size + (size & 1)
        return NO_AUDIO

    def _pcm(self, data: bytes) -> np.ndarray:
        data = self._carry + data
        frame = self._width * self._channels
        usable = len(data) - len(data) % frame
        self._carry = data[usable:]
        pcm = np.frombuffer(data[:usable], dtype="<i2").astype(np.float32) / 32768.0
        if self._channels > 1:
            pcm = pcm.reshape(-1, self._channels).mean(axis=1)
        return pcm


class PcmStream:
    """Bare PCM in pieces (``dtype`` "<i2" or "<f4"): a sample may be split across two pieces."""

    def __init__(self, dtype: str) -> None:
        self._dtype = np.dtype(dtype)
        self._carry = b""

    def feed(self, data: bytes) -> np.ndarray:
        data = self._carry + data
        usable = len(data) - len(data) % self._dtype.itemsize
        self._carry = data[usable:]
        samples = np.frombuffer(data[:usable], dtype=self._dtype).astype(np.float32)
        if self._dtype.kind == "i":
            samples /= 32768.0
        return np.clip(samples, -1.0, 1.0)


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """``samples`` at ``target`` Hz (a server whose model changed its rate keeps the engine's)."""
    if rate == target or len(samples) == 0:
        return samples
    import soxr

    return np.asarray(soxr.resample(samples, rate, target), dtype=np.float32)


def joined(chunks: Iterator[np.ndarray]) -> np.ndarray:
    parts = [chunk for chunk in chunks if len(chunk)]
    return np.concatenate(parts).astype(np.float32, copy=False) if parts else NO_AUDIO


def failure(name: str, url: str, key: str, exc: Exception, timeout_s: float) -> TTSUnavailable:
    """One line for an HTTP failure: what happened, which key to check, that the backup speaks."""
    import httpx

    if isinstance(exc, httpx.ConnectError):
        what = f"no {name} server answers at {url} ({_reason(exc)}): start it, or fix tts.{key}.url"
    elif isinstance(exc, httpx.TimeoutException):
        what = (
            f"the {name} server at {url} sent no audio for {timeout_s:g} s: it is busy or stuck "
            f"(tts.{key}.timeout_s)"
        )
    elif isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        what = f"the {name} server at {url} stopped mid-sentence: its console says why"
    else:
        what = f"the {name} server at {url}: {_reason(exc)}"
    return TTSUnavailable(what)


def refused(name: str, key: str, status: int, body: bytes) -> TTSUnavailable:
    """The server answered with an error: its own message, when it sent one."""
    import json

    detail = ""
    try:
        data: Any = json.loads(body)
        if isinstance(data, dict):
            parts = [str(data.get(k, "")) for k in ("message", "Exception", "detail")]
            detail = "; ".join(p for p in parts if p)
    except ValueError:
        detail = body[:160].decode("utf-8", "replace")
    detail = " ".join(detail.split())[:200] or f"HTTP {status}"
    return TTSUnavailable(f"the {name} server refused the sentence ({detail}): check tts.{key}")


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    for marker in ("Connection refused", "Name or service not known", "No route to host"):
        if marker in text:
            return marker.lower()
    return text[:160] or type(exc).__name__


class ServerVoice:
    """What a voice on the streamer's own TTS server shares: settings checked before any request,
    one short sentence at load so a server that is down shows at start-up, and whole sentences
    brought to the common speech level. A subclass names itself (``name``, ``title``), says
    what is wrong with its settings and streams a sentence's audio."""

    name = ""
    sample_rate = 0
    _loaded = False

    @property
    def title(self) -> str:
        return self.name

    def settings_problem(self) -> str:
        """What is wrong with the settings, in one line; empty when nothing is."""
        return ""

    def settings_fix(self) -> str:
        return f"set tts.{self.name}"

    def stream(self, text: str) -> Iterator[np.ndarray]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Before the first request (after the settings passed): read what the requests need."""

    def check(self) -> Check:
        title = f"TTS {self.name} ({self.title})"
        problem = self.settings_problem()
        if problem:
            return Check(title, "fail", problem, self.settings_fix())
        return Check(title, "ok", f"the streamer's {self.name} server (tts.backup covers it when down)")

    def load(self) -> None:
        if self._loaded:
            return
        problem = self.settings_problem()
        if problem:
            raise TTSUnavailable(problem)
        self.prepare()
        self.synthesize("你好。")
        self._loaded = True

    def synthesize(self, text: str) -> np.ndarray:
        # The whole sentence at the common speech level, like every other engine's.
        return level.finish(joined(self.stream(text)), self.sample_rate)
