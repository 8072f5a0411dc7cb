"""Transcripts from an OpenAI-compatible speech-to-text server (``asr.engine = "openai"``).

Each speech segment is sent as a 16 kHz WAV to ``POST {base_url}/audio/transcriptions``
(multipart: ``file``, ``model``, ``language``, ``prompt``, ``response_format``), the
API that OpenAI, speaches (faster-whisper-server) and vLLM speak. Blocking, like
every ASR engine: the mic stage calls ``transcribe`` in a worker thread. What the
server answers is untrusted: it must be the JSON the API describes, its text is
capped, converted to simplified Chinese where asked and dropped when it is only
one of Whisper's phrases over silence. The parsing is a pure function
(``parse_transcription``), so it is tested without a socket.
"""

from __future__ import annotations

import io
import json
import math
import threading
import wave
from typing import Any

import httpx
import numpy as np

from agent.config_speech import OpenAIAsr
from agent.ears.base import (
    CHINESE,
    SAMPLE_RATE,
    AsrUnavailable,
    Heard,
    is_hallucination,
    normalise,
    to_simplified,
)
from agent.shared.checks import Check, EngineInfo

KEY = "asr.openai"
MAX_TEXT = 1000  # characters kept of one segment's text: 15 s of speech is far less
MAX_BODY = 1 << 20  # bytes of an answer read at most
# verbose_json names the language ("chinese"); the rest of Cohost uses Whisper's codes.
_CHINESE_NAMES = {"chinese": "zh", "cantonese": "yue", "mandarin": "zh"}


def wav_bytes(audio: np.ndarray, rate: int = SAMPLE_RATE) -> bytes:
    """Mono float32 in [-1, 1] as a 16-bit PCM WAV file."""
    pcm = (np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0) * 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())
    return out.getvalue()


def parse_transcription(body: bytes, cfg: OpenAIAsr, duration_s: float) -> list[Heard]:
    """The server's JSON answer -> the kept pieces; AsrUnavailable for anything else."""
    try:
        data = json.loads(body[:MAX_BODY])
    except ValueError:
        raise AsrUnavailable(f"the speech-to-text server sent something not JSON: {body[:60]!r}") from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise AsrUnavailable("the speech-to-text server's answer has no text (is it OpenAI-compatible?)")
    language = _language(data.get("language"), cfg)
    segments = data.get("segments")
    if isinstance(segments, list) and segments:
        pieces = [_piece(s, duration_s) for s in segments if isinstance(s, dict)]
    else:
        pieces = [(data["text"], 0.0, duration_s, 0.0)]  # plain "json": no timing, no confidence
    kept = []
    for raw, start, end, confidence in pieces:
        text = _clean(raw, language, cfg)
        if text:
            kept.append(Heard(text, start, end, confidence, language))
    return kept


def _piece(segment: dict[str, Any], duration_s: float) -> tuple[str, float, float, float]:
    text = segment.get("text")
    start = min(max(_number(segment.get("start"), 0.0), 0.0), duration_s)
    end = _number(segment.get("end"), duration_s)
    logprob = _number(segment.get("avg_logprob"), -99.0)
    end = min(max(end, start), duration_s)
    return (text if isinstance(text, str) else ""), start, end, min(1.0, max(0.0, math.exp(logprob)))


def _number(value: Any, default: float) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok else float(default)


def _language(reported: Any, cfg: OpenAIAsr) -> str:
    if cfg.language not in ("", "auto"):
        return cfg.language
    if isinstance(reported, str) and reported.strip():
        name = reported.strip().lower()
        return _CHINESE_NAMES.get(name, name[:12])
    return ""


def _clean(raw: str, language: str, cfg: OpenAIAsr) -> str:
    text = " ".join(raw.split())[:MAX_TEXT]
    if cfg.simplified and language in CHINESE:
        text = to_simplified(text)
    if not normalise(text) or is_hallucination(text, cfg.hallucinations):
        return ""
    return text


class OpenAITranscriber:
    """``OpenAITranscriber(cfg)``; ``load()`` finds the server, ``transcribe(audio)`` per segment.

    ``transport`` is for tests that want an in-memory server; normally left out.
    """

    name = "openai"

    def __init__(self, cfg: OpenAIAsr, *, transport: httpx.BaseTransport | None = None) -> None:
        self.cfg = cfg
        self.base_url = cfg.base_url.rstrip("/")
        self._transport = transport
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def _headers(self) -> dict[str, str]:
        key = self.cfg.api_key.get_secret_value()
        return {"Authorization": f"Bearer {key}"} if key else {}

    def load(self) -> None:
        with self._lock:
            if self._client is not None:
                return
            client = httpx.Client(
                base_url=self.base_url + "/",
                headers=self._headers(),
                timeout=httpx.Timeout(self.cfg.timeout_s),
                transport=self._transport,
            )
            try:
                response = client.get("models")
            except httpx.HTTPError as exc:
                client.close()
                raise AsrUnavailable(
                    f"no speech-to-text server at {self.base_url} ({type(exc).__name__}): start it "
                    f"(e.g. speaches) or fix {KEY}.base_url"
                ) from None
            if response.status_code in (401, 403):
                client.close()
                raise AsrUnavailable(f"{self.base_url} refused the API key: set {KEY}.api_key")
            self._client = client

    def transcribe(self, audio: np.ndarray) -> list[Heard]:
        self.load()
        assert self._client is not None
        audio = np.asarray(audio, dtype=np.float32)
        if audio.size == 0:
            return []
        fields = {"model": self.cfg.model, "response_format": self.cfg.response_format, "temperature": "0"}
        if self.cfg.language not in ("", "auto"):
            fields["language"] = self.cfg.language
        if self.cfg.prompt:
            fields["prompt"] = self.cfg.prompt
        files = {"file": ("segment.wav", wav_bytes(audio), "audio/wav")}
        try:
            response = self._client.post("audio/transcriptions", data=fields, files=files)
        except httpx.HTTPError as exc:
            raise AsrUnavailable(
                f"the speech-to-text server at {self.base_url} failed ({type(exc).__name__}); "
                f"is it still running? ({KEY}.base_url, {KEY}.timeout_s)"
            ) from None
        if response.status_code != 200:
            detail = " ".join(response.text[:200].split())
            raise AsrUnavailable(
                f"the speech-to-text server at {self.base_url} answered HTTP {response.status_code}: "
                f"{detail} (check {KEY}.model)"
            )
        return parse_transcription(response.content, self.cfg, audio.size / SAMPLE_RATE)

    def check(self) -> Check:
        """Does the server answer ``GET /models`` within a second? For `cohost doctor`."""
        try:
            response = httpx.get(f"{self.base_url}/models", headers=self._headers(), timeout=1.0)
        except httpx.HTTPError as exc:
            return Check(
                "asr",
                "fail",
                f"no speech-to-text server at {self.base_url} ({type(exc).__name__})",
                f'start it (e.g. speaches), fix {KEY}.base_url, or set asr.engine = "faster_whisper"',
            )
        if response.status_code in (401, 403):
            return Check("asr", "fail", f"{self.base_url} refused the API key", f"set {KEY}.api_key")
        return Check("asr", "ok", f"{self.base_url} answers; model {self.cfg.model}")

    def info(self) -> EngineInfo:
        languages = (self.cfg.language,) if self.cfg.language not in ("", "auto") else ()
        return EngineInfo(
            name=self.name, kind="asr", sample_rate=SAMPLE_RATE, languages=languages, model=self.cfg.model
        )
