"""`cohost transcribe FILE.wav`: only JSON lines on stdout, one clear line for every mistake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.support.ears_audio import base_model, kokoro_wav, read_wav, write_wav

REPO = Path(__file__).resolve().parent.parent


def transcribe(*args: str, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"COHOST_ASR__CACHE_DIR": str(cache)} if cache else {})}
    return subprocess.run(
        [sys.executable, "-m", "agent", "transcribe", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=env,
    )


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.slow
def test_prints_one_json_line_per_transcript(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.getbasetemp()
    base_model(root)  # the cache COHOST_ASR__CACHE_DIR points at: already assembled
    speech = kokoro_wav(root)
    mono, rate = read_wav(speech)
    gap = np.zeros(rate, np.float32)
    twice = np.concatenate([gap, mono, gap, mono, gap])
    stereo = write_wav(root / "stereo.wav", np.stack([twice, twice * 0.8], axis=1), rate, channels=2)

    done = transcribe(str(stereo), cache=root)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) >= 2  # the sentence twice, separated by a second of silence
    records = [json.loads(line) for line in lines]  # stdout is nothing but JSON lines
    for record in records:
        assert record["type"] == "transcript" and record["language"] == "zh" and record["final"] is True
        assert 0 <= record["start"] <= record["end"] <= len(twice) / rate
        assert set(record) == {"type", "text", "final", "language", "start", "end", "confidence"}
    assert "欢迎" in "".join(r["text"] for r in records)
    assert records[-1]["start"] > len(mono) / rate  # the second sentence is dated in the file
    assert "transcript(s)" in done.stderr  # logs go to stderr


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    line = one_line(transcribe(str(tmp_path / "nope.wav")))
    assert line == f"{tmp_path / 'nope.wav'}: no such file"


def test_not_a_wav_is_one_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not audio", encoding="utf-8")
    assert one_line(transcribe(str(notes))).startswith(f"{notes}: not a WAV file")


def test_a_garbage_wav_is_one_line_in_words(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(bytes(range(256)) * 20)  # a .wav name, no audio inside
    line = one_line(transcribe(str(garbage)))
    assert line.startswith(f"{garbage}: not a WAV file (Invalid data")  # FFmpeg's words
    assert "Errno" not in line and "1094995529" not in line


def test_a_wrong_model_path_is_one_line_naming_the_key(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "quiet.wav", np.zeros(16000, np.float32), 16000)
    line = one_line(transcribe(str(wav), "--model", str(tmp_path / "no-model")))
    assert line.startswith(f"asr.faster_whisper.model = '{tmp_path / 'no-model'}': no such folder")


def test_a_bad_config_is_one_line(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "quiet.wav", np.zeros(16000, np.float32), 16000)
    config = tmp_path / "config.toml"
    config.write_text("[asr.faster_whisper]\nbeam_size = 0\n", encoding="utf-8")
    assert "asr.faster_whisper.beam_size" in one_line(transcribe(str(wav), "--config", str(config)))
    # The old flat key is still read, and a bad value names where it belongs now.
    config.write_text("[asr]\nbeam_size = 0\n", encoding="utf-8")
    assert "asr.faster_whisper.beam_size" in one_line(transcribe(str(wav), "--config", str(config)))


def test_demo_mic_without_that_mic_says_so_at_once(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "COHOST_AUDIO__INPUT_DEVICE": "no-such-mic-here"}
    result = subprocess.run(
        [sys.executable, "-m", "agent", "demo", "--mic"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()  # before any model loads: one line, no replay
    assert line.startswith("error: --mic: ") and "cohost devices" in line
    assert "Replaying" not in result.stdout
