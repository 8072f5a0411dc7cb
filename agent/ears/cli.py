"""`cohost transcribe FILE.wav` (the ears without a mic) and the mic check `cohost doctor` runs.

``transcribe`` cuts the file with the same Silero + segmenter code as the live
mic and prints one JSON line per transcript on stdout, shaped like a
recording line, so its output can be piped, diffed and replayed. Everything
else (logs, the progress bar) goes to stderr.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from agent.config import Config
from agent.config_speech import AsrConfig
from agent.ears import registry
from agent.ears.base import AsrUnavailable, Transcriber
from agent.ears.capture import (
    SAMPLE_RATE,
    AudioFileError,
    MicUnavailable,
    find_input_device,
    read_audio,
    stream_settings,
)
from agent.ears.level import measure
from agent.ears.segmenter import SpeechEnded
from agent.ears.silero import SileroVad, VadUnavailable
from agent.ears.stage import Listener, to_transcript
from agent.events import to_dict
from agent.shared.checks import Check

log = logging.getLogger(__name__)


def transcribe_command(
    file: Annotated[Path, typer.Argument(help="A WAV file: 16-bit, any sample rate, mono or stereo.")],
    config: Annotated[
        Path | None, typer.Option("--config", help="Config file (default: ./config.toml).")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", help='Overrides the engine\'s model (asr.<engine>.model), e.g. "base" or "small".'
        ),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option("--language", help='Overrides asr.<engine>.language, e.g. "zh", "en" or "auto".'),
    ] = None,
) -> None:
    """Transcribe a WAV file: one JSON line per transcript on stdout (logs on stderr)."""
    from agent.shared.cli_support import config_or_exit, setup_logging

    setup_logging()
    overrides = {k: v for k, v in (("model", model), ("language", language)) if v is not None}
    try:
        cfg = with_overrides(config_or_exit(config).asr, overrides)
        audio = read_audio(file)
        transcriber = registry.create(cfg)
        transcriber.load()
        listener = Listener(cfg.vad, SileroVad())
    except (AudioFileError, AsrUnavailable, VadUnavailable) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    for line in transcribe_lines(audio, cfg, transcriber, listener):
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def with_overrides(cfg: AsrConfig, overrides: dict[str, str]) -> AsrConfig:
    """``cfg`` with the chosen engine's settings overridden (``--model``, ``--language``);
    with ``asr.engine = "none"`` (no live ears) a file is heard with the first engine listed."""
    engine = cfg.engine if cfg.engine != "none" else registry.names()[0]
    section = cfg.settings(engine)
    unknown = sorted(set(overrides) - set(type(section).model_fields))
    if unknown:
        raise AsrUnavailable(f"--{unknown[0]}: asr.{engine} has no {unknown[0]!r} setting")
    return cfg.model_copy(update={"engine": engine, engine: section.model_copy(update=overrides)})


def transcribe_lines(
    audio: np.ndarray, cfg: AsrConfig, transcriber: Transcriber, listener: Listener
) -> list[str]:
    """Every transcript of ``audio`` as a JSON line (the recording's shape), with progress on stderr."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    lines: list[str] = []
    duration = len(audio) / SAMPLE_RATE
    columns = (TextColumn("transcribing"), BarColumn(), TextColumn("{task.completed:.0f}/{task.total:.0f} s"))
    with Progress(*columns, TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("asr", total=duration)
        step = SAMPLE_RATE  # one second at a time, like a mic would deliver it
        for at in range(0, len(audio) + step, step):
            block = audio[at : at + step]
            events = listener.feed(block) if len(block) else listener.flush()
            for event in events:
                if isinstance(event, SpeechEnded) and len(event.audio):
                    lines.extend(_lines(event, transcriber))
                    bar.update(task, completed=min(event.end, duration))
        bar.update(task, completed=duration)
    log.info("transcribe: %d transcript(s) from %.1f s of audio", len(lines), duration)
    return lines


def _lines(segment: SpeechEnded, transcriber: Transcriber) -> list[str]:
    return [
        json.dumps(to_dict(to_transcript(segment, piece)), ensure_ascii=False)
        for piece in transcriber.transcribe(segment.audio)
    ]


def mic_check(cfg: Config, seconds: float = 2.0) -> Check:
    """Record ``seconds`` from ``audio.input_device`` and say whether the mic is silent, ok or clipping."""
    audio = cfg.audio
    try:
        import sounddevice as sd
    except OSError:
        return Check("mic", "warn", "PortAudio is not installed: no mic", "install libportaudio2")
    try:
        index = find_input_device(audio.input_device)
    except MicUnavailable as exc:
        return Check("mic", "fail", str(exc), "set audio.input_device to a name from `cohost devices`")
    if index is None:
        return Check(
            "mic",
            "warn",
            "no audio input device: the bot cannot hear you (chat still works)",
            'plug in a mic and run `cohost devices`, or set asr.engine = "none"',
        )
    try:
        rate, channels = stream_settings(sd, index)
        recorded = sd.rec(
            round(seconds * rate), samplerate=rate, channels=channels, dtype="float32", device=index
        )
        sd.wait()
    except Exception as exc:  # PortAudioError and friends: a busy or vanished device
        return Check(
            "mic", "fail", f"cannot record from input #{index}: {exc}", "close other apps using the mic"
        )
    level = measure(np.asarray(recorded).mean(axis=1))
    name = sd.query_devices(index)["name"]
    if level.state == "silent":
        fix = "unmute the mic or raise its input volume (and speak while the check runs)"
        return Check("mic", "warn", f"{name}: {level.describe()}", fix)
    if level.state == "clipping":
        return Check("mic", "warn", f"{name}: {level.describe()}", "lower the mic's input gain")
    return Check("mic", "ok", f"{name}: {level.describe()}")
