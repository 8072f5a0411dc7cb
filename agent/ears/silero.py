"""Silero VAD, streaming: the ONNX model faster-whisper ships, one 32 ms chunk at a time.

faster-whisper's ``SileroVADModel.__call__`` scores a whole recording in one
batch and starts from a zero state on every call, so it cannot carry its LSTM
state from one mic block to the next. We reuse its session setup (one thread,
no memory arena, quiet logging) and feed the same inputs it builds: each 512
sample chunk prefixed by the last 64 samples of the previous one, with the
``h``/``c`` state carried over (Silero v5/v6's streaming contract).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np

SAMPLE_RATE = 16_000
CHUNK = 512  # samples per Silero step at 16 kHz (32 ms)
CONTEXT = 64  # samples of the previous chunk the model sees in front of each chunk


class VadUnavailable(RuntimeError):
    """The VAD cannot run here; the message is one line with the fix."""


def model_path() -> str:
    try:
        from faster_whisper.utils import get_assets_path
    except ImportError:
        raise VadUnavailable("faster-whisper is not installed: pip install faster-whisper") from None
    return os.path.join(get_assets_path(), "silero_vad_v6.onnx")


class SileroVad:
    """Speech probability of each 512-sample chunk of a 16 kHz stream.

    ``feed`` takes blocks of any length and yields ``(chunk, probability)`` for
    every whole chunk, keeping the remainder for the next call, so a mic block
    size never has to match the model's.
    """

    chunk_samples = CHUNK

    def __init__(self, path: str | None = None) -> None:
        try:
            from faster_whisper.vad import SileroVADModel
        except ImportError as exc:
            raise VadUnavailable(f"Silero VAD needs faster-whisper and onnxruntime: {exc}") from None
        try:
            self._session = SileroVADModel(path or model_path()).session
        except RuntimeError as exc:  # faster-whisper's "requires the onnxruntime package"
            raise VadUnavailable(str(exc)) from None
        self._pending = np.zeros(0, np.float32)
        self.reset()

    def reset(self) -> None:
        """Forget the stream (a new mic, a new file)."""
        self._h = np.zeros((1, 1, 128), np.float32)
        self._c = np.zeros((1, 1, 128), np.float32)
        self._context = np.zeros(CONTEXT, np.float32)
        self._pending = np.zeros(0, np.float32)

    def __call__(self, chunk: np.ndarray) -> float:
        """The probability that this 512-sample chunk is speech."""
        if len(chunk) != CHUNK:
            raise ValueError(f"Silero takes {CHUNK} samples at 16 kHz, got {len(chunk)}")
        chunk = np.asarray(chunk, np.float32)
        window = np.concatenate([self._context, chunk])[None, :]
        probs, self._h, self._c = self._session.run(None, {"input": window, "h": self._h, "c": self._c})
        self._context = chunk[-CONTEXT:].copy()
        return float(probs[0])

    def feed(self, samples: np.ndarray) -> Iterator[tuple[np.ndarray, float]]:
        """Every whole chunk in ``pending + samples`` with its probability."""
        buffered = np.concatenate([self._pending, np.asarray(samples, np.float32)])
        whole = len(buffered) - len(buffered) % CHUNK
        self._pending = buffered[whole:]
        for at in range(0, whole, CHUNK):
            chunk = buffered[at : at + CHUNK]
            yield chunk, self(chunk)
