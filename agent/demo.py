"""``cohost demo`` and ``cohost run``: start the pipeline, show progress, print a summary."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from agent.assemble import build_pipeline
from agent.bus import EventQueue
from agent.clock import Clock
from agent.config import Config
from agent.demo_track import SPOKEN_BY_MIC, build_track, streamer_lines, track_path
from agent.events import Event, Filtered, Transcript, UtteranceDone
from agent.runtime import Pipeline, install_stop_signals
from agent.sources.base import Source
from agent.sources.replay import DEMO_RECORDING, ReplaySource
from agent.stats import Stats, percentile
from agent.tts.base import TTSUnavailable

log = logging.getLogger(__name__)

DRAIN_LIMIT_S = 60.0  # seconds to let the last replies and transcripts finish after a replay ends
DEMO_HOTWORDS = ["黑神话悟空", "二郎神", "舰长"]  # the demo room's glossary, for Whisper


async def run_demo(
    cfg: Config,
    recording: Path,
    *,
    speed: float,
    record: Path | None,
    out_dir: Path,
    console: Console,
    live_progress: bool,
    real_mic: bool = False,
) -> Pipeline:
    """Replay ``recording``. With the ears on and no ``real_mic``, the recorded streamer is
    spoken by Kokoro into a track that plays as the mic: heard, segmented and transcribed live."""
    clock = Clock(speed)
    if speed > 1:
        # Models do not run faster when the room is sped up: keep their wall-clock patience
        # (a reply cut off as hung after reply_timeout_s), not a tenth of it at --speed 10.
        brain = cfg.brain.model_copy(update={"reply_timeout_s": cfg.brain.reply_timeout_s * speed})
        cfg = cfg.model_copy(update={"brain": brain})
    mic = None
    if cfg.asr.engine != "none" and not real_mic:
        try:
            mic, cfg = await _streamer_track(cfg, recording, clock, console)
        except TTSUnavailable as exc:
            console.print(
                f"[yellow]notice:[/] no streamer voice track ({exc}); replaying what they said as text"
            )
    replay = ReplaySource(recording, clock, leave_out=SPOKEN_BY_MIC if mic is not None else frozenset())
    pipeline = await build_pipeline(
        cfg, clock, [replay], record=record, out_dir=out_dir, control_required=False, mic=mic
    )
    pipeline.sources_wait_ready = True  # the room and the streamer start together, once models are in
    for notice in pipeline.notices:
        console.print(f"[yellow]notice:[/] {notice}")
    if replay.skipped["bad"]:
        console.print(f"[yellow]notice:[/] {replay.skipped['bad']} bad lines in {recording} were skipped")
    console.print(
        f"Replaying {replay.count} events ({replay.duration:.0f} s of stream) at {speed:g}x "
        f"with the {pipeline.engine.name} engine"
    )
    pipeline.extra_stages.append(("narrator", NARRATED, narrate))
    stop = asyncio.Event()
    install_stop_signals(stop)
    runner = asyncio.create_task(pipeline.run(stop))
    with _progress(console, live_progress) as progress:
        task = progress.add_task("replay", total=max(replay.duration, 1.0), status="")
        while not runner.done():
            progress.update(task, completed=replay.position, status=_status_line(pipeline))
            if pipeline.stats.sources.get("replay") == "ended" and await _settled(pipeline):
                break
            await asyncio.wait({runner}, timeout=0.25)
        progress.update(task, completed=replay.duration, status=_status_line(pipeline))
    stop.set()
    await runner
    return pipeline


NARRATED = frozenset({UtteranceDone.type, Filtered.type, Transcript.type})


def narration(event: Event) -> str | None:
    """One line for what the bot said, what it left out and why, and what the streamer said."""
    if isinstance(event, UtteranceDone):
        return f"bot ({event.outcome}): {event.text or '(nothing said)'}"
    if isinstance(event, Filtered):
        who = f" from {event.uname}" if event.uname else ""
        rule = f", {event.rule}" if event.rule else ""
        said = f": {event.text}" if event.text else ""
        return f"not answered ({event.reason}{rule}): {event.of}{who}{said}"
    if isinstance(event, Transcript) and event.final and event.text:
        return f"streamer: {event.text}"
    return None


async def narrate(queue: EventQueue) -> None:
    """Log lines above the progress bar (texts arrive cleaned at the source boundary)."""
    while True:
        line = narration(await queue.get())
        if line is not None:
            log.info("%s", line)


async def _streamer_track(cfg: Config, recording: Path, clock: Clock, console: Console) -> tuple[Any, Config]:
    """The streamer's voice track as the mic, and the config to hear it with."""
    from agent.ears.capture import WavMic
    from agent.ears.models import cache_root

    lines = streamer_lines(ReplaySource(recording, clock).recorded)
    path = track_path(cache_root() / "demo", lines)
    if not path.is_file():
        console.print(f"Speaking the demo streamer's {len(lines)} lines with Kokoro (once)…")
    await asyncio.to_thread(build_track, lines, path)
    # The track is a headset mic: the bot's voice never leaks into it, so the streamer can
    # talk over the bot (barge-in) and nothing needs gating. The room's glossary helps Whisper
    # with the game's names, as a streamer's own asr.hotwords would.
    hotwords = cfg.asr.hotwords or (DEMO_HOTWORDS if recording == DEMO_RECORDING else [])
    asr = cfg.asr.model_copy(update={"echo_guard": "none", "hotwords": hotwords})
    return WavMic(path, clock), cfg.model_copy(update={"asr": asr})


async def _settled(pipeline: Pipeline) -> bool:
    """The replay ended and the bot has nothing left to say (or has had long enough)."""
    # Wall time, not stream time: the models take as long at --speed 10 as at 1.
    ended_at = time.monotonic()
    while time.monotonic() - ended_at < DRAIN_LIMIT_S:
        if pipeline.idle():
            await asyncio.sleep(0.1)
            if pipeline.idle():
                return True
        await asyncio.sleep(0.1)
    return True


def _status_line(pipeline: Pipeline) -> str:
    stats = pipeline.stats
    received = sum(stats.received.values())
    return (
        f"in {received}  filtered {stats.filtered_total}  answered {stats.answered}  "
        f"waiting {pipeline.brain.pending()}  bot {stats.state}"
    )


class _Quiet:
    """Stands in for the progress bar when output is not a terminal."""

    def __enter__(self) -> _Quiet:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *args: object, **kwargs: object) -> TaskID:
        return TaskID(0)

    def update(self, *args: object, **kwargs: object) -> None:
        return None


def _progress(console: Console, live: bool) -> Progress | _Quiet:
    if not live:
        return _Quiet()
    return Progress(
        TextColumn("[bold]replay"),
        BarColumn(),
        TextColumn("{task.completed:>5.0f}/{task.total:.0f} s"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[status]}"),
        console=console,
        transient=False,
    )


def print_summary(pipeline: Pipeline, console: Console, *, record: Path | None) -> None:
    stats = pipeline.stats
    messages = Table(title="Messages in", show_edge=False)
    messages.add_column("type")
    messages.add_column("count", justify="right")
    for kind, n in sorted(stats.received.items(), key=lambda kv: -kv[1]):
        messages.add_row(kind, str(n))
    console.print(messages)

    filtered = Table(title="Not answered, and why", show_edge=False)
    filtered.add_column("of")
    filtered.add_column("reason")
    filtered.add_column("count", justify="right")
    for (of, reason), n in sorted(stats.filtered.items(), key=lambda kv: -kv[1]):
        filtered.add_row(of, reason, str(n))
    for queue, counts in pipeline.bus.dropped().items():
        for kind, n in counts.items():
            filtered.add_row(kind, f"dropped by {queue} queue (flood)", str(n))
    console.print(filtered)

    replies = Table(title=f"Replies ({pipeline.engine.name} engine)", show_edge=False)
    replies.add_column("outcome")
    replies.add_column("count", justify="right")
    for outcome, n in sorted(stats.outcomes.items()):
        replies.add_row(outcome, str(n))
    replies.add_row("sentences spoken", str(stats.sentences))
    console.print(replies)
    # Distinct questions (paraphrases count once) and how many got an answer, in stream time.
    console.print("Answering: " + pipeline.brain.tally.line())

    console.print(_latency(stats, pipeline.clock.speed))
    if stats.last_replies:
        console.print("Last replies: " + " | ".join(stats.last_replies))
    if stats.heard:
        console.print(
            f"Heard the streamer say ({stats.received['transcript']} transcripts, last ones): "
            + " | ".join(stats.heard)
        )
    if pipeline.engine.name == "template":
        console.print("[yellow]template mode: no language model loaded[/]")
    files = getattr(pipeline.sink, "files", [])
    if files:
        console.print(f"Audio: {len(files)} WAV files in {files[0].parent}")
    if record is not None and pipeline.recorder is not None:
        console.print(f"Recording: {pipeline.recorder.lines} events in {record}")


def _latency(stats: Stats, speed: float) -> Table:
    """Waiting for a turn (cooldowns, the streamer talking: by design, in stream seconds) apart
    from how fast a reply is made once decided (model time, the same at any replay speed)."""
    table = Table(title="Latency", show_edge=False)
    for column in ("", "p50", "p95", "n"):
        table.add_column(column, justify="left" if not column else "right")
    waits = stats.turn_waits()
    p50, p95 = (f"{percentile(waits, q) * speed / 1000.0:.1f}" if waits else "-" for q in (50, 95))
    table.add_row("time waiting for a turn (stream s)", p50, p95, str(len(waits)))
    table.add_row("[bold]reply latency once decided (ms)[/]", "", "", "")
    for name, row in stats.latency_table().items():
        if name != "arrival_to_first_audio":
            table.add_row(f"  {name}", f"{row['p50']:.1f}", f"{row['p95']:.1f}", str(int(row["n"])))
    return table


async def run_live(
    cfg: Config, sources: list[Source], clock: Clock, *, record: Path | None, console: Console
) -> Pipeline:
    pipeline = await build_pipeline(cfg, clock, sources, record=record)
    for notice in pipeline.notices:
        console.print(f"[yellow]notice:[/] {notice}")
    console.print(f"Cohost is running with the {pipeline.engine.name} engine. Ctrl-C stops it.")
    stop = asyncio.Event()
    install_stop_signals(stop)
    await pipeline.run(stop)
    return pipeline
