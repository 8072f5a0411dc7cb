"""What a TTS engine is: one sentence of text in, mono float32 samples out.

Engines are synchronous: ``load`` and ``synthesize`` are plain blocking calls,
and the reply pipeline runs them in a worker thread, so no engine can block the
event loop by mistake. Each engine describes itself (``info``) and says whether
it can run on this PC and what to fix (``check``), so the doctor and the
runtime never learn engines by name. The registry (``agent.tts.registry``)
builds one from its config section.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from agent.shared.checks import Check, EngineInfo


class TTSUnavailable(RuntimeError):
    """The engine cannot run here; the message is one line saying what to install or change."""


class TTSEngine(Protocol):
    name: str
    sample_rate: int

    def load(self) -> None:
        """Load the model (blocking, once); raise TTSUnavailable with a one-line fix."""
        ...

    def synthesize(self, text: str) -> np.ndarray:
        """Mono float32 samples in [-1, 1] at ``sample_rate`` (blocking). ``text`` is already as
        the voice should read it: callers go through ``agent.tts.text.say`` (``to_say``)."""
        ...

    def check(self) -> Check:
        """Can it run here (cheap: no model load)? For `cohost doctor`."""
        ...

    def info(self) -> EngineInfo: ...
