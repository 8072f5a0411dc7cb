"""What an ASR engine is: one speech segment (16 kHz mono float32) in, kept transcripts out.

Engines are synchronous: ``load`` and ``transcribe`` are plain blocking calls that
the mic stage runs in a worker thread. Each engine describes itself (``info``)
and says whether it can run here and what to fix (``check``), so the doctor, the
CLI and the runtime never learn engines by name; ``agent.ears.registry`` builds
one from its ``[asr.<engine>]`` section. The text rules every engine applies to
what it heard (simplified characters, the phrases Whisper invents over silence)
live here too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import numpy as np

from agent.shared.checks import Check, EngineInfo

SAMPLE_RATE = 16_000
CHINESE = frozenset({"zh", "yue"})  # languages whisper may write in traditional characters


class AsrUnavailable(RuntimeError):
    """ASR cannot run (model not found, fetched or loaded; server absent); one line naming the key."""


@dataclass(frozen=True, slots=True)
class Heard:
    """One kept piece of a segment; ``start``/``end`` in seconds into the audio given to ``transcribe``."""

    text: str
    start: float
    end: float
    confidence: float
    language: str


class Transcriber(Protocol):
    name: str

    def load(self) -> None:
        """Resolve and load the model or reach the server (blocking, once); raise AsrUnavailable."""
        ...

    def transcribe(self, audio: np.ndarray) -> list[Heard]:
        """Transcribe 16 kHz mono float32 speech (blocking); only what passed the guards."""
        ...

    def check(self) -> Check:
        """Can it run here (cheap: no download, no model load)? For `cohost doctor`."""
        ...

    def info(self) -> EngineInfo: ...


def normalise(text: str) -> str:
    """Text for comparison: no spaces, punctuation or symbols, case-folded."""
    return "".join(ch for ch in text.casefold() if unicodedata.category(ch)[0] not in "PSZC")


@cache
def _t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def is_hallucination(text: str, phrases: Iterable[str]) -> bool:
    """True when ``text`` is nothing but known phrases (one, or repeated), compared normalised."""
    rest = normalise(text)
    if not rest:
        return False
    for phrase in sorted({normalise(p) for p in phrases} - {""}, key=len, reverse=True):
        rest = rest.replace(phrase, "")
    return not rest
