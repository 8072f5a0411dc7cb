"""``cohost demo`` and ``cohost run``: start the pipeline, show progress, print a summary."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from agent.app.assemble import build_pipeline
from agent.app.demo_track import SPOKEN_BY_MIC, build_track, streamer_lines, track_path
from agent.app.narration import NARRATED, narrator
from agent.app.runtime import Pipeline
from agent.app.stage import Stage, install_stop_signals
from agent.app.stats import Stats, percentile
from agent.brain.ledger import accounts, waiting
from agent.clock import Clock
from agent.config import Config, ConfigError
from agent.knowledge.entries import DEMO_KNOWLEDGE
from agent.shared.cli_support import StoppedEarly
from agent.sources.base import Source
from agent.sources.replay import DEMO_RECORDING, ReplaySource
from agent.tts.base import TTSUnavailable

log = logging.getLogger(__name__)

DRAIN_LIMIT_S = 60.0  # seconds to let the last replies and transcripts finish after a replay ends
DEMO_HOTWORDS = ["黑神话悟空", "二郎神", "舰长"]  # the demo room's glossary, for Whisper
T = TypeVar("T")
# The fastest replay that is heard and voiced live. Faster, a 2-core PC cannot transcribe the
# streamer in time (segments dropped, transcripts 40 s late) and the voice cannot say a reply
# before the sped-up streamer talks again (at --speed 10 under load: 0 of 7 replies said, 6
# cut off before their first word); the replies are then written, not voiced.
EARS_UP_TO = 4.0


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
    verbose: bool = False,
) -> tuple[Pipeline, int | None]:
    """Replay ``recording``; returns the agent and the signal that stopped it (None: it ended).
    With the ears on and no ``real_mic``, the recorded streamer is spoken into a track that
    plays as the mic: heard, segmented and transcribed live (up to ``--speed`` EARS_UP_TO;
    faster, their recorded words go to the brain as text)."""
    clock = Clock(speed)
    ears_were_on = cfg.asr.engine != "none"
    cfg = _sped_up(cfg, speed, real_mic, console)
    as_text = ears_were_on and cfg.asr.engine == "none"  # (the notice above said why)
    if not cfg.knowledge.files and recording.resolve() == DEMO_RECORDING.resolve():
        # The demo room's streamer wrote down what the room asks (agent/data/demo_knowledge.md).
        known = cfg.knowledge.model_copy(update={"files": [str(DEMO_KNOWLEDGE)]})
        cfg = cfg.model_copy(update={"knowledge": known})
    if real_mic:
        _check_mic(cfg)
    stop = asyncio.Event()
    caught = install_stop_signals(stop)  # from the start: Ctrl-C while models load is fine too
    mic = None
    if cfg.asr.engine != "none" and not real_mic:
        try:
            mic, cfg = await _until_stopped(_streamer_track(cfg, recording, clock, console), stop, caught)
        except TTSUnavailable as exc:
            console.print(
                f"[yellow]notice:[/] no streamer voice track ({exc}); replaying what they said as text"
            )
    replay = ReplaySource(recording, clock, leave_out=SPOKEN_BY_MIC if mic is not None else frozenset())
    # The room and the streamer start together, once the models are in (room_waits).
    built = build_pipeline(
        cfg, clock, [replay], record=record, out_dir=out_dir, control_required=False, mic=mic, room_waits=True
    )
    pipeline = await _until_stopped(built, stop, caught)
    for notice in pipeline.notices:
        if not (as_text and notice.startswith(("asr: off", "tts: off"))):
            console.print(f"[yellow]notice:[/] {notice}")
    if replay.skipped["bad"]:
        console.print(f"[yellow]notice:[/] {replay.skipped['bad']} bad lines in {recording} were skipped")
    console.print(
        f"Replaying {replay.count} events ({replay.duration:.0f} s of stream) at {speed:g}x "
        f"with the {pipeline.engine.name} engine"
    )
    pipeline = pipeline.adding(Stage("narrator", narrator(verbose), NARRATED))
    runner = asyncio.create_task(pipeline.run(stop))
    await _watch(pipeline, replay, runner, stop, _progress(console, live_progress))
    stop.set()
    await runner
    return pipeline, caught[0] if caught else None


async def _watch(
    pipeline: Pipeline, replay: ReplaySource, runner: asyncio.Task[None], stop: asyncio.Event, bar: Any
) -> None:
    """The progress bar until the replay has ended and the bot is done, or Ctrl-C."""
    with bar as progress:
        task = progress.add_task("replay", total=max(replay.duration, 1.0), status="")
        while not runner.done() and not stop.is_set():
            progress.update(task, completed=replay.position, status=_status_line(pipeline))
            if pipeline.stats.sources.get("replay") == "ended" and await _settled(pipeline, stop):
                break
            await asyncio.wait({runner}, timeout=0.25)
        # Where the replay really got to: after Ctrl-C the bar stays where it was stopped.
        progress.update(task, completed=replay.position, status=_status_line(pipeline))


def _sped_up(cfg: Config, speed: float, real_mic: bool, console: Console) -> Config:
    """The config for a replay at ``speed``: models keep their wall-clock patience, and above
    EARS_UP_TO the demo streamer is not played to Whisper (see EARS_UP_TO)."""
    if speed <= 1:
        return cfg
    # Models do not run faster when the room is sped up: keep their wall-clock patience
    # (a reply cut off as hung after reply_timeout_s), not a tenth of it at --speed 10.
    brain = cfg.brain.model_copy(update={"reply_timeout_s": cfg.brain.reply_timeout_s * speed})
    cfg = cfg.model_copy(update={"brain": brain})
    if speed <= EARS_UP_TO:
        return cfg
    console.print(
        f"[yellow]notice:[/] --speed {speed:g} is a quick look at what the bot decides: the demo "
        "streamer's words go to it as text and its replies are written, not voiced (Whisper and the "
        f"voice take as long at any speed); up to --speed {EARS_UP_TO:g} both are live"
    )
    tts = cfg.tts.model_copy(update={"engine": "none"})
    if real_mic:  # your own voice: still heard live
        return cfg.model_copy(update={"tts": tts})
    return cfg.model_copy(update={"tts": tts, "asr": cfg.asr.model_copy(update={"engine": "none"})})


def _check_mic(cfg: Config) -> None:
    """``--mic`` with no mic to listen to: say so at once (not a warning 20 s into the replay)."""
    from agent.ears.capture import MicUnavailable, find_input_device

    try:
        found = find_input_device(cfg.audio.input_device) is not None
        why = "no audio input device here"
    except MicUnavailable as exc:
        found, why = False, str(exc)
    if not found:
        raise ConfigError(
            [f"error: --mic: {why}; plug in a mic (see `cohost devices`), or run without --mic "
             "to hear the demo's own streamer"]
        )  # fmt: skip


async def _until_stopped(step: Coroutine[Any, Any, T], stop: asyncio.Event, caught: list[int]) -> T:
    """Await a start-up step (the voice track, the models) unless Ctrl-C comes first."""
    work = asyncio.ensure_future(step)
    halt = asyncio.ensure_future(stop.wait())
    await asyncio.wait({work, halt}, return_when=asyncio.FIRST_COMPLETED)
    halt.cancel()
    if not work.done():
        work.cancel()
        raise StoppedEarly(caught[0] if caught else signal.SIGINT)
    return work.result()


async def _streamer_track(cfg: Config, recording: Path, clock: Clock, console: Console) -> tuple[Any, Config]:
    """The streamer's voice track as the mic, and the config to hear it with."""
    from agent.ears.capture import WavMic
    from agent.ears.models import cache_root

    lines = streamer_lines(ReplaySource(recording, clock).recorded)
    path = track_path(cache_root() / "demo", lines)
    if not path.is_file():
        console.print(f"Speaking the demo streamer's {len(lines)} lines with Kokoro (once)…")
    # A daemon thread, not to_thread: Ctrl-C during the build must not wait for Kokoro to finish.
    await _in_daemon_thread(build_track, lines, path)
    # The track is a headset mic: the bot's voice never leaks into it, so the streamer can
    # talk over the bot (barge-in) and nothing needs gating. The room's glossary helps Whisper
    # with the game's names, as a streamer's own asr.faster_whisper.hotwords would.
    whisper = cfg.asr.faster_whisper
    hotwords = whisper.hotwords or (DEMO_HOTWORDS if recording == DEMO_RECORDING else [])
    asr = cfg.asr.model_copy(
        update={"echo_guard": "none", "faster_whisper": whisper.model_copy(update={"hotwords": hotwords})}
    )
    return WavMic(path, clock), cfg.model_copy(update={"asr": asr})


async def _in_daemon_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn`` in a daemon thread; quitting does not wait for it (it writes atomically)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if done.done():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)

    def work() -> None:
        result, error = None, None
        try:
            result = fn(*args)
        except BaseException as exc:  # handed to the awaiting task, which decides
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name="cohost-demo-track", daemon=True).start()
    return await done


async def _settled(pipeline: Pipeline, stop: asyncio.Event) -> bool:
    """The replay ended and the bot has nothing left to say (or has had long enough)."""
    # Wall time, not stream time: the models take as long at --speed 10 as at 1.
    ended_at = time.monotonic()
    while time.monotonic() - ended_at < DRAIN_LIMIT_S and not stop.is_set():
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
    console.print(_accounts(pipeline))

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


def _accounts(pipeline: Pipeline) -> Table:
    """Every viewer event ends spoken, not answered (with its reason above) or still waiting."""
    not_answered: Counter[str] = Counter()
    for (of, _), n in pipeline.stats.filtered.items():
        not_answered[of] += n
    for kind, n in pipeline.bus.dropped().get("brain", {}).items():
        not_answered[kind] += n
    table = Table(title="Every viewer event, and what became of it", show_edge=False)
    for column in ("type", "in", "answered (spoken)", "not answered", "waiting at the end", "unaccounted"):
        table.add_column(column, justify="left" if column == "type" else "right")
    rows = accounts(
        pipeline.stats.received, pipeline.brain.ledger.spoken, not_answered, waiting(pipeline.brain.state)
    )
    for kind, *numbers in rows:
        lost = numbers[-1]
        table.add_row(kind, *map(str, numbers[:-1]), f"[bold red]{lost}[/]" if lost else "0")
    return table


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
    stop = asyncio.Event()
    caught = install_stop_signals(stop)
    pipeline = await _until_stopped(build_pipeline(cfg, clock, sources, record=record), stop, caught)
    for notice in pipeline.notices:
        console.print(f"[yellow]notice:[/] {notice}")
    console.print(f"Cohost is running with the {pipeline.engine.name} engine. Ctrl-C stops it.")
    await pipeline.run(stop)
    return pipeline
