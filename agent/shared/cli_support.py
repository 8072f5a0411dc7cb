"""What every ``cohost`` command shares: logging that fits the progress bar, and one line per
config problem (or per problem a streamer must fix) instead of a traceback."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import typer

from agent.config import DEFAULT_CONFIG, Config, ConfigError, load_config

T = TypeVar("T")


def _flags_take_no_value() -> None:
    """typer 0.29 prints an on/off flag as ``--quiet <bool>`` in --help, which reads as if it
    took a value (``--quiet true`` is refused). A flag's help shows no type here instead."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_take_no_value()


class StoppedEarly(Exception):
    """Ctrl-C (or SIGTERM) came before the stream started: nothing ran, nothing to sum up."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signum} before the stream started")
        self.signum = signum


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time, so the live progress bar,
    which redirects stderr, prints log lines above itself instead of breaking."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def setup_logging(verbose: bool = False) -> None:
    handler = _CurrentStderr()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True)
    for noisy in ("httpx", "httpcore", "websockets", "uvicorn.access", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run_or_exit(main: Coroutine[Any, Any, T]) -> T:
    """Run the pipeline; a problem the streamer must fix (a busy port, say) ends it with one line.
    Ctrl-C before the stream started ends it with one line and exit code 130 (128 + SIGINT)."""
    try:
        return asyncio.run(main)
    except* ConfigError as group:
        for exc in group.exceptions:
            for line in getattr(exc, "lines", [str(exc)]):
                typer.echo(line, err=True)
    except* (StoppedEarly, KeyboardInterrupt) as group:
        signum = getattr(group.exceptions[0], "signum", signal.SIGINT)
        typer.echo("stopped before the stream started", err=True)
        raise typer.Exit(128 + signum) from None
    raise typer.Exit(2)


def exit_if_stopped(signum: int | None) -> None:
    """After the summary: a run stopped by Ctrl-C exits 130 (SIGTERM: 143), as a shell expects."""
    if signum is not None:
        raise typer.Exit(128 + signum)


def config_or_exit(path: Path | None) -> Config:
    """Load the config, or print one line per problem and exit 2."""
    try:
        return load_config(path)
    except ConfigError as exc:
        for line in exc.lines:
            typer.echo(line, err=True)
        raise typer.Exit(2) from None


def write_config(path: Path, *, force: bool) -> None:
    """Copy the documented config.toml to ``path``; never overwrite one without ``force``."""
    if path.exists() and not force:
        typer.echo(f"error: {path} already exists (pass --force to overwrite it)", err=True)
        raise typer.Exit(1)
    try:
        text = DEFAULT_CONFIG.read_text(encoding="utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        typer.echo(f"error: cannot write {path}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"wrote {path}: every key with its default; edit what you need (cohost reads ./config.toml)")
