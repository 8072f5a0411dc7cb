"""``cohost moderate``: run chat lines through the filters and print one JSON verdict each.

For tuning a lexicon or checking what the bot would ignore, without going live.
A line may be ``uid<TAB>text``; without a tab every line comes from its own viewer
(so per-viewer rules stay quiet and only the many-viewers ``flood`` rule fires).
Line N (from 0) arrives at ``N * --interval`` seconds, a synthetic clock, so the
flood rules give the same answer on every run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

MODEL_WAIT_S = 120.0  # the sentiment model loads in ~2-5 s; a stuck load must not hang the tool


def moderate_command(
    file: Annotated[
        Path | None, typer.Argument(help="Messages, one per line (uid<TAB>text or text). Default: stdin.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Config file (default: ./config.toml).")
    ] = None,
    interval: Annotated[
        float,
        typer.Option("--interval", min=0.0, help="Synthetic seconds between lines, for the flood rules."),
    ] = 1.0,
) -> None:
    """Print one JSON verdict per input line: kept, reason, rule, normalized text, tags, sentiment."""
    from agent.brain.flood import FloodControl
    from agent.brain.moderation import Moderator
    from agent.config import ConfigError, load_config

    try:
        cfg = load_config(config).brain
        moderator = Moderator.from_config(cfg)
    except ConfigError as exc:
        for line in exc.lines:
            typer.echo(line, err=True)
        raise typer.Exit(2) from None
    if file is not None and not file.is_file():
        typer.echo(
            f"error: no file at {file} (pass a text file with one message per line, or use stdin)", err=True
        )
        raise typer.Exit(2)
    # Every line gets the same kind of sentiment: wait for the model (rules if it cannot load).
    moderator.wait_ready(timeout=MODEL_WAIT_S)
    flood = FloodControl(cfg)
    stream: BinaryIO = file.open("rb") if file is not None else sys.stdin.buffer
    out = sys.stdout
    try:
        for number, raw in enumerate(stream):
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            uid, sep, text = line.partition("\t")
            if not sep:
                uid, text = f"line-{number}", line
            verdict = moderator.check(text)
            crowd = flood.check(uid, text, number * interval)
            row = {
                "text": text,
                "kept": verdict.kept and crowd is None,
                "reason": crowd or verdict.reason,
                "rule": "" if crowd else verdict.rule,
                "normalized": verdict.text,
                "tags": sorted(verdict.tags),
                "sentiment": verdict.sentiment,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    except BrokenPipeError:  # `cohost moderate big.txt | head` is fine
        sys.stderr.close()
    finally:
        if file is not None:
            stream.close()
