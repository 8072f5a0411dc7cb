"""``cohost memory list / export / forget``: what the bot remembers of viewers across streams."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Annotated

import typer

from agent.knowledge.viewers import ViewerStore, open_store, store_path
from agent.shared.cli_support import config_or_exit

ConfigOption = Annotated[Path | None, typer.Option("--config", help="Config file (default: ./config.toml).")]

memory_app = typer.Typer(
    help="Viewers remembered across streams (the viewers section of config.toml).", no_args_is_help=True
)


def _store_or_exit(config: Path | None, *, missing: int = 0) -> ViewerStore:
    """The configured store; a missing file is one line and exit code ``missing``."""
    cfg = config_or_exit(config).viewers
    path = store_path(cfg)
    if not path.exists():
        typer.echo(
            f"no viewer memory at {path}: it is written by `cohost run` with [viewers] remember = true "
            "(or --remember-viewers)",
            err=True,
        )
        raise typer.Exit(missing)
    try:
        return open_store(cfg)
    except (OSError, sqlite3.Error) as exc:
        typer.echo(f"error: cannot open the viewer memory {path}: {exc}", err=True)
        raise typer.Exit(2) from None


@memory_app.command("list")
def list_command(
    config: ConfigOption = None,
    limit: Annotated[int, typer.Option("--limit", help="How many viewers, most recent first.")] = 50,
) -> None:
    """The viewers remembered, most recently seen first: one line each."""
    store = _store_or_exit(config)
    try:
        for row in store.viewers(limit):
            asked = f"  asked: {' / '.join(row['asked'])}" if row["asked"] else ""
            typer.echo(
                f"{row['platform']}:{row['uid']}  {row['name']}  visits {row['visits']}  "
                f"last {row['last_seen']}  gifts {row['gifts']}{asked}"
            )
    finally:
        store.close()


@memory_app.command("export")
def export_command(config: ConfigOption = None) -> None:
    """Everything remembered as JSON lines (one viewer a line), for a viewer's data request."""
    store = _store_or_exit(config)
    try:
        for row in store.export():
            typer.echo(json.dumps(row, ensure_ascii=False))
    finally:
        store.close()


@memory_app.command("forget")
def forget_command(
    who: Annotated[str, typer.Argument(help="A viewer's user id or remembered name.")],
    config: ConfigOption = None,
    platform: Annotated[str, typer.Option("--platform", help="Only on this platform (bilibili...).")] = "",
) -> None:
    """Delete everything remembered about a viewer."""
    store = _store_or_exit(config, missing=1)
    try:
        gone = store.forget_who(who, platform)
    finally:
        store.close()
    if not gone:
        typer.echo(f"no viewer {who!r} in the viewer memory", err=True)
        raise typer.Exit(1)
    typer.echo(f"forgot {gone} viewer{'s' if gone > 1 else ''}")
