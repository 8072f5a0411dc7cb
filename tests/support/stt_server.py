"""A loopback stand-in for an OpenAI-compatible speech-to-text server (speaches, the OpenAI API).

It speaks the real API: ``GET /v1/models`` and ``POST /v1/audio/transcriptions`` with a
multipart form (``file``, ``model``, ``language``, ``prompt``, ``response_format``,
``temperature``), answering ``json`` / ``verbose_json`` / ``text`` the way speaches does,
errors as OpenAI-style JSON. It transcribes with the real offline Whisper base through
faster-whisper, as speaches itself does: nothing it answers is scripted.
"""

from __future__ import annotations

import email.parser
import email.policy
import io
import json
import threading
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np

from tests.support.threaded import served

MODEL_ID = "Systran/faster-whisper-base"


def form_fields(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """A multipart/form-data body -> {name: (filename, bytes)} (the stdlib's MIME parser)."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    return fields


def read_wav(data: bytes) -> np.ndarray:
    """16 kHz mono float32 from a 16-bit PCM WAV (resampled linearly when it is another rate)."""
    with wave.open(io.BytesIO(data), "rb") as source:
        rate, channels = source.getframerate(), source.getnchannels()
        pcm = np.frombuffer(source.readframes(source.getnframes()), "<i2").astype(np.float32) / 32768
    mono = pcm.reshape(-1, channels).mean(axis=1) if channels > 1 else pcm
    if rate == 16000 or not len(mono):
        return mono
    times = np.arange(round(len(mono) * 16000 / rate)) / 16000
    return np.interp(times, np.arange(len(mono)) / rate, mono).astype(np.float32)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SpeechToTextServer

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, media: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        error = {"error": {"message": message, "type": "invalid_request_error", "code": None}}
        self._send(status, json.dumps(error).encode())

    def _authorised(self) -> bool:
        if self.server.api_key and self.headers.get("Authorization") != f"Bearer {self.server.api_key}":
            self._error(401, "Incorrect API key provided")
            return False
        return True

    def do_GET(self) -> None:
        if self.path != "/v1/models":
            return self._error(404, f"no route {self.path}")
        if self._authorised():
            listing = {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "owned_by": "Systran"}]}
            self._send(200, json.dumps(listing).encode())

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/v1/audio/transcriptions":
            return self._error(404, f"no route {self.path}")
        if not self._authorised():
            return
        content_type = self.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data"):
            return self._error(400, "expected multipart/form-data")
        fields = form_fields(content_type, body)
        self.server.requests.append({k: v[1].decode() for k, v in fields.items() if k != "file"})
        if "file" not in fields:
            return self._error(400, "file: field required")
        if fields.get("model", (None, b""))[1].decode() != MODEL_ID:
            return self._error(404, f"model {fields.get('model', (None, b''))[1].decode()!r} not found")
        try:
            audio = read_wav(fields["file"][1])
        except (wave.Error, EOFError):
            return self._error(400, "file: could not decode audio")
        form = {k: v[1].decode() for k, v in fields.items() if k != "file"}
        self._answer(audio, form)

    def _answer(self, audio: np.ndarray, form: dict[str, str]) -> None:
        segments, info = self.server.transcribe(
            audio, form.get("language") or None, form.get("prompt") or None
        )
        text = "".join(s["text"] for s in segments).strip()
        fmt = form.get("response_format", "json")
        if fmt == "text":
            return self._send(200, text.encode(), "text/plain; charset=utf-8")
        if fmt == "json":
            return self._send(200, json.dumps({"text": text}, ensure_ascii=False).encode())
        if fmt != "verbose_json":
            return self._error(400, f"response_format {fmt!r} is not supported")
        verbose = {
            "task": "transcribe",
            "language": info.language,
            "duration": len(audio) / 16000,
            "text": text,
            "segments": segments,
        }
        self._send(200, json.dumps(verbose, ensure_ascii=False).encode())


class SpeechToTextServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, model_dir: Path, api_key: str = "") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        from faster_whisper import WhisperModel

        self.model = WhisperModel(str(model_dir), device="cpu", compute_type="int8")
        self.api_key = api_key
        self.requests: list[dict[str, str]] = []  # each transcription's form fields (no file)
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def transcribe(
        self, audio: np.ndarray, language: str | None, prompt: str | None
    ) -> tuple[list[dict[str, Any]], Any]:
        with self._lock:  # one decode at a time, as a one-GPU server would
            pieces, info = self.model.transcribe(audio, language=language, initial_prompt=prompt, beam_size=1)
            segments = [
                {
                    "id": i,
                    "seek": s.seek,
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                    "tokens": list(s.tokens),
                    "temperature": s.temperature,
                    "avg_logprob": s.avg_logprob,
                    "compression_ratio": s.compression_ratio,
                    "no_speech_prob": s.no_speech_prob,
                }
                for i, s in enumerate(pieces)
            ]
        return segments, info


@contextmanager
def running(model_dir: Path, api_key: str = "") -> Iterator[SpeechToTextServer]:
    with served(SpeechToTextServer(model_dir, api_key)) as server:
        yield server
