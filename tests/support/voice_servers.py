"""Loopback stand-ins for the voice servers streamers run: GPT-SoVITS api_v2 and CosyVoice's FastAPI server.

They speak the real wire format (checked against RVC-Boss/GPT-SoVITS ``api_v2.py``
and FunAudioLLM/CosyVoice ``runtime/python/fastapi/server.py``) and answer with
real speech from espeak-ng, clause by clause, so streaming is real too:

- GPT-SoVITS ``/tts`` (GET query or POST JSON): the same 400 ``{"message": ...}``
  checks as ``check_params``; ``streaming_mode`` true sends a WAV header with no
  frames and then bare 16-bit PCM per clause; a ``ref_audio_path`` that does not
  exist is answered the way api_v2 does (``TTS.run`` yields one second of zeros at
  16 kHz and re-raises: a silent WAV, or a header + zeros and a cut stream).
- CosyVoice ``/inference_sft`` (form: tts_text, spk_id) and ``/inference_zero_shot``
  (multipart: tts_text, prompt_text, prompt_wav): bare 16-bit PCM per clause at
  22050 Hz; an unknown speaker fails inside the stream (headers sent, then the
  connection drops), a missing form field is FastAPI's 422.
"""

from __future__ import annotations

import email.parser
import io
import json
import re
import subprocess
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import numpy as np

from tests.support.threaded import served

LANGUAGES = {"zh", "en", "ja", "ko", "yue", "auto", "auto_yue", "all_zh", "all_ja", "all_yue", "all_ko"}
SPEAKERS = ("中文女", "中文男")
_CLAUSES = re.compile(r"(?<=[，。！？；,.!?;])")


def espeak(text: str) -> tuple[np.ndarray, int]:
    """Real Mandarin speech (int16) from espeak-ng and its sample rate."""
    wav = subprocess.run(
        ["espeak-ng", "-v", "cmn", "--stdout", text], capture_output=True, check=True, timeout=60
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        return np.frombuffer(reader.readframes(reader.getnframes()), "<i2").copy(), reader.getframerate()


def clauses(text: str) -> list[str]:
    return [part for part in _CLAUSES.split(text) if part.strip()]


def wav_bytes(pcm: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.astype("<i2").tobytes())
    return buffer.getvalue()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: object) -> None:
        pass

    def _json(self, status: int, content: Any) -> None:
        body = json.dumps(content, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _start_stream(self, media: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Transfer-Encoding", "chunked")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _end(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _abort(self) -> None:
        """What uvicorn does when the body generator raises: the connection just closes."""
        self.close_connection = True
        self.wfile.flush()
        self.connection.shutdown(2)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _stall(self) -> None:
        self.server.requests.append(self.path)
        if self.server.delay_s:
            time.sleep(self.server.delay_s)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[_Handler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.delay_s = 0.0
        self.requests: list[Any] = []
        self.bodies: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class GptSovitsHandler(_Handler):
    def do_GET(self) -> None:
        query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        if urlparse(self.path).path != "/tts":
            return self._json(404, {"detail": "Not Found"})
        query["streaming_mode"] = query.get("streaming_mode", "false").lower() in ("true", "1")
        self._tts(query)

    def do_POST(self) -> None:
        if self.path != "/tts":
            return self._json(404, {"detail": "Not Found"})
        self._tts(json.loads(self._body() or b"{}"))

    def _tts(self, req: dict[str, Any]) -> None:
        self._stall()
        self.server.bodies.append(req)
        problem = check_params(req)
        if problem:
            return self._json(400, {"message": problem})
        streaming = bool(req.get("streaming_mode"))
        if not Path(str(req["ref_audio_path"])).is_file():
            return self._failed(streaming)  # TTS.run: "<path> not exists" inside its try
        parts = [espeak(part) for part in clauses(str(req["text"]))] if not streaming else []
        if not streaming:
            rate = parts[0][1]
            pcm = np.concatenate([p for p, _ in parts])
            self.send_response(200)
            body = wav_bytes(pcm, rate)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self._start_stream("audio/wav")
        first = True
        for part in clauses(str(req["text"])):
            pcm, rate = espeak(part)
            if first:
                self._chunk(wav_bytes(np.zeros(0, np.int16), rate))  # wave_header_chunk(sample_rate=sr)
                first = False
            self._chunk(pcm.tobytes())
        self._end()

    def _failed(self, streaming: bool) -> None:
        zeros = np.zeros(16000, np.int16)
        if not streaming:
            body = wav_bytes(zeros, 16000)
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self._start_stream("audio/wav")
        self._chunk(wav_bytes(np.zeros(0, np.int16), 16000))
        self._chunk(zeros.tobytes())
        self._abort()


def check_params(req: dict[str, Any]) -> str:
    """api_v2's check_params, message for message."""
    if req.get("ref_audio_path") in (None, ""):
        return "ref_audio_path is required"
    if req.get("text") in (None, ""):
        return "text is required"
    for key in ("text_lang", "prompt_lang"):
        value = req.get(key)
        if value in (None, ""):
            return f"{key} is required"
        if str(value).lower() not in LANGUAGES:
            return f"{key}: {value} is not supported in version v2"
    if req.get("media_type", "wav") not in ("wav", "raw", "ogg", "aac"):
        return f"media_type: {req.get('media_type')} is not supported"
    return ""


class CosyVoiceHandler(_Handler):
    def do_POST(self) -> None:
        path = urlparse(self.path).path
        if path not in ("/inference_sft", "/inference_zero_shot"):
            return self._json(404, {"detail": "Not Found"})
        self._stall()
        form = self._form()
        self.server.bodies.append({k: v for k, v in form.items() if k != "prompt_wav"})
        need = (
            ("tts_text", "spk_id") if path == "/inference_sft" else ("tts_text", "prompt_text", "prompt_wav")
        )
        missing = [key for key in need if key not in form]
        if missing:
            detail = [{"type": "missing", "loc": ["body", key], "msg": "Field required"} for key in missing]
            return self._json(422, {"detail": detail})
        if path == "/inference_zero_shot":
            try:
                with wave.open(io.BytesIO(form["prompt_wav"])) as clip:
                    clip.getnframes()
            except (wave.Error, EOFError):
                return self._json(500, {"detail": "Internal Server Error"})  # load_wav raised
        self._start_stream("text/plain; charset=utf-8", {"X-Custom-Header-sampleRate": "22050"})
        if path == "/inference_sft" and form["spk_id"] not in SPEAKERS:
            return self._abort()  # frontend.spk2info[spk_id]: KeyError inside the generator
        for part in clauses(str(form["tts_text"])):
            self._chunk(espeak(part)[0].tobytes())
        self._end()

    def _form(self) -> dict[str, Any]:
        body = self._body()
        kind = self.headers.get("Content-Type", "")
        if kind.startswith("application/x-www-form-urlencoded"):
            return {k: v[0] for k, v in parse_qs(body.decode()).items()}
        message = email.parser.BytesParser().parsebytes(f"Content-Type: {kind}\r\n\r\n".encode() + body)
        form: dict[str, Any] = {}
        for part in message.get_payload() if message.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True)
            form[str(name)] = data if part.get_filename() else data.decode()
        return form


@contextmanager
def serving(handler: type[_Handler]) -> Iterator[_Server]:
    with served(_Server(handler)) as server:
        yield server
