"""Held-out voice check: every offline engine speaks stream lines, Whisper base writes them back.

``tests/data/tts_heldout.tsv`` holds 33 stream lines with numbers, money, times,
letters and markup, each with what a listener should hear; it was written once
and is never tuned on. Every offline Mandarin engine here (Kokoro jm_kumo, Baker,
espeak-ng's pinyin voice; piper has no Chinese voice that installs offline and is
left out) speaks each line through the real front end; the offline Whisper base
(beam 5, ``language="zh"``, traditional -> simplified) transcribes the audio.

Both sides are compared in one canonical form: simplified, Chinese numerals as
digits (cn2an, so "四零九零" and "4090" agree), Latin upper-cased, punctuation and
spaces removed. Printed per engine: character error rate (edit distance / reference
length, all lines together), real-time factor, the loudest sample and the speech
level after the limiter, and the reference pieces Whisper did not hear. A second,
lenient rate compares toneless pinyin, so a homophone Whisper picked for a
correctly spoken letter (B站 heard as 避战) is not the voice's error. Printed,
never asserted. Run: ``python bench/bench_voice_check.py [engine ...]``; with
``--without-front-end`` the engines get the text as before the front end (emoji
removed, nothing read out), to see what the front end changes.
"""

from __future__ import annotations

import collections
import difflib
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.config_speech import AsrConfig, TtsConfig
from agent.tts.base import TTSEngine, TTSUnavailable
from agent.tts.level import speech_dbfs
from agent.tts.registry import create
from agent.tts.text import say

HELD_OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "tts_heldout.tsv"
ENGINES = ("baker", "kokoro", "espeak")
Row = tuple[str, float, str]


def held_out() -> list[tuple[str, str]]:
    rows = []
    for line in HELD_OUT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, heard = line.split("\t")
            rows.append((text, heard))
    return rows


def canonical(text: str) -> str:
    """Simplified, numerals as digits, Latin upper-case, no punctuation or spaces."""
    import warnings

    import cn2an
    from opencc import OpenCC

    text = OpenCC("t2s").convert(text)
    with warnings.catch_warnings():  # cn2an warns on pieces it leaves alone
        warnings.simplefilter("ignore")
        text = cn2an.transform(text, "cn2an")
    kept = (c for c in text if unicodedata.category(c)[0] in "LN")
    return "".join(kept).upper()


def sounds(text: str) -> list[str]:
    """Toneless pinyin of the canonical text, letters and abbreviations as the lexicon says them.

    A second, lenient measure: Whisper base writes a correctly spoken "B站" as 避战 and "G"
    as 集; compared as sounds, those homophones are not counted as the voice's errors.
    """
    from pypinyin import lazy_pinyin

    from agent.tts.frontend import lexicon

    found = []
    for piece in lazy_pinyin(lexicon().apply(text)):  # digits and the like come back as one piece
        found.extend([piece] if piece.isascii() and piece.isalpha() and piece.islower() else list(piece))
    return [piece for piece in found if piece.strip()]


def whisper() -> Any:
    from faster_whisper import WhisperModel

    from agent.ears.models import resolve

    folder = resolve(AsrConfig().faster_whisper, progress=False)
    return WhisperModel(str(folder), device="cpu", compute_type="int8")


def transcribe(model: Any, audio: np.ndarray, rate: int) -> str:
    from faster_whisper import decode_audio

    from agent.tts.cli import write_wav

    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "line.wav"
        write_wav(wav, audio, rate)
        segments, _ = model.transcribe(decode_audio(str(wav)), language="zh", beam_size=5)
        return "".join(segment.text for segment in segments)


def misses(reference: str, heard: str) -> list[str]:
    """Pieces of the reference that came back wrong: 'RTX->阿尔提' style."""
    found = []
    matcher = difflib.SequenceMatcher(None, reference, heard, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "equal":
            found.append(f"{reference[a0:a1] or '∅'}->{heard[b0:b1] or '∅'}")
    return found


def check_engine(name: str, engine: TTSEngine, model: Any, lines: list[tuple[str, str]]) -> list[Row]:
    from rapidfuzz.distance import Levenshtein

    engine.load()
    errors = chars = sound_errors = syllables = 0
    rtf, peaks, levels = [], [], []
    failed: collections.Counter[str] = collections.Counter()
    for text, expected in lines:
        began = time.perf_counter()
        audio = say(engine, text)  # through the speech front end, as a reply is said
        rtf.append((time.perf_counter() - began) / max(len(audio) / engine.sample_rate, 1e-6))
        peaks.append(float(np.max(np.abs(audio))) if len(audio) else 0.0)
        levels.append(speech_dbfs(audio, engine.sample_rate))
        reference, heard = canonical(expected), canonical(transcribe(model, audio, engine.sample_rate))
        errors += Levenshtein.distance(reference, heard)
        chars += len(reference)
        sound_errors += Levenshtein.distance(sounds(reference), sounds(heard))
        syllables += len(sounds(reference))
        failed.update(misses(reference, heard))
        if reference != heard:
            print(f"  {name}: {reference}  <- heard {heard}", file=sys.stderr)
    worst = ", ".join(f"{piece} x{n}" if n > 1 else piece for piece, n in failed.most_common(12))
    print(f"  {name} misses: {worst or 'none'}", file=sys.stderr)
    return [
        (f"{name}: character error rate, {len(lines)} held-out lines", errors / max(chars, 1), "CER"),
        (f"{name}: sound error rate (toneless pinyin, homophones forgiven)", sound_errors / syllables, "SER"),
        (f"{name}: real-time factor (median)", statistics.median(rtf), "x"),
        (f"{name}: loudest sample over all lines", 20 * np.log10(max(max(peaks), 1e-9)), "dBFS"),
        (f"{name}: speech level (median of lines)", statistics.median(levels), "dBFS"),
    ]


def run(names: tuple[str, ...] = ENGINES) -> list[Row]:
    lines = held_out()
    model = whisper()
    rows: list[Row] = []
    for name in names:
        try:
            rows += check_engine(name, create(TtsConfig(), name), model, lines)
        except TTSUnavailable as exc:
            print(f"  ({name} skipped: {exc})", file=sys.stderr)
    return rows


if __name__ == "__main__":
    chosen = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    if "--without-front-end" in sys.argv:
        import agent.tts.frontend

        agent.tts.frontend.prepare = lambda text, lexicon_=None: text
    for label, value, unit in run(tuple(chosen) or ENGINES):
        print(f"{label:60s} {value:10.3f} {unit}")
