"""``cohost listen``: connect one live source and print its events as JSON lines.

stdout gets exactly what ``--record`` writes (one ``to_dict`` object per line),
so ``cohost listen --source twitch --room x > room.jsonl`` is a recording;
connection states go to stderr. Ctrl-C or SIGTERM stops it cleanly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from agent.config import SourcesConfig
    from agent.events import SourceStatus
    from agent.sources.base import Source


def _source_name(value: str) -> str:
    """``--source``: a live source's name, with ``-`` or ``_`` (``bilibili-open`` = ``bilibili_open``)."""
    from agent.sources import registry

    name = registry.canonical(value)
    if name not in registry.names():
        choices = ", ".join(n.replace("_", "-") for n in registry.names())
        raise typer.BadParameter(f"{value!r} is not a live source: choose {choices}")
    return name


def _apply_options(
    sources: SourcesConfig, name: str, room: str | None, ws_url: str | None, api_base: str | None
) -> SourcesConfig:
    """The config with the command-line options applied; a misuse is one line on stderr."""
    from agent.sources import registry
    from agent.sources.base import OptionError

    name = registry.canonical(name)
    try:
        section = registry.cli_options(name, room, ws_url, api_base)
    except OptionError as exc:
        raise typer.BadParameter(str(exc), param_hint=exc.option) from None
    current = getattr(sources, name)
    # model_copy does not validate, which is why every value above is already typed.
    return sources.model_copy(update={"enabled": [name], name: current.model_copy(update=section)})


FIRST_TRIES = 3


def listen_command(
    source: Annotated[
        str,
        typer.Option(
            "--source",
            callback=_source_name,
            help="Which platform: bilibili, bilibili-open (or bilibili_open), twitch, jsonws.",
        ),
    ],
    room: Annotated[
        str | None, typer.Option("--room", help="Room id (bilibili) or channel (twitch).")
    ] = None,
    ws_url: Annotated[
        str | None, typer.Option("--ws-url", help="WebSocket URL instead of the configured one.")
    ] = None,
    api_base: Annotated[
        str | None, typer.Option("--api-base", help="Bilibili API base URL (relay, test server).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Config file (default: ./config.toml).")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also log the source's details to stderr.")
    ] = False,
    tries: Annotated[
        int,
        typer.Option(
            "--tries", min=0, help="Give up (exit 1) when the first connection fails this often (0: never)."
        ),
    ] = FIRST_TRIES,
) -> None:
    """Connect to a live room and print its events as JSON lines until Ctrl-C. Once it has been
    live it reconnects for ever; a room it never reached ends it after --tries, saying why."""
    import asyncio

    from agent.config import ConfigError, load_config
    from agent.sources.factory import build_live_sources

    name = source  # already canonical (_source_name)
    try:
        cfg = load_config(config)
        sources = _apply_options(cfg.sources, name, room, ws_url, api_base)
        (live,) = build_live_sources(sources)
    except ConfigError as exc:
        for line in exc.lines:
            typer.echo(line, err=True)
        raise typer.Exit(2) from None
    _quiet_logs(verbose)
    try:
        unreachable = asyncio.run(_listen(live, tries))
    except KeyboardInterrupt:  # Ctrl-C before the loop's own handler was installed
        raise typer.Exit(0) from None
    if unreachable:
        typer.echo(
            f"error: cannot reach the {name} room: {unreachable}; check the network, the room id and "
            f"the source's URL (--ws-url / --api-base), then run this again",
            err=True,
        )
        raise typer.Exit(1)


def _quiet_logs(verbose: bool) -> None:
    """Source details on stderr only with --verbose; the status lines carry the news otherwise."""
    import logging

    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(name)s: %(message)s", force=True
    )
    if not verbose:
        # Its news is in the status lines already; keep stderr to one line per change.
        logging.getLogger("agent.sources.supervisor").setLevel(logging.CRITICAL)


async def _listen(live: Source, tries: int = 0) -> str:
    """Print the room's events until Ctrl-C; the last failure's detail when the room was never
    reached in ``tries`` attempts (an auth failure at once), else ""."""
    import asyncio
    import contextlib
    import json
    import os
    import signal
    import sys

    from agent.events import Event, SourceStatus, to_dict

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    first = _FirstTries(tries)

    def publish(event: Event) -> None:
        if isinstance(event, SourceStatus):
            detail = f" ({event.detail})" if event.detail else ""
            print(f"{event.source}: {event.state}{detail}", file=sys.stderr, flush=True)
            if first.gives_up(event):
                stop.set()
            return
        try:
            sys.stdout.write(json.dumps(to_dict(event), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        except BrokenPipeError:  # `cohost listen ... | head`: the reader is gone
            # Point stdout at devnull so the interpreter's final flush does not complain.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            stop.set()

    runner = asyncio.create_task(live.run(publish))
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (runner, stopper):
            task.cancel()
        for task in (runner, stopper):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        with contextlib.suppress(BrokenPipeError):
            sys.stdout.flush()
    return first.failure


class _FirstTries:
    """Counts failed connections until the first "live": ``cohost listen`` is often a first
    check of a room, and an unreachable one should say so instead of retrying for ever."""

    def __init__(self, tries: int) -> None:
        self.tries = tries
        self.failed = 0
        self.live = False
        self.failure = ""

    def gives_up(self, status: SourceStatus) -> bool:
        if status.state == "live":
            self.live = True
        if self.live or not self.tries or status.state not in ("reconnecting", "failed"):
            return False
        self.failed += 1
        why = status.detail.split("; retry in ")[0] or status.state
        if status.state == "failed" or self.failed >= self.tries:
            self.failure = f"{why} ({self.failed} {'try' if self.failed == 1 else 'tries'})"
            return True
        return False
