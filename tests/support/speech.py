"""Checks that synthesized audio looks like speech at the common level, not just "some samples"."""

from __future__ import annotations

import numpy as np

from agent.tts.level import CEILING

FRAME_S = 0.02
LOUD_DBFS = -30.0  # a 20 ms frame this loud is voice
QUIET_DBFS = -40.0  # one this quiet is a pause (between words, at a comma)


def frame_dbfs(audio: np.ndarray, rate: int) -> np.ndarray:
    """The level of each 20 ms frame in dBFS."""
    frame = int(FRAME_S * rate)
    count = len(audio) // frame
    power = np.mean(np.square(audio[: count * frame].reshape(count, frame), dtype=np.float64), axis=1)
    return 10 * np.log10(np.maximum(power, 1e-12))


def assert_speech_like(audio: np.ndarray, rate: int) -> None:
    """Voiced stretches and pauses both present; the peak high but under the limiter ceiling,
    and (the limiter being smooth, not a hard clip) next to no samples sitting at the ceiling."""
    levels = frame_dbfs(audio, rate)
    loud, quiet = float(np.mean(levels > LOUD_DBFS)), float(np.mean(levels < QUIET_DBFS))
    assert loud > 0.3, f"only {loud:.0%} of the 20 ms frames are voiced"
    assert quiet > 0.05, f"only {quiet:.0%} of the frames are pauses: no gaps between words"
    peak = float(np.max(np.abs(audio)))
    assert 0.3 < peak <= CEILING + 1e-6, peak
    at_ceiling = float(np.mean(np.abs(audio) > 0.98 * CEILING))
    assert at_ceiling < 1e-3, f"{at_ceiling:.2%} of the samples sit at the ceiling: clipped"
