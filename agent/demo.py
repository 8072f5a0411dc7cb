"""``cohost demo`` and ``cohost run``: start the pipeline, show progress, print a summary."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from agent.clock import Clock
from agent.config import Config
from agent.runtime import Pipeline, build_pipeline, install_stop_signals
from agent.sources.base import Source
from agent.sources.replay import ReplaySource

log = logging.getLogger(__name__)

DRAIN_LIMIT_S = 60.0  # stream seconds to let the last replies finish after a replay ends


async def run_demo(
    cfg: Config,
    recording: Path,
    *,
    speed: float,
    record: Path | None,
    out_dir: Path,
    console: Console,
    live_progress: bool,
) -> Pipeline:
    clock = Clock(speed)
    replay = ReplaySource(recording, clock)
    pipeline = await build_pipeline(
        cfg, clock, [replay], record=record, out_dir=out_dir, control_required=False
    )
    for notice in pipeline.notices:
        console.print(f"[yellow]notice:[/] {notice}")
    if replay.skipped["bad"]:
        console.print(f"[yellow]notice:[/] {replay.skipped['bad']} bad lines in {recording} were skipped")
    console.print(
        f"Replaying {len(replay.events)} events ({replay.duration:.0f} s of stream) at {speed:g}x "
        f"with the {pipeline.engine.name} engine"
    )
    stop = asyncio.Event()
    install_stop_signals(stop)
    runner = asyncio.create_task(pipeline.run(stop))
    with _progress(console, live_progress) as progress:
        task = progress.add_task("replay", total=max(replay.duration, 1.0), status="")
        while not runner.done():
            progress.update(task, completed=replay.position, status=_status_line(pipeline))
            if pipeline.stats.sources.get("replay") == "ended" and await _settled(pipeline, clock):
                break
            await asyncio.wait({runner}, timeout=0.25)
        progress.update(task, completed=replay.duration, status=_status_line(pipeline))
    stop.set()
    await runner
    return pipeline


async def _settled(pipeline: Pipeline, clock: Clock) -> bool:
    """The replay ended and the bot has nothing left to say (or has had long enough)."""
    ended_at = clock.now()
    while clock.now() - ended_at < DRAIN_LIMIT_S:
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

    latency = Table(title="Latency (ms): message arrival to first audio, by stage", show_edge=False)
    for column in ("stage", "p50", "p95", "n"):
        latency.add_column(column, justify="left" if column == "stage" else "right")
    for name, row in stats.latency_table().items():
        latency.add_row(name, f"{row['p50']:.1f}", f"{row['p95']:.1f}", str(int(row["n"])))
    console.print(latency)
    if stats.last_replies:
        console.print("Last replies: " + " | ".join(stats.last_replies))
    if pipeline.engine.name == "template":
        console.print("[yellow]template mode: no language model loaded[/]")
    files = getattr(pipeline.sink, "files", [])
    if files:
        console.print(f"Audio: {len(files)} WAV files in {files[0].parent}")
    if record is not None and pipeline.recorder is not None:
        console.print(f"Recording: {pipeline.recorder.lines} events in {record}")


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
