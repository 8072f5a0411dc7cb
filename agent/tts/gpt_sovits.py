"""GPT-SoVITS: the voice a streamer trained on their own clips, through the server's ``api_v2.py``.

The streamer runs ``python api_v2.py -a 127.0.0.1 -p 9880``; each sentence is one
``POST /tts`` with ``text``, ``text_lang``, ``ref_audio_path`` (a path on the
server's PC: the server reads it), ``prompt_text`` and ``prompt_lang``. With
``streaming_mode`` the server sends a WAV header and then bare 16-bit PCM as each
piece is ready; without it one whole WAV. A synthesis that fails inside the
server is answered with one second of silence (api_v2 yields zeros before it
re-raises), so silence is treated as a failure, with the likeliest cause named.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from agent.config_speech import GptSovitsTTS
from agent.shared.checks import EngineInfo
from agent.tts import level
from agent.tts.base import TTSUnavailable
from agent.tts.server_voice import ServerVoice, WavStream, failure, refused, resample

# What the server says before it has been asked (v2 models speak at 32 kHz); load() learns the real rate.
DEFAULT_RATE = 32000
_KEY = "gpt_sovits"
_SILENT = 1e-4


class Engine(ServerVoice):
    name = "gpt_sovits"

    def __init__(self, cfg: GptSovitsTTS) -> None:
        self.cfg = cfg
        self.sample_rate = DEFAULT_RATE

    def info(self) -> EngineInfo:
        return EngineInfo(
            self.name,
            "tts",
            self.sample_rate,
            languages=(self.cfg.text_lang,),
            voice=self.cfg.ref_audio_path,
            model=f"GPT-SoVITS api_v2 at {self.cfg.url}",
        )

    @property
    def title(self) -> str:
        return self.cfg.url

    def settings_problem(self) -> str:
        if not self.cfg.ref_audio_path:
            return (
                "tts.gpt_sovits.ref_audio_path is empty: set it to the reference clip "
                "(a path on the PC that runs GPT-SoVITS), and prompt_text to what the clip says"
            )
        return ""

    def settings_fix(self) -> str:
        return "set tts.gpt_sovits.ref_audio_path"

    def stream(self, text: str) -> Iterator[np.ndarray]:
        """Float32 chunks at ``sample_rate`` as the server sends them."""
        import httpx

        try:
            yield from self._request(text)
        except httpx.HTTPError as exc:
            raise failure("GPT-SoVITS", self.cfg.url, _KEY, exc, self.cfg.timeout_s) from None
        except ValueError as exc:  # not a WAV: something else listens on that port
            raise TTSUnavailable(
                f"tts.gpt_sovits.url = {self.cfg.url} did not answer like GPT-SoVITS api_v2 ({exc})"
            ) from None

    def body(self, text: str) -> dict[str, Any]:
        return {
            "text": text,
            "text_lang": self.cfg.text_lang,
            "ref_audio_path": self.cfg.ref_audio_path,
            "prompt_text": self.cfg.prompt_text,
            "prompt_lang": self.cfg.prompt_lang,
            "speed_factor": self.cfg.speed_factor,
            "text_split_method": "cut5",
            "media_type": "wav",
            "streaming_mode": self.cfg.streaming,
        }

    def _request(self, text: str) -> Iterator[np.ndarray]:
        import httpx

        url = self.cfg.url.rstrip("/") + "/tts"
        wav = WavStream()
        loud = False
        with (
            httpx.Client(timeout=self.cfg.timeout_s, trust_env=False) as client,
            client.stream("POST", url, json=self.body(text)) as response,
        ):
            if response.status_code != 200:
                raise refused("GPT-SoVITS", _KEY, response.status_code, response.read())
            try:
                for data in response.iter_bytes():
                    chunk = wav.feed(data)
                    loud = loud or bool(len(chunk) and np.max(np.abs(chunk)) > _SILENT)
                    if not loud:
                        continue  # leading silence is held back: it may be the server's failure answer
                    if not self._loaded and wav.sample_rate:
                        self.sample_rate = wav.sample_rate
                    yield level.limit(resample(chunk, wav.sample_rate, self.sample_rate))
            except (httpx.RemoteProtocolError, httpx.ReadError):
                if loud:
                    raise
                # api_v2 sends its second of silence and then drops the stream: the silence line below
        if not loud:
            raise TTSUnavailable(
                "the GPT-SoVITS server answered with silence, which is how api_v2 reports a failed "
                f"sentence: check that tts.gpt_sovits.ref_audio_path = {self.cfg.ref_audio_path!r} exists "
                "on the server's PC and prompt_lang/text_lang are languages it speaks (its console says why)"
            )
