"""The transcriber: one speech segment (16 kHz float32) in, kept transcripts out, with faster-whisper.

A plain blocking engine, as wyoming-faster-whisper has it: the mic stage runs
``transcribe`` in a worker thread, and faster-whisper's lazy ``segments``
generator is consumed inside that call, so decoding never lands on the event
loop. After decoding, each segment passes the guards whisper itself uses
(no-speech probability with a low log-probability, a too-repetitive text), is
converted to simplified Chinese (whisper base writes mostly traditional) and is
dropped when it is only one of the phrases whisper invents over silence or
music ("字幕由Amara.org社区提供", "Thanks for watching") or only the hotwords it
was primed with, repeated back over silence.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from agent.config_speech import FasterWhisperAsr
from agent.ears import models
from agent.ears.base import (
    CHINESE,
    SAMPLE_RATE,
    AsrUnavailable,
    Heard,
    Transcriber,
    is_hallucination,
    normalise,
    to_simplified,
)
from agent.shared.checks import Check, EngineInfo

__all__ = [
    "AsrUnavailable",
    "Cleaner",
    "FasterWhisperTranscriber",
    "Heard",
    "Transcriber",
    "is_hallucination",
    "normalise",
    "resolve_device",
    "to_simplified",
]

log = logging.getLogger(__name__)
KEY = models.KEY  # where this engine's settings sit in config.toml


class SegmentLike(Protocol):
    """The parts of ``faster_whisper.transcribe.Segment`` the guards read."""

    text: str
    start: float
    end: float
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float


# --- after decoding: guards, simplified characters, hallucinations ------------


class Cleaner:
    """Everything applied to whisper's segments after decoding; pure, so tests feed it segments."""

    def __init__(self, cfg: FasterWhisperAsr) -> None:
        self.cfg = cfg
        # The list is compared in simplified and as written, so "謝謝觀看" matches "谢谢观看".
        phrases = set(cfg.hallucinations)
        self._phrases = sorted(phrases | {to_simplified(p) for p in phrases}) if phrases else []
        # Whisper primed with hotwords or a prompt repeats them over silence (measured with
        # base: "黑神话悟空 天命人" at no_speech 0.8 on pure silence, 0.2-0.3 when spoken).
        self._primed = [p for p in [*cfg.hotwords, cfg.initial_prompt] if normalise(p)]

    def passes_guards(self, segment: SegmentLike) -> bool:
        cfg = self.cfg
        silent = (
            segment.no_speech_prob > cfg.no_speech_threshold and segment.avg_logprob < cfg.log_prob_threshold
        )
        repetitive = segment.compression_ratio > cfg.compression_ratio_threshold
        return not (silent or repetitive)

    def is_echo(self, text: str, segment: SegmentLike) -> bool:
        """Only hotwords/prompt, where whisper thinks nobody spoke: its priming repeated back."""
        primed = self._primed
        return (
            bool(primed)
            and segment.no_speech_prob > self.cfg.no_speech_threshold
            and is_hallucination(text, primed)
        )

    def text(self, raw: str, language: str) -> str:
        """The text as published, or "" to drop it."""
        text = raw.strip()
        if self.cfg.simplified and language in CHINESE:
            text = to_simplified(text)
        if not normalise(text) or is_hallucination(text, self._phrases):
            return ""
        return text

    def results(self, segments: Iterable[SegmentLike], language: str) -> list[Heard]:
        kept = []
        for segment in segments:  # a lazy generator from faster-whisper: decoding happens here
            if not self.passes_guards(segment):
                log.debug("asr: dropped by the guards: %r", segment.text)
                continue
            text = self.text(segment.text, language)
            if not text:
                log.debug("asr: dropped as a known hallucination or empty: %r", segment.text)
                continue
            if self.is_echo(text, segment):
                log.debug("asr: dropped an echo of the hotwords over silence: %r", segment.text)
                continue
            confidence = min(1.0, max(0.0, math.exp(segment.avg_logprob)))
            kept.append(Heard(text, segment.start, segment.end, confidence, language))
        return kept


# --- the engine ---------------------------------------------------------------


def resolve_device(device: str) -> str:
    """ "auto" -> "cuda" when CTranslate2 sees a GPU, else "cpu"."""
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


class FasterWhisperTranscriber:
    name = "faster_whisper"

    def __init__(self, cfg: FasterWhisperAsr, *, progress: bool = True) -> None:
        self.cfg = cfg
        self.cleaner = Cleaner(cfg)
        self._progress = progress
        self._model: Any = None
        self._lock = threading.Lock()
        self.device: str = cfg.device
        self.path: Path | None = None

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            try:
                from faster_whisper import WhisperModel
            except ImportError:
                raise AsrUnavailable(
                    'asr.engine = "faster_whisper" needs: pip install faster-whisper'
                ) from None
            # faster-whisper logs every call at INFO ("Processing audio with duration"):
            # one line per utterance is noise in a streamer's console.
            logging.getLogger("faster_whisper").setLevel(logging.WARNING)
            path = models.resolve(self.cfg, progress=self._progress)
            device = resolve_device(self.cfg.device)
            try:
                model = WhisperModel(str(path), device=device, compute_type=self.cfg.compute_type)
            except (RuntimeError, ValueError, OSError) as exc:
                raise AsrUnavailable(_load_error(self.cfg, device, exc)) from None
            language = self.cfg.language
            if language not in ("", "auto") and language not in model.supported_languages:
                raise AsrUnavailable(
                    f"{KEY}.language = {language!r}: this model knows "
                    f'{", ".join(model.supported_languages[:12])}… (or "auto")'
                )
            self._model, self.device, self.path = model, device, path
            log.info("asr: %s loaded from %s on %s/%s", self.cfg.model, path, device, self.cfg.compute_type)

    def transcribe(self, audio: np.ndarray) -> list[Heard]:
        self.load()
        cfg = self.cfg
        audio = np.asarray(audio, dtype=np.float32)
        if audio.size == 0:
            return []
        segments, info = self._model.transcribe(
            audio,
            language=None if cfg.language in ("", "auto") else cfg.language,
            beam_size=cfg.beam_size,
            temperature=list(cfg.temperatures),
            no_speech_threshold=cfg.no_speech_threshold,
            log_prob_threshold=cfg.log_prob_threshold,
            compression_ratio_threshold=cfg.compression_ratio_threshold,
            # Each call is one VAD segment of one streamer: earlier text would only
            # help whisper repeat itself, and base echoes prompts.
            condition_on_previous_text=False,
            initial_prompt=cfg.initial_prompt or None,
            hotwords=" ".join(cfg.hotwords) or None,
            vad_filter=False,  # the mic stage already cut the speech out
            without_timestamps=True,  # segments are <= asr.vad.max_segment_s: one window each
        )
        return self.cleaner.results(segments, info.language)

    def check(self) -> Check:
        try:
            import faster_whisper  # noqa: F401

            if self.cfg.simplified:
                import opencc  # noqa: F401
        except ImportError as exc:
            return Check("asr", "fail", f"{exc.name} is not installed", "pip install faster-whisper opencc")
        try:
            ready, where = models.ready(self.cfg)
        except AsrUnavailable as exc:
            return Check("asr", "fail", str(exc), f"fix {KEY}.model in config.toml")
        if ready or models.classify(self.cfg.model) == "base":
            return Check("asr", "ok", f"faster-whisper {self.cfg.model}: {where}")
        return Check(
            "asr",
            "warn",
            where,
            f'stay online for the first start, or {models.MIRROR_HINT}, or set {KEY}.model = "base"',
        )

    def info(self) -> EngineInfo:
        languages = (self.cfg.language,) if self.cfg.language not in ("", "auto") else ()
        return EngineInfo(
            name=self.name, kind="asr", sample_rate=SAMPLE_RATE, languages=languages, model=self.cfg.model
        )


def _load_error(cfg: FasterWhisperAsr, device: str, exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    fix = f'set {KEY}.device = "cpu"' if device == "cuda" else f"check the files or pick another {KEY}.model"
    return f"{KEY}.model = {cfg.model!r} failed to load on {device}/{cfg.compute_type}: {first} ({fix})"
