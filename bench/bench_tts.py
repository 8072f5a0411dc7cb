"""Voice engines on this PC: load time, time to first audio for a reply's first clause, real-time factor.

A reply's first sentence is spoken from its first clause ("大家好，") so audio can
start after a few characters; what the streamer waits for is that clause's
synthesis, warm (target <= 500 ms for Kokoro, <= 300 ms for the native Baker
voice, on CPU). Real-time factor is synthesis time / audio length for the rest of
the sentence (below 1 = faster than it is spoken). Kokoro and Baker are measured
with onnxruntime's default threads (0), one thread (the shipped default, chosen by
this measurement) and two. The loudest sample and the speech level are after the
front end's limiter (agent/tts/level.py): every engine should sit near -18 dBFS
and never above -1 dBFS. Coqui is a random-weight
VITS built here: its speed is a real VITS's, its voice is noise. edge needs the
internet and is skipped without it. Medians of RUNS runs; printed, never asserted.
Run: ``python bench/bench_tts.py``.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from agent.config_speech import BakerTTS, CoquiTTS, KokoroTTS, TtsConfig
from agent.tts.base import TTSEngine, TTSUnavailable
from agent.tts.level import speech_dbfs
from agent.tts.registry import create

RUNS = 3
FIRST_CLAUSE = "大家好，"
REST = "欢迎来到直播间，今天我们一起玩黑神话悟空，有什么问题可以发弹幕问我。"

Row = tuple[str, float, str]


def _measure(label: str, engine: TTSEngine) -> list[Row]:
    began = time.perf_counter()
    engine.load()
    rows: list[Row] = [(f"{label}: load", (time.perf_counter() - began) * 1000, "ms")]
    engine.synthesize("你好。")  # warm: first-call allocations, caches, lazy imports
    first, rtf, peaks, levels = [], [], [], []
    for _ in range(RUNS):
        began = time.perf_counter()
        clause = engine.synthesize(FIRST_CLAUSE)
        first.append(time.perf_counter() - began)
        began = time.perf_counter()
        audio = engine.synthesize(REST)
        rtf.append((time.perf_counter() - began) / max(len(audio) / engine.sample_rate, 1e-6))
        peaks.append(float(np.max(np.abs(np.concatenate([clause, audio])))))
        levels.append(speech_dbfs(audio, engine.sample_rate))
    rows.append(
        (
            f"{label}: first clause {FIRST_CLAUSE!r} -> audio (warm, median)",
            statistics.median(first) * 1000,
            "ms",
        )
    )
    rows.append((f"{label}: real-time factor (median)", statistics.median(rtf), "x"))
    rows.append((f"{label}: loudest sample", 20 * np.log10(max(max(peaks), 1e-9)), "dBFS"))
    rows.append((f"{label}: speech level (median)", statistics.median(levels), "dBFS"))
    return rows


def _coqui_rows() -> list[Row]:
    if any(importlib.util.find_spec(name) is None for name in ("torch", "TTS")):
        print("  (coqui skipped: the .[coqui] extra is not installed)", file=sys.stderr)
        return []
    from tests.support.tiny_vits import build_random_vits

    with tempfile.TemporaryDirectory() as folder:
        checkpoint = build_random_vits(Path(folder))
        cfg = TtsConfig(coqui=CoquiTTS(model=str(checkpoint), device="cpu"))
        return _measure("coqui (random VITS, CPU)", create(cfg, "coqui"))


def run() -> list[Row]:
    load = os.getloadavg()[0]  # other work on this PC slows every number here
    rows: list[Row] = [("machine: 1-minute load average at the start", load, f"on {os.cpu_count()} CPUs")]
    engines = [
        ("baker, 1 thread (default)", TtsConfig()),
        ("baker, onnxruntime default threads (0)", TtsConfig(baker=BakerTTS(threads=0))),
        ("baker, 2 threads", TtsConfig(baker=BakerTTS(threads=2))),
        ("kokoro, 1 thread (default)", TtsConfig()),
        ("kokoro, onnxruntime default threads (0)", TtsConfig(kokoro=KokoroTTS(threads=0))),
        ("kokoro, 2 threads", TtsConfig(kokoro=KokoroTTS(threads=2))),
        ("piper (joe-us, English voice)", TtsConfig()),
        ("espeak", TtsConfig()),
        ("edge (online)", TtsConfig()),
    ]
    for label, cfg in engines:
        engine = create(cfg, label.split()[0].rstrip(","))
        try:
            rows.extend(_measure(label, engine))
        except TTSUnavailable as exc:
            print(f"  ({label} skipped: {exc})", file=sys.stderr)
    try:
        rows.extend(_coqui_rows())
    except TTSUnavailable as exc:
        print(f"  (coqui skipped: {exc})", file=sys.stderr)
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:10.3f} {unit}")
