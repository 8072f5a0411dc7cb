"""Coqui TTS (the ``coqui-tts`` package, import ``TTS``): any Coqui model, XTTS-v2 voice cloning.

An extra, because it needs torch: ``pip install -e '.[coqui]'``. ``tts.coqui.model``
is a Coqui model name (``tts_models/multilingual/multi-dataset/xtts_v2``,
``tts_models/zh-CN/baker/tacotron2-DDC-GST``; downloaded once into Coqui's
cache, set ``HF_ENDPOINT=https://hf-mirror.com`` in China) or the path of a
checkpoint file or model folder; ``tts.coqui.config`` is its ``config.json``
("" = the one beside it). XTTS-v2 clones a voice from ``speaker_wav`` (a clean
6-10 s WAV of the voice) and wants a GPU (``device = "cuda"``) for live use.
Loading goes through ``TTS.api.TTS``, Coqui's own loader, so every model family
Coqui supports loads the way Coqui loads it.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

from agent.config_speech import CoquiTTS
from agent.shared.checks import Check, EngineInfo
from agent.tts import level
from agent.tts.base import TTSUnavailable

log = logging.getLogger(__name__)

_INSTALL = "pip install coqui-tts six (it needs torch; from a clone: pip install -e '.[coqui]')"
_WHAT_MODEL = "a Coqui model name (e.g. tts_models/multilingual/multi-dataset/xtts_v2) or a checkpoint path"
_CHECKPOINT_SUFFIXES = (".pth", ".pt", ".tar", ".ckpt")


def _is_path(model: str) -> bool:
    """A file system path, as opposed to a name from Coqui's model list."""
    return (
        model.startswith(("/", ".", "~"))
        or "\\" in model
        or model.endswith(_CHECKPOINT_SUFFIXES)
        or Path(model).expanduser().exists()
    )


class Engine:
    name = "coqui"

    def __init__(self, cfg: CoquiTTS) -> None:
        self.cfg = cfg
        self.sample_rate = 22050
        self._lock = threading.Lock()
        self._tts: Any = None
        self._kwargs: dict[str, Any] = {}

    def info(self) -> EngineInfo:
        return EngineInfo(
            self.name,
            "tts",
            self.sample_rate,
            languages=(self.cfg.language,),
            voice=self.cfg.speaker or self.cfg.speaker_wav,
            model=self.cfg.model,
        )

    def _problem(self) -> tuple[str, str] | None:
        """(the key, what is wrong with it) for the first bad file setting (cheap), or None."""
        if not self.cfg.model:
            return "tts.coqui.model", f"no model set: set it to {_WHAT_MODEL}"
        if _is_path(self.cfg.model):
            model = Path(self.cfg.model).expanduser()
            if not model.exists():
                return "tts.coqui.model", f"no checkpoint at {model}"
            config = self._config_path(model)
            if not config.is_file():
                return "tts.coqui.config", f"no config.json at {config}"
        if self.cfg.speaker_wav and not Path(self.cfg.speaker_wav).expanduser().is_file():
            return "tts.coqui.speaker_wav", f"no WAV at {self.cfg.speaker_wav}"
        return None

    def _config_path(self, model: Path) -> Path:
        if self.cfg.config:
            return Path(self.cfg.config).expanduser()
        return (model if model.is_dir() else model.parent) / "config.json"

    def check(self) -> Check:
        title = f"TTS coqui ({self.cfg.model or 'no model'})"
        for package in ("torch", "TTS"):
            if importlib.util.find_spec(package) is None:
                return Check(title, "fail", f"{package} is not installed (Coqui is an extra)", _INSTALL)
        problem = self._problem()
        if problem:
            return Check(title, "fail", f"{problem[0]}: {problem[1]}", f"set {problem[0]}")
        return Check(title, "ok", f"{self.cfg.model} on {self._device_name()}")

    def _device_name(self) -> str:
        if self.cfg.device != "auto":
            return self.cfg.device
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"

    def load(self) -> None:
        with self._lock:
            if self._tts is None:
                self._load()

    def _load(self) -> None:
        missing = [name for name in ("torch", "TTS") if importlib.util.find_spec(name) is None]
        if missing:
            raise TTSUnavailable(f"{' and '.join(missing)} not installed (Coqui is an extra): {_INSTALL}")
        # Settings before the slow torch import, so a typo in config.toml is reported at once.
        problem = self._problem()
        if problem:
            raise TTSUnavailable(f"{problem[0]}: {problem[1]}")
        try:
            import torch
            from TTS.api import TTS
        except (ImportError, OSError) as exc:  # OSError: a CUDA torch wheel without CUDA libraries
            raise TTSUnavailable(f"Coqui TTS is not usable ({exc}): {_INSTALL}") from None
        device = self._device_name()
        if device == "cuda" and not torch.cuda.is_available():
            raise TTSUnavailable(
                'tts.coqui.device = "cuda" but torch sees no CUDA GPU: set it to "cpu" or "auto"'
            )
        try:
            if _is_path(self.cfg.model):
                model = Path(self.cfg.model).expanduser()
                tts = TTS(
                    model_path=str(model), config_path=str(self._config_path(model)), progress_bar=False
                )
            else:
                tts = TTS(self.cfg.model, progress_bar=True)  # downloads once, with a progress bar
            tts = tts.to(device)
        except Exception as exc:  # Coqui raises many kinds for a bad file, name or download
            detail = " ".join(str(exc).split())[:200]
            raise TTSUnavailable(f"tts.coqui.model: {self.cfg.model} does not load: {detail}") from None
        self._kwargs = self._voice_arguments(tts)
        self.sample_rate = int(tts.synthesizer.output_sample_rate)
        self._tts = tts

    def _voice_arguments(self, tts: Any) -> dict[str, Any]:
        """speaker / speaker_wav / language, only where the model takes them (Coqui refuses extras)."""
        kwargs: dict[str, Any] = {}
        if tts.is_multi_lingual:
            languages = tts.languages or []
            if languages and self.cfg.language not in languages:
                raise TTSUnavailable(
                    f"tts.coqui.language = {self.cfg.language!r}: the model speaks {', '.join(languages)}"
                )
            kwargs["language"] = self.cfg.language
        if self.cfg.speaker_wav:
            kwargs["speaker_wav"] = str(Path(self.cfg.speaker_wav).expanduser())
        elif tts.is_multi_speaker:
            speakers = tts.speakers or []
            if self.cfg.speaker and speakers and self.cfg.speaker not in speakers:
                raise TTSUnavailable(
                    f"tts.coqui.speaker = {self.cfg.speaker!r}: choose one of {', '.join(speakers[:12])}"
                )
            if not (self.cfg.speaker or speakers):
                raise TTSUnavailable(
                    "tts.coqui.speaker_wav: this model clones a voice; set it to a 6-10 s WAV of the voice"
                )
            kwargs["speaker"] = self.cfg.speaker or speakers[0]
        elif self.cfg.speaker:
            raise TTSUnavailable(f'tts.coqui.speaker: {self.cfg.model} has one voice; set speaker = ""')
        return kwargs

    def synthesize(self, text: str) -> np.ndarray:
        self.load()
        wav = self._tts.tts(text, **self._kwargs)
        samples = wav.detach().cpu().numpy() if hasattr(wav, "detach") else np.asarray(wav)
        return level.finish(samples, self.sample_rate)
