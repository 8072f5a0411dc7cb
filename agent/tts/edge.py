"""edge-tts: Microsoft Edge's online neural voices (zh-CN-XiaoxiaoNeural and friends).

Popular with Chinese streamers for its natural voices; it needs the internet,
and nothing is sent anywhere unless ``tts.engine = "edge"``. Each sentence is
one request in a private event loop on the worker thread the reply pipeline
gives us, so the engine stays synchronous like the others. edge_tts escapes
the text for SSML and splits it at 4,096 bytes itself; we add emoji removal,
a timeout and a pause after a failure, so an offline PC gets one clear line
instead of a storm of retries, one per sentence.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import math
import re
import time
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from agent.config_speech import EdgeTTS
from agent.shared.checks import Check, EngineInfo
from agent.tts import level
from agent.tts.base import TTSUnavailable
from agent.tts.text import NO_AUDIO

SAMPLE_RATE = 24000  # the service sends audio-24khz-48kbitrate-mono-mp3
# edge_tts sends at most this many bytes of escaped text per request; its splitter cuts only at a
# newline or space and otherwise sends the rest whole (7.3.1), which Chinese text never has.
_REQUEST_BYTES = 4096
_CLAUSE_END = re.compile(r"(?<=[。！？；，、!?;,])")
# The longest run without a break: 800 characters of at most 5 escaped bytes (&amp;) fit a request.
_RUN = re.compile(r"\S{800}")
# After a failed request, sentences fail at once for this long rather than each waiting on the network.
RETRY_AFTER_S = 30.0


def decode_mp3(data: bytes, rate: int = SAMPLE_RATE) -> np.ndarray:
    """MP3 bytes -> mono float32 samples at ``rate`` (PyAV, which ships its own FFmpeg)."""
    import av

    parts: list[np.ndarray] = []
    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
    with av.open(io.BytesIO(data), mode="r", format="mp3") as container:
        for frame in container.decode(audio=0):
            parts.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
    parts.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
    if not parts:
        return NO_AUDIO
    return np.clip(np.concatenate(parts).astype(np.float32, copy=False), -1.0, 1.0)


def breakable(text: str) -> str:
    """Text too long for one request gets newlines after its clauses, where edge_tts's splitter cuts."""
    if len(escape(text).encode()) <= _REQUEST_BYTES:
        return text
    return _RUN.sub(lambda run: run.group() + "\n", _CLAUSE_END.sub("\n", text))


class Engine:
    name = "edge"
    sample_rate = SAMPLE_RATE

    def __init__(self, cfg: EdgeTTS) -> None:
        self.cfg = cfg
        self._loaded = False
        self._down_until = 0.0
        self._down_reason = ""

    def info(self) -> EngineInfo:
        language = "-".join(self.cfg.voice.split("-")[:2])
        return EngineInfo(
            self.name,
            "tts",
            SAMPLE_RATE,
            languages=(language,),
            voice=self.cfg.voice,
            model="edge-tts (online)",
        )

    def _bad_voice(self) -> str:
        """Why edge_tts refuses ``tts.edge.voice`` (checked offline), or ""."""
        from edge_tts.data_classes import TTSConfig

        try:
            TTSConfig(self.cfg.voice, self.cfg.rate, self.cfg.volume, self.cfg.pitch, "SentenceBoundary")
        except (TypeError, ValueError) as exc:
            example = "e.g. zh-CN-XiaoxiaoNeural; `edge-tts --list-voices`"
            return f"tts.edge.voice = {self.cfg.voice!r}: {exc} ({example})"
        return ""

    def check(self) -> Check:
        title = f"TTS edge ({self.cfg.voice})"
        for package in ("edge_tts", "av"):
            if importlib.util.find_spec(package) is None:
                return Check(title, "fail", f"{package} is not installed", "pip install edge-tts av")
        problem = self._bad_voice()
        if problem:
            return Check(title, "fail", problem, "set tts.edge.voice")
        return Check(title, "ok", "online voice: needs the internet while streaming")

    def load(self) -> None:
        """Checks the settings and makes one short request, so an offline PC is told at start-up."""
        if self._loaded:
            return
        try:
            import av  # noqa: F401  (decodes the MP3 the service sends)
            import edge_tts  # noqa: F401
        except ImportError as exc:
            raise TTSUnavailable(f"edge-tts needs {exc.name}: pip install edge-tts av") from None
        problem = self._bad_voice()
        if problem:
            raise TTSUnavailable(problem)
        self._request("你好")
        self._loaded = True

    def communicate(self, text: str) -> Any:
        """The edge_tts request for one sentence (it escapes the text and splits it at 4,096 bytes)."""
        import edge_tts

        seconds = max(1, math.ceil(self.cfg.timeout_s))
        return edge_tts.Communicate(
            breakable(text),
            self.cfg.voice,
            rate=self.cfg.rate,
            pitch=self.cfg.pitch,
            volume=self.cfg.volume,
            proxy=self.cfg.proxy or None,
            connect_timeout=seconds,
            receive_timeout=seconds,
        )

    def synthesize(self, text: str) -> np.ndarray:
        return level.finish(self._request(text), self.sample_rate)

    def _request(self, text: str) -> np.ndarray:
        if time.monotonic() < self._down_until:
            raise TTSUnavailable(self._down_reason)
        import aiohttp
        from edge_tts.exceptions import EdgeTTSException

        try:
            mp3 = asyncio.run(self._fetch(text))
        except (aiohttp.ClientError, OSError, TimeoutError, EdgeTTSException) as exc:
            # DNS, refused, proxy, TLS, a stalled socket, a protocol change: all "unreachable" to a streamer.
            self._down_reason = (
                f"edge-tts cannot reach Microsoft's speech service ({_short(exc)}): check the internet "
                'connection or tts.edge.proxy, or use an offline voice (tts.engine = "kokoro")'
            )
            self._down_until = time.monotonic() + RETRY_AFTER_S
            raise TTSUnavailable(self._down_reason) from None
        return decode_mp3(mp3)

    async def _fetch(self, text: str) -> bytes:
        audio = bytearray()
        loop = asyncio.get_running_loop()
        # The first audio must arrive within timeout_s, and then no gap may be longer.
        async with asyncio.timeout(self.cfg.timeout_s) as deadline:
            async for chunk in self.communicate(text).stream():
                if chunk["type"] == "audio":
                    audio += chunk["data"]
                    deadline.reschedule(loop.time() + self.cfg.timeout_s)
        return bytes(audio)


def _short(exc: BaseException) -> str:
    import aiohttp

    if isinstance(exc, TimeoutError):
        return "no answer in time"
    if isinstance(exc, aiohttp.ClientConnectorError):  # its str() includes an SSLContext repr
        return f"cannot connect to {exc.host}:{exc.port}: {exc.strerror}"
    detail = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
