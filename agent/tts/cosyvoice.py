"""CosyVoice: the streamer's own CosyVoice server (``runtime/python/fastapi/server.py``).

Two ways to pick the voice, as the server offers them:

- ``mode = "sft"``: a speaker built into the model (``spk_id``, e.g. 中文女), one
  ``POST /inference_sft`` form (``tts_text``, ``spk_id``) per sentence;
- ``mode = "zero_shot"``: a clone of a short reference clip: ``POST
  /inference_zero_shot`` with ``tts_text``, ``prompt_text`` (what the clip says) and
  the clip itself as the ``prompt_wav`` upload (a file on this PC).

The server answers with bare 16-bit PCM, streamed as each piece of the sentence
is synthesised, at the model's rate (22050 Hz for CosyVoice-300M, 24000 for
CosyVoice2: ``tts.cosyvoice.sample_rate``; a server that names its rate in an
``X-Custom-Header-sampleRate`` header overrides it). An error inside the server
ends the stream with no audio, so "no audio" names the likeliest causes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from agent.config_speech import CosyVoiceTTS
from agent.shared.checks import EngineInfo
from agent.tts import level
from agent.tts.base import TTSUnavailable
from agent.tts.server_voice import PcmStream, ServerVoice, failure, refused, resample

_KEY = "cosyvoice"
RATE_HEADER = "X-Custom-Header-sampleRate"


class Engine(ServerVoice):
    name = "cosyvoice"

    def __init__(self, cfg: CosyVoiceTTS) -> None:
        self.cfg = cfg
        self.sample_rate = cfg.sample_rate
        self._clip = b""

    def info(self) -> EngineInfo:
        voice = self.cfg.spk_id if self.cfg.mode == "sft" else self.cfg.prompt_wav
        return EngineInfo(
            self.name,
            "tts",
            self.sample_rate,
            languages=("zh",),
            voice=voice,
            model=f"CosyVoice ({self.cfg.mode}) at {self.cfg.url}",
        )

    @property
    def title(self) -> str:
        return self.cfg.url

    def settings_problem(self) -> str:
        if self.cfg.mode == "sft":
            return "" if self.cfg.spk_id else "tts.cosyvoice.spk_id is empty: name a speaker, e.g. 中文女"
        if not self.cfg.prompt_wav:
            return 'tts.cosyvoice.prompt_wav is empty: mode = "zero_shot" needs a reference clip (a WAV file)'
        if not Path(self.cfg.prompt_wav).expanduser().is_file():
            return f"tts.cosyvoice.prompt_wav: no file at {self.cfg.prompt_wav} (a WAV on this PC)"
        if not self.cfg.prompt_text:
            return "tts.cosyvoice.prompt_text is empty: write down what the reference clip says"
        return ""

    def settings_fix(self) -> str:
        return f"set tts.cosyvoice ({self.cfg.mode})"

    def prepare(self) -> None:
        """Zero-shot: the reference clip is read once and sent with every sentence."""
        if self.cfg.mode == "zero_shot":
            try:
                self._clip = Path(self.cfg.prompt_wav).expanduser().read_bytes()
            except OSError as exc:
                raise TTSUnavailable(f"tts.cosyvoice.prompt_wav: {exc.strerror or exc}") from None

    def stream(self, text: str) -> Iterator[np.ndarray]:
        """Float32 chunks at ``sample_rate`` as the server sends them."""
        import httpx

        said = False
        try:
            for chunk in self._request(text):
                said = True
                yield chunk
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            if said:
                raise failure("CosyVoice", self.cfg.url, _KEY, exc, self.cfg.timeout_s) from None
        except httpx.HTTPError as exc:
            raise failure("CosyVoice", self.cfg.url, _KEY, exc, self.cfg.timeout_s) from None
        if not said:
            what = f"tts.cosyvoice.spk_id = {self.cfg.spk_id!r} is one of its speakers"
            if self.cfg.mode == "zero_shot":
                what = f"tts.cosyvoice.prompt_wav ({self.cfg.prompt_wav}) is a clear WAV of a few seconds"
            raise TTSUnavailable(
                f"the CosyVoice server at {self.cfg.url} sent no audio: check that {what} "
                "(the server's console says why)"
            )

    def _request(self, text: str) -> Iterator[np.ndarray]:
        import httpx

        base = self.cfg.url.rstrip("/")
        files = None
        if self.cfg.mode == "sft":
            url, form = f"{base}/inference_sft", {"tts_text": text, "spk_id": self.cfg.spk_id}
        else:
            url, form = f"{base}/inference_zero_shot", {"tts_text": text, "prompt_text": self.cfg.prompt_text}
            files = {"prompt_wav": (Path(self.cfg.prompt_wav).name, self._clip, "audio/wav")}
        pcm = PcmStream("<i2")
        with (
            httpx.Client(timeout=self.cfg.timeout_s, trust_env=False) as client,
            client.stream("POST", url, data=form, files=files) as response,
        ):
            if response.status_code != 200:
                raise refused("CosyVoice", _KEY, response.status_code, response.read())
            rate = _rate(response.headers.get(RATE_HEADER), self.cfg.sample_rate)
            if not self._loaded:
                self.sample_rate = rate
            for data in response.iter_bytes():
                chunk = pcm.feed(data)
                if len(chunk):
                    yield level.limit(resample(chunk, rate, self.sample_rate))


def _rate(header: str | None, default: int) -> int:
    try:
        rate = int(header) if header else default
    except ValueError:
        return default
    return rate if 8000 <= rate <= 48000 else default
