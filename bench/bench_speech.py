"""Speech latencies a streamer feels, on this CPU: barge-in on real audio devices, reply -> first audio
per voice engine, and the agent's memory with its ears and voice loaded.

1. Speech onset -> bot audio silent (barge-in, target <= 250 ms), on real audio
   devices: a private PulseAudio (tests/pulse.py) with null sinks ``vsink`` (the
   speakers) and ``cohost_mic`` (the mic, heard through its monitor). Here, the
   real ``ReplyPipeline`` speaks a long sentence with Kokoro to a ``DeviceSink`` and
   the real ``Ears`` (``DeviceMic`` -> Silero -> segmenter, no echo guard) listen;
   ``StreamerVoice(speaking=True)`` interrupts the utterance, as the brain's
   StopReply does. tests/support/audio_probe.py plays the streamer into the mic
   sink half a second into the long sentence and records ``vsink.monitor``. One
   clock, ``time.perf_counter()`` (CLOCK_MONOTONIC in every process). Onset: the
   streamer's first sample above 0.01 reaching the mic sink (player callback +
   its reported output latency). Silent: the last non-zero sample on
   ``vsink.monitor``, stamped with its arrival (an upper bound; the room tone and
   a cut stream are digital silence, a voice's pauses are not). Parts: onset ->
   the first mic block with speech reaches the ears -> ``StreamerVoice`` published
   (Silero and asr.vad.min_speech_s) -> ``DeviceSink.play`` returned (aborted).
2. Reply decided -> first audio sample handed to the sink, per engine: the real
   ``ReplyPipeline`` (generate -> split -> guard -> synthesize -> play) with a
   scripted engine streaming one character at a time, warm (one utterance first).
3. Agent RSS with whisper base and Kokoro loaded, after one transcription and one
   synthesis, in a fresh interpreter.

Printed, never asserted. Run: ``python bench/run.py speech``.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.clock import Clock
from agent.config_speech import AsrConfig, CoquiTTS, TtsConfig
from agent.ears.capture import DeviceMic, MicBlock
from agent.events import Audio, AudioEnded, Event, StreamerVoice
from agent.llm.base import ReplyRequest
from agent.reply.pipeline import ReplyPipeline
from agent.tts.base import TTSEngine, TTSUnavailable
from agent.tts.registry import create
from tests.support.engines import ScriptedEngine

REPO = Path(__file__).resolve().parent.parent
Row = tuple[str, float, str]

# "大家好，" is spoken first (the first-clause split); the streamer talks over the long rest.
BOT_SAYS = "大家好，欢迎来到直播间，今天我们一起玩黑神话悟空，谢谢大家的礼物，我们马上开始！"
STREAMER_SAYS = "好了好了先别说了"
REPLY = "大家好，欢迎来到直播间！今天我们一起玩黑神话悟空。"
TRIALS = 5
RUNS = 3
ONSET = 0.01  # |sample| where the streamer's speech starts


def _skipped(part: str, why: str) -> list[Row]:
    print(f"  ({part} skipped: {why})", file=sys.stderr)
    return []


# --- 1. barge-in ----------------------------------------------------------------

# Ears need a transcriber; barge-in needs only voice activity, which comes before ASR.
_DEAF = SimpleNamespace(name="deaf", transcribe=lambda audio: [])


class _TimedMic(DeviceMic):
    """The real mic, noting when blocks with sound reach the ears (perf_counter)."""

    def __init__(self, clock: Clock) -> None:
        super().__init__("auto", clock)
        self.ready = asyncio.Event()  # the first block came (a new PulseAudio stream takes ~2 s)
        self.loud: list[float] = []

    async def blocks(self) -> AsyncIterator[MicBlock]:
        async for block in super().blocks():
            self.ready.set()
            if np.abs(block.samples).max() > ONSET:
                self.loud.append(time.perf_counter())
            yield block


@contextmanager
def _speakers_and_mic(env: dict[str, str]) -> Iterator[None]:
    """This process's PortAudio on the private server: speakers vsink, mic cohost_mic.monitor."""
    from agent.audio.devices import list_devices

    saved = dict(os.environ)
    os.environ.update({**env, "PULSE_SOURCE": "cohost_mic.monitor"})
    list_devices(rescan=True)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        list_devices(rescan=True)


def _room_tone(env: dict[str, str], sink: str) -> subprocess.Popen[bytes]:
    """Digital silence into a null sink, so its monitor keeps delivering blocks like a real device."""
    with open("/dev/zero", "rb") as zeros:
        return subprocess.Popen(
            ["pacat", "--playback", f"--device={sink}", "--format=s16le", "--rate=16000", "--channels=1"],
            stdin=zeros,
            env=env,
        )


def _ask(probe: subprocess.Popen[str], command: str = "") -> float:
    """One command to tests/support/audio_probe.py; its answer (a time), which must not be null."""
    assert probe.stdin is not None and probe.stdout is not None
    probe.stdin.write(command + "\n" if command else "")
    probe.stdin.flush()
    line = probe.stdout.readline()
    answer = next(iter(json.loads(line).values())) if line else None
    if answer is None:
        raise RuntimeError(
            f"audio probe: no answer to {command or 'start'!r} ({line.strip() or 'it exited'})"
        )
    return float(answer)


async def _until(check: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.perf_counter() + timeout_s
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError("a barge-in trial stalled")
        await asyncio.sleep(0.01)


# Seconds: onset -> mic block, -> StreamerVoice, -> sink stopped; and onset -> bot silent.
Trial = tuple[float, float, float, float]


async def _trial(
    n: int, reply: ReplyPipeline, mic: _TimedMic, probe: subprocess.Popen[str], heard: list
) -> Trial:
    since, loud_since = len(heard), len(mic.loud)
    utterance = reply.start(ReplyRequest(n, "question", None), arrived_at=None)
    # Half a second into the long sentence, the streamer starts talking.
    await _until(lambda: any(isinstance(e, Audio) and e.index == 1 for _, e in heard[since:]), 30)
    await asyncio.sleep(0.5)
    onset = await asyncio.to_thread(_ask, probe, "play")
    await asyncio.wait_for(asyncio.shield(utterance.done), 10)
    # The streamer finishes (speaking=False) before the next trial starts.
    await _until(lambda: sum(isinstance(e, StreamerVoice) for _, e in heard[since:]) >= 2, 10)
    voice = next(t for t, e in heard[since:] if isinstance(e, StreamerVoice) and e.speaking)
    stopped = next(t for t, e in heard[since:] if isinstance(e, AudioEnded) and e.cut)
    silent = await asyncio.to_thread(_ask, probe, f"last_sound {onset - 0.5} {onset + 3}")
    block = mic.loud[loud_since]
    return block - onset, voice - block, stopped - voice, silent - onset


async def _trials(kokoro: TTSEngine, probe: subprocess.Popen[str]) -> list[Trial]:
    from agent.audio.devices import find_output_device
    from agent.audio.sinks import DeviceSink
    from agent.ears.stage import Ears

    clock = Clock()
    heard: list[tuple[float, Event]] = []

    def publish(event: Event) -> None:
        heard.append((time.perf_counter(), event))
        if isinstance(event, StreamerVoice) and event.speaking and reply.current is not None:
            reply.interrupt(reply.current.id)  # what the brain's StopReply does

    sink = DeviceSink(find_output_device("pulse"), clock)
    reply = ReplyPipeline(ScriptedEngine(list(BOT_SAYS)), kokoro, sink, lambda text: None, publish)
    mic = _TimedMic(clock)
    ears = Ears(AsrConfig(echo_guard="none"), mic, _DEAF)  # type: ignore[arg-type]
    tasks = [asyncio.create_task(reply.run()), asyncio.create_task(ears.run(publish))]
    try:
        await asyncio.wait_for(mic.ready.wait(), 15)
        return [await _trial(n, reply, mic, probe, heard) for n in range(1, TRIALS + 1)]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _barge_in(folder: Path, kokoro: TTSEngine | None) -> list[Row]:
    missing = [tool for tool in ("pulseaudio", "pactl", "pacat") if shutil.which(tool) is None]
    if missing:
        return _skipped("barge-in", f"{', '.join(missing)} not installed (apt-get install pulseaudio-utils)")
    if kokoro is None:
        return _skipped("barge-in", "Kokoro is not available")
    from tests.pulse import pulse_server

    wav = folder / "streamer.wav"
    say = [sys.executable, "-m", "agent", "say", STREAMER_SAYS, "--voice", "jf_alpha", "--out", str(wav)]
    subprocess.run(say, check=True, capture_output=True, timeout=120, cwd=REPO)
    with pulse_server() as pulse:
        pulse.pactl("load-module", "module-null-sink", "sink_name=cohost_mic")
        env = {**os.environ, **pulse.env}
        rooms = [_room_tone(env, sink) for sink in ("vsink", "cohost_mic")]
        probe_args = ["--wav", str(wav), "--onset-threshold", str(ONSET)]
        probe = subprocess.Popen(
            [sys.executable, "-m", "tests.support.audio_probe", *probe_args],
            env={**env, "PULSE_SINK": "cohost_mic", "PULSE_SOURCE": "vsink.monitor"},
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            _ask(probe)  # both of its streams are open
            with _speakers_and_mic(pulse.env):
                trials = asyncio.run(_trials(kokoro, probe))
        finally:
            for child in (probe, *rooms):
                child.kill()
                child.wait()
    reach, vad, stop, silent = (np.array(part) * 1000 for part in zip(*trials, strict=True))
    target = "ms (target <= 250)"
    rows: list[Row] = [
        (f"barge-in: onset -> bot silent on vsink.monitor, p50 of {len(silent)}", np.median(silent), target),
        ("barge-in: onset -> bot silent on vsink.monitor, max", silent.max(), target),
    ]
    for label, part in [
        ("onset -> speech reaches the ears (mic block)", reach),
        ("mic block -> StreamerVoice (Silero, min_speech_s)", vad),
        ("StreamerVoice -> DeviceSink stopped (aborted)", stop),
    ]:
        rows += [(f"  {label}, p50", np.median(part), "ms"), (f"  {label}, max", part.max(), "ms")]
    return [(name, float(value), unit) for name, value, unit in rows]


# --- 2. reply decided -> first audio --------------------------------------------


class _FirstAudio:
    """A sink that notes when each utterance's first samples arrive, and 'plays' them at once."""

    name = "first-audio"

    def __init__(self) -> None:
        self.first: dict[int, float] = {}
        self.playhead: dict[int, float] = {}

    async def play(
        self, utterance_id: int, samples: np.ndarray, sample_rate: int, stop: asyncio.Event, text: str = ""
    ) -> float:
        self.first.setdefault(utterance_id, time.perf_counter())
        return len(samples) / sample_rate

    async def finish(self, utterance_id: int) -> None:
        return None

    def close(self) -> None:
        return None


async def _decided_to_first_audio(tts: TTSEngine, first_clause: bool) -> float:
    """Median ms over RUNS warm utterances (the first one warms the engine and is not counted)."""
    sink = _FirstAudio()
    engine = ScriptedEngine(list(REPLY))
    reply = ReplyPipeline(engine, tts, sink, lambda text: None, lambda event: None, first_clause=first_clause)
    runner = asyncio.create_task(reply.run())
    took = []
    try:
        for n in range(RUNS + 1):
            utterance = reply.start(ReplyRequest(n + 1, "question", None), arrived_at=None)
            await utterance.done
            took.append((sink.first[n + 1] - utterance.decided_at) * 1000)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
    return statistics.median(took[1:])


def _engines(folder: Path, kokoro: TTSEngine | None) -> Iterator[tuple[str, TTSEngine, bool]]:
    if kokoro is not None:
        yield "kokoro", kokoro, True
        yield "kokoro, no first-clause split", kokoro, False
    for name in ("baker", "piper", "espeak"):
        try:
            engine = create(TtsConfig(), name)
            engine.load()
        except TTSUnavailable as exc:
            _skipped(name, str(exc))
            continue
        yield name + (" (joe-us, English voice)" if name == "piper" else ""), engine, True
    if any(importlib.util.find_spec(name) is None for name in ("torch", "TTS")):
        _skipped("coqui", "the .[coqui] extra is not installed")
        return
    from tests.support.tiny_vits import build_random_vits

    coqui = create(
        TtsConfig(coqui=CoquiTTS(model=str(build_random_vits(folder / "vits")), device="cpu")), "coqui"
    )
    coqui.load()
    yield "coqui (random VITS, CPU)", coqui, True


def _first_audio(folder: Path, kokoro: TTSEngine | None) -> list[Row]:
    rows = []
    for label, engine, first_clause in _engines(folder, kokoro):
        ms = asyncio.run(_decided_to_first_audio(engine, first_clause))
        target = {"kokoro": " (target <= 500)", "baker": " (target <= 300)"}.get(label, "")
        rows.append((f"reply decided -> first audio: {label}, median", ms, f"ms{target}"))
    return rows


# --- 3. memory -------------------------------------------------------------------

RSS_CODE = """
import json
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024
from agent.config_speech import AsrConfig, TtsConfig
from agent.ears.capture import Resampler
from agent.ears.whisper import FasterWhisperTranscriber
from agent.tts.registry import create
before = rss()
asr = FasterWhisperTranscriber(AsrConfig().faster_whisper, progress=False)
asr.load()
tts = create(TtsConfig(), "kokoro")
tts.load()
speech = tts.synthesize("大家好，欢迎来到直播间。")
heard = asr.transcribe(Resampler(tts.sample_rate)(speech))
text = "".join(h.text for h in heard)
print(json.dumps({"before": before, "after": rss(), "heard": text}, ensure_ascii=False))
"""


def _rss() -> list[Row]:
    done = subprocess.run(
        [sys.executable, "-c", RSS_CODE], capture_output=True, text=True, timeout=180, cwd=REPO
    )
    if done.returncode != 0:
        return _skipped("RSS", (done.stderr.strip().splitlines() or ["failed"])[-1])
    found = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  (RSS: whisper heard {found['heard']!r})", file=sys.stderr)
    return [
        ("agent RSS: modules imported, no model loaded (reference)", found["before"], "MiB"),
        ("agent RSS: whisper base + Kokoro loaded, after one use each", found["after"], "MiB"),
    ]


def run() -> list[Row]:
    load = os.getloadavg()[0]  # other work on this PC slows every number here
    rows: list[Row] = [("machine: 1-minute load average at the start", load, f"on {os.cpu_count()} CPUs")]
    kokoro: TTSEngine | None = create(TtsConfig(), "kokoro")
    try:
        kokoro.load()
    except TTSUnavailable as exc:
        _skipped("kokoro", str(exc))
        kokoro = None
    with tempfile.TemporaryDirectory() as tmp:
        for part in (_barge_in, _first_audio):
            try:  # one part failing must not hide the others
                rows += part(Path(tmp), kokoro)
            except Exception as exc:
                _skipped(part.__name__.strip("_"), f"{type(exc).__name__}: {exc}")
    return rows + _rss()


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:12.4g} {unit}")
