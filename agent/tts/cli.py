"""``cohost say``: speak one line with a voice engine, on the speakers or into a WAV file.

How a streamer auditions voices (``cohost say "大家好" --engine edge --voice
zh-CN-YunxiNeural``) and how engines are tried without the whole reply
pipeline. Every problem a person can cause is one line on stderr and exit 2.
"""

from __future__ import annotations

import time
import wave
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agent.config_speech import TtsConfig, TtsEngineName
from agent.tts.registry import names

if TYPE_CHECKING:
    import numpy as np

    from agent.config import Config


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """A mono 16-bit PCM RIFF WAV, what every editor and OBS media source reads."""
    from agent.audio.sinks import to_pcm16

    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(to_pcm16(samples))


def _fail(line: str) -> typer.Exit:
    typer.echo(f"error: {line}", err=True)
    return typer.Exit(2)


def _code_default() -> TtsEngineName:
    engine = TtsConfig().engine
    return "kokoro" if engine == "none" else engine


# Shown as the default in --help; when --engine is not given, tts.engine from the config decides.
_DEFAULT_ENGINE = _code_default()


def say_command(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help='What to say, e.g. "大家好，欢迎来到直播间。"')],
    engine: Annotated[
        TtsEngineName,
        typer.Option(
            "--engine", help=f"Voice engine: {', '.join(names())} (default: tts.engine in the config)."
        ),
    ] = _DEFAULT_ENGINE,
    voice: Annotated[
        str | None,
        typer.Option(
            "--voice", help="The engine's voice (or speaker) for this line, instead of the config's."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write a 16-bit WAV file instead of playing it.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Config file (default: ./config.toml).")
    ] = None,
) -> None:
    """Say one line with the configured (or named) voice: on audio.output_device, or into a WAV."""
    from agent.cli_support import config_or_exit
    from agent.tts.base import TTSUnavailable
    from agent.tts.registry import create, with_voice
    from agent.tts.text import speakable

    cfg = config_or_exit(config)
    # By name: typer 0.29 vendors its own click, so its ParameterSource is not click's.
    source = ctx.get_parameter_source("engine")
    given = source is not None and source.name != "DEFAULT"
    name = engine if given else cfg.tts.engine
    if name == "none":
        raise _fail(f'tts.engine = "none": pass --engine ({", ".join(names())})')
    if not speakable(text):
        raise _fail("nothing to say: the text has only emoji, symbols or punctuation")
    try:
        section = cfg.tts.settings(name)
        if voice is not None:
            section = with_voice(section, voice)
        tts = create(cfg.tts.model_copy(update={name: section}), name)
        began = time.perf_counter()
        tts.load()
        loaded = time.perf_counter()
        samples = tts.synthesize(text)
    except TTSUnavailable as exc:
        raise _fail(str(exc)) from None
    seconds = len(samples) / tts.sample_rate
    done = time.perf_counter()
    typer.echo(
        f"{name}: {seconds:.2f} s of audio at {tts.sample_rate} Hz "
        f"(load {loaded - began:.1f} s, synthesis {done - loaded:.2f} s)",
        err=True,
    )
    if out is not None:
        try:
            write_wav(out, samples, tts.sample_rate)
        except OSError as exc:
            raise _fail(f"--out {out}: {exc.strerror or exc}") from None
        typer.echo(f"wrote {out}", err=True)
        return
    _play(cfg, samples, tts.sample_rate)


def _play(cfg: Config, samples: np.ndarray, sample_rate: int) -> None:
    """On audio.output_device through the runtime's own sink (or its WAV fallback), at audio.volume."""
    import asyncio

    import numpy as np

    from agent.audio.sinks import WavSink, open_sink
    from agent.clock import Clock

    sink, notice = open_sink(cfg.audio.output_device, Path(cfg.audio.output_dir), Clock())
    typer.echo(notice, err=True)
    loud = np.clip(samples * cfg.audio.volume, -1.0, 1.0).astype(np.float32)

    async def play() -> None:
        try:
            await sink.play(1, loud, sample_rate, asyncio.Event())
            await sink.finish(1)
        finally:
            sink.close()

    try:
        asyncio.run(play())
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:  # PortAudio errors are untyped: a busy or vanished device
        raise _fail(f"audio.output_device = {cfg.audio.output_device!r}: {exc}") from None
    if isinstance(sink, WavSink) and sink.files:
        typer.echo(f"wrote {sink.files[-1]}", err=True)
