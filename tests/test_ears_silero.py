"""Streaming Silero (the ONNX file faster-whisper ships): speech scores high, silence and noise low."""

from __future__ import annotations

import numpy as np
import pytest

from agent.ears.capture import read_audio
from agent.ears.silero import CHUNK, SileroVad
from tests.support.ears_audio import espeak_wav


@pytest.fixture(scope="module")
def vad() -> SileroVad:
    return SileroVad()


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    return read_audio(espeak_wav(tmp_path_factory.mktemp("speech")))


def probs(vad: SileroVad, audio: np.ndarray) -> np.ndarray:
    vad.reset()
    return np.array([p for _, p in vad.feed(audio)])


def test_speech_scores_high(vad: SileroVad, speech: np.ndarray) -> None:
    scores = probs(vad, speech)
    assert scores.max() > 0.9
    # Speech has pauses between syllables, but most of a sentence is speech.
    assert np.mean(scores > 0.5) > 0.5


def test_silence_and_white_noise_score_low(vad: SileroVad) -> None:
    assert probs(vad, np.zeros(3 * 16000, np.float32)).max() < 0.1
    noise = (np.random.default_rng(0).standard_normal(3 * 16000) * 0.3).astype(np.float32)
    scores = probs(vad, noise)
    assert scores.max() < 0.5
    assert scores.mean() < 0.15


def test_block_size_does_not_change_the_scores(vad: SileroVad, speech: np.ndarray) -> None:
    # A mic delivers blocks of any size: the state and the 64-sample context carry over.
    whole = probs(vad, speech)
    vad.reset()
    pieces = np.array_split(speech, np.arange(333, len(speech), 777))
    streamed = np.array([p for piece in pieces for _, p in vad.feed(piece)])
    np.testing.assert_allclose(streamed, whole, atol=1e-6)


def test_streaming_matches_faster_whispers_batch_scoring(vad: SileroVad, speech: np.ndarray) -> None:
    from faster_whisper.vad import get_vad_model

    padded = np.pad(speech, (0, CHUNK - len(speech) % CHUNK))
    np.testing.assert_allclose(probs(vad, padded), get_vad_model()(padded), atol=1e-5)


def test_wrong_chunk_size_is_refused(vad: SileroVad) -> None:
    with pytest.raises(ValueError, match="512"):
        vad(np.zeros(480, np.float32))


def test_reset_forgets_the_stream(vad: SileroVad, speech: np.ndarray) -> None:
    first = probs(vad, speech[: 16000 * 2])
    second = probs(vad, speech[: 16000 * 2])
    np.testing.assert_allclose(first, second, atol=1e-6)
