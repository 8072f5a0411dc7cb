"""``cohost say``: speak one line with a voice engine, on the speakers or into a WAV file.

How a streamer auditions voices (``cohost say "大家好" --engine edge --voice
zh-CN-YunxiNeural``) and how engines are tried without the whole reply
pipeline. Every problem a person can cause is one line on stderr and exit 2.
"""

from __future__ import annotations

import queue
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import typer

from agent.config_speech import TtsConfig, TtsEngineName
from agent.tts.base import TTSEngine, TTSUnavailable
from agent.tts.registry import names

if TYPE_CHECKING:
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
            "--engine",
            help=f"Voice engine: {', '.join(names())} (default: tts.engine in the config).",
            show_default=False,  # one default in --help: the config's, said in the help text
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
    play: Annotated[
        bool, typer.Option("--play", help="Play on the default output device (also with --out).")
    ] = False,
    stream: Annotated[
        bool,
        typer.Option(
            "--stream/--no-stream", help="Write or play the first clause while the rest is synthesised."
        ),
    ] = True,
) -> None:
    """Say one line with the configured (or named) voice: on audio.output_device, or into a WAV."""
    from agent.shared.cli_support import config_or_exit
    from agent.tts.text import speakable

    cfg = config_or_exit(config)
    name = _engine_name(ctx, engine, cfg)
    if name == "none":
        raise _fail(f'tts.engine = "none": pass --engine ({", ".join(names())})')
    if not speakable(text):
        raise _fail("nothing to say: the text has only emoji, symbols or punctuation")
    tts, load_s = _loaded_voice(cfg, name, voice)
    pieces = spoken_pieces(tts, text, stream=stream)
    device = "auto" if play else cfg.audio.output_device
    if out is None or play:
        _play(cfg, device, pieces, tts.sample_rate, write_to=out)
    else:
        _write_streaming(out, pieces, tts.sample_rate)
    typer.echo(
        f"{name}: {pieces.seconds:.2f} s of audio at {tts.sample_rate} Hz (load {load_s:.1f} s, "
        f"first audio {pieces.first_s * 1000:.0f} ms, synthesis {pieces.busy_s:.2f} s"
        f"{', streamed by clause' if stream else ''})",
        err=True,
    )
    if out is not None:
        typer.echo(f"wrote {out}", err=True)


def _engine_name(ctx: typer.Context, engine: str, cfg: Config) -> str:
    """--engine when it was given, else the config's tts.engine."""
    # By name: typer 0.29 vendors its own click, so its ParameterSource is not click's.
    source = ctx.get_parameter_source("engine")
    given = source is not None and source.name != "DEFAULT"
    return engine if given else cfg.tts.engine


def _loaded_voice(cfg: Config, name: str, voice: str | None) -> tuple[TTSEngine, float]:
    """The named engine with ``voice`` instead of the config's, loaded; and its load time."""
    from agent.tts.registry import create, with_voice

    try:
        section = cfg.tts.settings(name)
        if voice is not None:
            section = with_voice(section, voice)
        tts = create(cfg.tts.model_copy(update={name: section}), name)
        began = time.perf_counter()
        tts.load()
    except TTSUnavailable as exc:
        raise _fail(str(exc)) from None
    notice = getattr(tts, "notice", "")  # e.g. the Baker voice's non-commercial licence
    if notice:
        typer.echo(notice, err=True)
    return tts, time.perf_counter() - began


class Pieces:
    """The line's audio as it is made: clause by clause (``stream``) or whole, in a worker thread.

    Iterating yields float32 chunks; synthesis of the next clause runs while the
    caller writes or plays the current one. ``first_s``: from the start to the
    first chunk (what a listener waits); ``busy_s``: time spent synthesising.
    """

    def __init__(self, tts: TTSEngine, text: str, *, stream: bool) -> None:
        self.tts, self.text, self.stream = tts, text, stream
        self.first_s = 0.0
        self.busy_s = 0.0
        self.seconds = 0.0
        self.error: TTSUnavailable | None = None

    def _make(self, out: queue.Queue[np.ndarray | None]) -> None:
        from agent.tts.text import to_say

        try:
            for part in clauses(self.text) if self.stream else [self.text]:
                chunks = getattr(self.tts, "stream", None) if self.stream else None
                began = time.perf_counter()
                if (said := to_say(part)) is None:  # made speakable once, as the reply pipeline does
                    continue
                for chunk in chunks(said) if chunks is not None else [self.tts.synthesize(said)]:
                    self.busy_s += time.perf_counter() - began
                    out.put(chunk)
                    began = time.perf_counter()
        except TTSUnavailable as exc:
            self.error = exc
        finally:
            out.put(None)

    def __iter__(self) -> Iterator[np.ndarray]:
        made: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=8)
        worker = threading.Thread(target=self._make, args=(made,), daemon=True, name="say-synth")
        started = time.perf_counter()
        worker.start()
        while (chunk := made.get()) is not None:
            if not self.first_s:
                self.first_s = time.perf_counter() - started
            self.seconds += len(chunk) / self.tts.sample_rate
            yield chunk
        worker.join()
        if self.error is not None:
            raise _fail(str(self.error))


def spoken_pieces(tts: TTSEngine, text: str, *, stream: bool) -> Pieces:
    return Pieces(tts, text, stream=stream)


def clauses(text: str) -> list[str]:
    """The text cut as the reply pipeline cuts a reply: the first clause alone, then sentences."""
    from agent.reply.sentences import SentenceSplitter

    splitter = SentenceSplitter(first_clause=True)
    parts = splitter.feed(text)
    tail = splitter.flush()
    return [*parts, tail] if tail else parts or [text]


def _write_streaming(path: Path, pieces: Pieces, sample_rate: int) -> None:
    """A 16-bit WAV written chunk by chunk: the first clause is on disk while the rest is synthesised."""
    from agent.audio.sinks import to_pcm16

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(sample_rate)
            for chunk in pieces:
                wav.writeframes(to_pcm16(chunk))
    except OSError as exc:
        raise _fail(f"--out {path}: {exc.strerror or exc}") from None


def _play(cfg: Config, device: str, pieces: Pieces, sample_rate: int, write_to: Path | None) -> None:
    """Each chunk on ``device`` (or the runtime's WAV fallback) as soon as it is made, at audio.volume."""
    import asyncio

    from agent.audio.sinks import WavSink, open_sink
    from agent.clock import Clock

    sink, notice = open_sink(device, Path(cfg.audio.output_dir), Clock())
    typer.echo(notice, err=True)
    kept: list[np.ndarray] = []

    async def play() -> None:
        chunks = iter(pieces)
        try:
            while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
                kept.append(chunk)
                loud = np.clip(chunk * cfg.audio.volume, -1.0, 1.0).astype(np.float32)
                await sink.play(1, loud, sample_rate, asyncio.Event())
            await sink.finish(1)
        finally:
            sink.close()

    try:
        asyncio.run(play())
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except typer.Exit:
        raise
    except Exception as exc:  # PortAudio errors are untyped: a busy or vanished device
        raise _fail(f"audio device {device!r}: {exc}") from None
    if isinstance(sink, WavSink) and sink.files:
        typer.echo(f"wrote {sink.files[-1]}", err=True)
    if write_to is not None and kept:
        try:
            write_wav(write_to, np.concatenate(kept), sample_rate)
        except OSError as exc:
            raise _fail(f"--out {write_to}: {exc.strerror or exc}") from None
