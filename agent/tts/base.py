"""What a TTS engine is: one sentence of text in, mono float32 samples out."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class TTSUnavailable(RuntimeError):
    """The engine cannot run here; the message says what to install or change."""


class TTSEngine(Protocol):
    name: str
    sample_rate: int

    async def load(self) -> None: ...

    async def synthesize(self, text: str) -> np.ndarray:
        """Mono float32 samples in [-1, 1] at ``sample_rate``."""
        ...
