"""How loud the mic is: RMS and peak in dBFS over the last half second, and what that means.

``cohost doctor`` says "mic silent / ok / clipping" from a 2 s recording and
``/api/status`` shows the live level; both read it from here.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np

SAMPLE_RATE = 16_000
METER_S = 0.5  # the level meter's window
SILENT_DBFS = -70.0  # RMS below this: a muted or dead mic (a quiet room is still above it)
CLIP_LEVEL = 0.99  # |sample| at or above this counts as clipped
CLIP_FRACTION = 0.001  # more than 0.1% clipped samples: turn the gain down

LevelState = Literal["silent", "ok", "clipping"]


@dataclass(frozen=True, slots=True)
class Level:
    rms_dbfs: float
    peak_dbfs: float
    state: LevelState

    def describe(self) -> str:
        return f"mic {self.state} (RMS {self.rms_dbfs:.0f} dBFS, peak {self.peak_dbfs:.0f} dBFS)"


def _dbfs(value: float) -> float:
    return 20 * math.log10(value) if value > 1e-10 else -200.0


def measure(samples: np.ndarray) -> Level:
    """RMS and peak in dBFS, and what they mean for a streamer's mic."""
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    if x.size == 0:
        return Level(-200.0, -200.0, "silent")
    rms = _dbfs(float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))))
    peak = _dbfs(float(np.max(np.abs(x))))
    clipped = float(np.mean(np.abs(x) >= CLIP_LEVEL))
    state: LevelState = "clipping" if clipped > CLIP_FRACTION else "silent" if rms < SILENT_DBFS else "ok"
    return Level(round(rms, 1), round(peak, 1), state)


def classify_level(samples: np.ndarray) -> LevelState:
    return measure(samples).state


class LevelMeter:
    """The last ``METER_S`` seconds of mic audio, readable at any time."""

    def __init__(self, seconds: float = METER_S) -> None:
        self._window: deque[np.ndarray] = deque()
        self._size = round(seconds * SAMPLE_RATE)
        self._held = 0

    def add(self, block: np.ndarray) -> None:
        self._window.append(block)
        self._held += len(block)
        while self._window and self._held - len(self._window[0]) >= self._size:
            self._held -= len(self._window.popleft())

    def clear(self) -> None:
        self._window.clear()
        self._held = 0

    def level(self) -> Level:
        if not self._window:
            return Level(-200.0, -200.0, "silent")
        return measure(np.concatenate(self._window)[-self._size :])
