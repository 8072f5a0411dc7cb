"""Every voice at one level and none of them clipping: loudness normalisation and a peak limiter.

Engines come out at very different levels (Kokoro peaks at full scale in short
runs, espeak and Baker sit well below it), so the reply would jump in volume when
the backup voice takes over. Each sentence is brought to the same speech level
(the mean power of its voiced 20 ms frames, a cheap stand-in for LUFS that also
works on a 0.3 s clause, which BS.1770's 400 ms blocks do not), then a
look-ahead peak limiter keeps every sample under the ceiling without the
hard-clipping crackle of ``np.clip``: the gain drops smoothly over a few
milliseconds before a peak instead of flattening it.
"""

from __future__ import annotations

import numpy as np

TARGET_DBFS = -18.0  # speech level (RMS of voiced frames) every engine is brought to
CEILING = 10 ** (-1.0 / 20)  # -1 dBFS: no sample ever above it
_MAX_GAIN_DB = 18.0  # never lift a near-silent clip into loud noise
_FRAME_S = 0.02
_VOICED_DBFS = -45.0  # frames quieter than this are pauses, not speech
_BLOCK = 64  # limiter gain resolution in samples (~3 ms at 22-24 kHz)
_LOOKAHEAD_BLOCKS = 2


def speech_dbfs(audio: np.ndarray, rate: int) -> float:
    """The level of the voiced part of ``audio`` in dBFS (-inf for silence)."""
    frame = max(1, int(rate * _FRAME_S))
    usable = len(audio) // frame * frame
    if usable == 0:
        power = float(np.mean(np.square(audio, dtype=np.float64))) if len(audio) else 0.0
        return 10 * np.log10(power) if power > 0 else float("-inf")
    powers = np.mean(np.square(audio[:usable].reshape(-1, frame), dtype=np.float64), axis=1)
    voiced = powers[powers > 10 ** (_VOICED_DBFS / 10)]
    if len(voiced) == 0:
        return float("-inf")
    return float(10 * np.log10(np.mean(voiced)))


def limit(audio: np.ndarray, ceiling: float = CEILING) -> np.ndarray:
    """``audio`` with its peaks brought under ``ceiling`` by a smooth, look-ahead gain."""
    if len(audio) == 0 or float(np.max(np.abs(audio))) <= ceiling:
        return audio
    blocks = -(-len(audio) // _BLOCK)
    padded = np.zeros(blocks * _BLOCK, np.float32)
    padded[: len(audio)] = np.abs(audio)
    peaks = padded.reshape(blocks, _BLOCK).max(axis=1)
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9))
    # Each block takes the smallest gain around it, so the gain ramps down before a peak
    # and back up after it; interpolated between block centres it never exceeds `need`.
    edge = np.pad(need, _LOOKAHEAD_BLOCKS, constant_values=1.0)
    window = np.lib.stride_tricks.sliding_window_view(edge, 2 * _LOOKAHEAD_BLOCKS + 1)
    gain_blocks = window.min(axis=1)
    centres = np.arange(blocks) * _BLOCK + _BLOCK / 2
    gain = np.interp(np.arange(len(audio)), centres, gain_blocks).astype(np.float32)
    return np.clip(audio * gain, -ceiling, ceiling).astype(np.float32)


def finish(audio: np.ndarray, rate: int) -> np.ndarray:
    """A sentence's samples at the common speech level, limited under -1 dBFS (float32, mono)."""
    samples = np.nan_to_num(np.asarray(audio, np.float32).ravel())
    level = speech_dbfs(samples, rate)
    if np.isfinite(level):
        gain_db = min(TARGET_DBFS - level, _MAX_GAIN_DB)
        samples = samples * np.float32(10 ** (gain_db / 20))
    return limit(samples)
