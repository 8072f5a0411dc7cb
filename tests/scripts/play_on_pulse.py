"""Run with a private PulseAudio in the environment (tests/test_device_sink.py).

Plays one espeak-ng sentence through the real DeviceSink on the default output
while recording the null sink's monitor, then prints a JSON report.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import numpy as np
import sounddevice as sd

from agent.audio.sinks import open_sink
from agent.clock import Clock
from agent.config import EspeakTTS
from agent.tts.espeak import EspeakEngine


async def main(interrupt_after: float | None) -> dict[str, object]:
    tts = EspeakEngine(EspeakTTS())
    tts.load()
    samples = tts.synthesize("欢迎来到直播间，谢谢大家的礼物，今天我们一起玩游戏。")
    sink, where = open_sink("auto", __import__("pathlib").Path("unused"), Clock())
    recorded: list[np.ndarray] = []
    with sd.InputStream(
        device="pulse",
        channels=1,
        samplerate=tts.sample_rate,
        dtype="float32",
        callback=lambda data, *_: recorded.append(data.copy()),
    ):
        await asyncio.sleep(0.3)
        stop = asyncio.Event()
        if interrupt_after is not None:
            asyncio.get_running_loop().call_later(interrupt_after, stop.set)
        began = time.perf_counter()
        reported_s = await sink.play(1, samples, tts.sample_rate, stop)
        played_s = time.perf_counter() - began
        await asyncio.sleep(0.5)
    audio = np.concatenate(recorded) if recorded else np.zeros(1, dtype=np.float32)
    loud = np.abs(audio[:, 0] if audio.ndim == 2 else audio) > 0.02
    return {
        "sink": sink.name,
        "where": where,
        "duration_s": len(samples) / tts.sample_rate,
        "played_s": played_s,
        "reported_s": reported_s,
        "recorded_rms": float(np.sqrt(np.mean(audio**2))),
        "loud_s": float(loud.sum()) / tts.sample_rate,
    }


if __name__ == "__main__":
    after = float(sys.argv[1]) if len(sys.argv) > 1 else None
    print(json.dumps(asyncio.run(main(after))))
