"""A streamer and a listener on real sound devices, on the shared monotonic clock (bench/bench_speech.py).

Run under a private PulseAudio (tests/pulse.py) with ``PULSE_SINK`` = the mic's
null sink and ``PULSE_SOURCE`` = the speakers' monitor: it records the speakers
all the time and, on ``play``, plays ``--wav`` into the mic. Times are
``time.perf_counter()`` (CLOCK_MONOTONIC: the same clock in every process on Linux).

- Onset: the player callback's time + the output latency the stream reports +
  the WAV's first sample above ``--onset-threshold``.
- Recorded samples are stamped with their arrival: the callback's time for a
  block's last sample. That is an upper bound; PortAudio's reported input
  latency (~35 ms here) is a buffer size, not a delay: recording the mic sink's
  own monitor, the WAV's first loud sample arrives 1-3 ms after its onset.

Commands on stdin, each answered with one JSON line on stdout:

    play             -> {"onset": t}
    last_sound T0 T1 -> {"last_sound": t | null}  last recorded sample above --silence-threshold in [T0, T1]
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from tests.support.ears_audio import read_wav

RECORD_RATE = 16_000


def main() -> None:
    parser = argparse.ArgumentParser(description="Play a WAV into the mic sink; record the speakers.")
    parser.add_argument("--wav", type=Path, required=True, help="What the streamer says.")
    parser.add_argument("--onset-threshold", type=float, default=0.01, help="|sample| where speech starts.")
    # The room tone and a cut stream are digital silence; a voice's pauses are not.
    parser.add_argument("--silence-threshold", type=float, default=1e-4, help="|sample| that is not silence.")
    args = parser.parse_args()
    import sounddevice as sd

    speech, rate = read_wav(args.wav)
    first_loud = int(np.argmax(np.abs(speech) > args.onset_threshold))
    sounds: list[tuple[float, float]] = []  # per recorded block with sound: (first sample, last sound)
    lock = threading.Lock()
    onsets: queue.Queue[float] = queue.Queue()
    next_sample = [-1]  # of the WAV; -1 = not playing

    def record(indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        arrived = time.perf_counter()
        sound = np.flatnonzero(np.abs(indata[:, 0]) > args.silence_threshold)
        if len(sound):
            with lock:
                sounds.append(
                    (arrived - (frames - 1) / RECORD_RATE, arrived - (frames - 1 - sound[-1]) / RECORD_RATE)
                )

    def speak(outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        at = next_sample[0]
        outdata.fill(0)
        if at < 0:
            return
        if at == 0:
            onsets.put(time.perf_counter() + player.latency + first_loud / rate)
        chunk = speech[at : at + frames]
        outdata[: len(chunk), 0] = chunk
        next_sample[0] = at + frames if at + frames < len(speech) else -1

    listener = sd.InputStream(device="pulse", samplerate=RECORD_RATE, channels=1, callback=record)
    player = sd.OutputStream(device="pulse", samplerate=rate, channels=1, latency="low", callback=speak)
    with listener, player:
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            command, *rest = line.split()
            if command == "play":
                next_sample[0] = 0
                print(json.dumps({"onset": onsets.get(timeout=10)}), flush=True)
            elif command == "last_sound":
                begin, end = float(rest[0]), float(rest[1])
                with lock:
                    times = [last for first, last in sounds if first <= end and last >= begin]
                print(json.dumps({"last_sound": min(max(times), end) if times else None}), flush=True)


if __name__ == "__main__":
    main()
