"""``cohost moderate``: run chat lines through the filters and print one JSON verdict each.

For tuning a lexicon or checking what the bot would ignore, without going live.
A line may be ``uid<TAB>text``; without a tab every line comes from its own viewer
(so per-viewer rules stay quiet and only the many-viewers ``flood`` rule fires).
Line N (from 0) arrives at ``N * --interval`` seconds, a synthetic clock, so the
flood rules give the same answer on every run. One viewer's lines are also read
joined (``agent.brain.joined``), so a word or number split over two lines is caught.

``--explain`` adds an ``explain`` object to each row: the normalised forms tried, every
lexicon candidate with the detector that found it, the form and span it matched
(``fired``) or why it did not count (``not_counted``), the contact details found, and
what tagged the line an ``instruction`` (``rules``, the learned ``model`` with its score, or "").
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

if TYPE_CHECKING:
    from agent.brain.flood import FloodControl
    from agent.brain.joined import RecentChat
    from agent.brain.matcher import Hit
    from agent.brain.moderation import Moderator

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
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Also print the forms tried, what fired and the span it matched."),
    ] = False,
) -> None:
    """Print one JSON verdict per input line: kept, reason, rule, normalized text, tags, sentiment."""
    from agent.brain.flood import FloodControl
    from agent.brain.joined import RecentChat
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
    judge = _LineJudge(moderator, FloodControl(cfg), RecentChat(moderator), interval, explain)
    stream: BinaryIO = file.open("rb") if file is not None else sys.stdin.buffer
    out = sys.stdout
    try:
        for number, raw in enumerate(stream):
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            uid, sep, text = line.partition("\t")
            if not sep:
                uid, text = f"line-{number}", line
            out.write(json.dumps(judge.row(number, uid, text), ensure_ascii=False) + "\n")
    except BrokenPipeError:  # `cohost moderate big.txt | head` is fine
        sys.stderr.close()
    finally:
        if file is not None:
            stream.close()


@dataclass(frozen=True)
class _LineJudge:
    """One input line's verdict as the brain would reach it: moderator, flood rules, and the
    viewer's recent lines read together."""

    moderator: Moderator
    flood: FloodControl
    recent: RecentChat
    interval: float
    explain: bool

    def row(self, number: int, uid: str, text: str) -> dict[str, object]:
        verdict = self.moderator.check(text)
        now = number * self.interval
        crowd = self.flood.check(uid, text, now)
        split = self.recent.check(uid, text, now) if verdict.kept and crowd is None else None
        reason, rule = (split.reason, split.rule) if split else (verdict.reason, verdict.rule)
        row: dict[str, object] = {
            "text": text,
            "kept": verdict.kept and crowd is None and split is None,
            "reason": crowd or reason,
            "rule": "" if crowd else rule,
            "normalized": verdict.text,
            "tags": sorted(verdict.tags),
            "sentiment": verdict.sentiment,
        }
        if self.explain:
            row["explain"] = explanation(self.moderator, text)
        return row


def explanation(moderator: Moderator, text: str) -> dict[str, object]:
    """The ``explain`` object of one row: see the module docstring."""
    from agent.brain.tags import instruction_reason

    found = moderator.explain(text)

    def hit(h: Hit) -> dict[str, object]:
        row: dict[str, object] = {
            "rule": h.rule,
            "detector": h.detector,
            "form": h.form,
            "span": [h.start, h.stop],
            "matched": h.matched,
        }
        meaning = moderator.matcher.meaning(h.rule)
        if meaning:
            row["means"] = meaning
        if h.void:
            row["why"] = h.void
        return row

    return {
        "forms": found.forms,
        "fired": [hit(h) for h in found.hits if not h.void],
        "not_counted": [hit(h) for h in found.hits if h.void],
        "contacts": [{"kind": c.kind, "span": [c.start, c.end], "text": c.text} for c in found.contacts],
        "instruction": instruction_reason(found.forms["display"], found.forms["compact"]),
    }
