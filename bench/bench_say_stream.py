"""`cohost say` first audio, streamed by clause vs the whole line, per installed offline engine.

Prints milliseconds from "start synthesising" to the first audio chunk (median of
N runs, after a warm-up) for the same stream line; run:
    .venv/bin/python bench/bench_say_stream.py [engine ...]
"""

from __future__ import annotations

import statistics
import sys

from agent.config_speech import TtsConfig
from agent.tts.base import TTSUnavailable
from agent.tts.cli import Pieces
from agent.tts.registry import create

LINE = "大家好，欢迎来到直播间！今天我们一起玩黑神话悟空，有问题随时发弹幕问我。"
RUNS = 3


def first_audio_ms(engine: object, stream: bool) -> float:
    pieces = Pieces(engine, LINE, stream=stream)  # type: ignore[arg-type]
    for _ in pieces:
        pass
    return pieces.first_s * 1000.0


def main(names: list[str]) -> None:
    for name in names:
        try:
            engine = create(TtsConfig(), name)
            engine.load()
        except TTSUnavailable as exc:
            print(f"{name}: skipped ({exc})")
            continue
        first_audio_ms(engine, True)  # warm-up
        streamed = statistics.median(first_audio_ms(engine, True) for _ in range(RUNS))
        whole = statistics.median(first_audio_ms(engine, False) for _ in range(RUNS))
        print(f"{name}: first audio streamed {streamed:.0f} ms, whole line {whole:.0f} ms (median of {RUNS})")


if __name__ == "__main__":
    main(sys.argv[1:] or ["espeak", "kokoro"])
