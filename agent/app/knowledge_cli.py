"""``cohost ask`` and ``cohost knowledge check``: a streamer tests their knowledge file.

``cohost ask QUESTION`` prints one JSON line, what the bot would answer from the files in
``[knowledge] files``: ``{"answer": ..., "entry": ..., "score": ...}`` (``answer`` and
``entry`` null when nothing is close enough; ``score`` is then the nearest entry's).
``cohost knowledge check FILE`` lists a file's entries and warns about headings without an
answer, questions two entries share, entries so alike they take each other's questions,
answers cut for length and answers the reply guard would refuse to say; it exits 1 when
there is anything to fix.

They live with the wiring (agent/app/) because they load the brain's meaning model and
its reply guard themselves, as agent/app/assemble.py does: the knowledge package itself
never imports the brain.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from agent.knowledge.entries import MAX_ANSWER_CHARS, Entry, KnowledgeError, load_files
from agent.knowledge.match import Embed, Matcher, entry_slots
from agent.shared.cli_support import config_or_exit
from agent.shared.slots import asked, conflict

log = logging.getLogger(__name__)

# Two entries' questions this close (cosine, centred on chat) read as one question to the
# model: a viewer's paraphrase, typically 0.6-0.8 from its entry, then scores within the
# matcher's margin of both and gets "I don't know". (The demo file's closest distinct pair,
# 这游戏多少钱 / 这是什么游戏, is 0.62.)
ALIKE = 0.65
ConfigOption = Annotated[Path | None, typer.Option("--config", help="Config file (default: ./config.toml).")]


def meaning_model() -> Embed | None:
    """The meaning model's embedding function, or None (one line on stderr) where it cannot load."""
    from agent.brain.meaning import MeaningIndex, MeaningUnavailable

    index = MeaningIndex()
    try:
        index.load()
    except MeaningUnavailable as exc:
        typer.echo(f"note: {exc}; matching by words only", err=True)
        return None
    return index.embed


def _entries_or_exit(files: list[str] | list[Path]) -> list[Entry]:
    try:
        entries, warnings = load_files(files)
    except KnowledgeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    return entries


def ask_command(
    question: Annotated[str, typer.Argument(help="A viewer's question, e.g. 这是什么游戏")],
    config: ConfigOption = None,
) -> None:
    """Print what the bot would answer from the knowledge file(s), as one JSON line."""
    cfg = config_or_exit(config)
    if not cfg.knowledge.files:
        typer.echo(
            'error: no knowledge file: set [knowledge] files = ["knowledge.md"] in config.toml '
            "(or COHOST_KNOWLEDGE__FILES)",
            err=True,
        )
        raise typer.Exit(2)
    entries = _entries_or_exit(cfg.knowledge.files)
    matcher = Matcher(entries, meaning_model(), threshold=cfg.knowledge.threshold)
    found = matcher.match(question)
    if found is not None:
        row = {"answer": found.entry.answer, "entry": found.entry.question, "score": found.score}
    else:
        ranked = matcher.scores(question)
        row = {"answer": None, "entry": None, "score": ranked[0].score if ranked else 0.0}
    typer.echo(json.dumps(row, ensure_ascii=False))


knowledge_app = typer.Typer(help="The knowledge file the bot answers from.", no_args_is_help=True)


@knowledge_app.command("check")
def check_command(
    file: Annotated[
        Path, typer.Argument(help="A knowledge file (Markdown: '## question | other way' + answer).")
    ],
    config: ConfigOption = None,
) -> None:
    """List a knowledge file's entries and warn about what to fix."""
    from agent.brain.moderation import Moderator

    cfg = config_or_exit(config)
    try:
        entries, problems = load_files([file])
    except KnowledgeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for entry in entries:
        more = f" (+{len(entry.phrasings) - 1} more)" if len(entry.phrasings) > 1 else ""
        typer.echo(f"{entry.source}  {entry.question}{more} -> {entry.answer}")
    guard = Moderator.from_config(cfg.brain).banned_in
    for entry in entries:
        rule = guard(entry.answer)
        if rule is not None:
            problems.append(f"{entry.source}: the reply guard refuses this answer ({rule}): reword it")
        if len(entry.answer) >= MAX_ANSWER_CHARS - 20:
            problems.append(
                f"{entry.source}: the answer is long; only about {MAX_ANSWER_CHARS} characters are said"
            )
    problems += _duplicates(entries)
    problems += _alike(entries)
    for problem in problems:
        typer.echo(f"warning: {problem}")
    typer.echo(f"{len(entries)} entries, {len(problems)} warnings")
    if problems:
        raise typer.Exit(1)


def _duplicates(entries: list[Entry]) -> list[str]:
    """A question (case and spaces aside) under two headings: only the first would answer."""
    seen: dict[str, Entry] = {}
    out = []
    for entry in entries:
        for phrasing in entry.phrasings:
            key = "".join(phrasing.lower().split()).rstrip("?？")
            first = seen.setdefault(key, entry)
            if first is not entry:
                out.append(f"{entry.source}: '{phrasing}' is also asked at {first.source}: keep one")
    return out


def _alike(entries: list[Entry]) -> list[str]:
    """Two entries whose questions mean the same to the model (and ask no different slots,
    as 几点开播 / 几点下播 do): their askers' paraphrases land on either, or on neither."""
    embed = meaning_model()
    if embed is None or len(entries) < 2:
        return []
    matcher = Matcher(entries, embed)
    out = []
    for entry in entries:
        for phrasing in entry.phrasings:
            asks = asked(phrasing)
            other = next(
                (
                    m
                    for m in matcher.scores(phrasing)
                    if m.entry is not entry and not conflict(asks, entry_slots(m.entry))
                ),
                None,
            )
            if other is not None and other.score >= ALIKE:
                out.append(
                    f"{entry.source}: '{phrasing}' reads like '{other.entry.question}' "
                    f"({other.entry.source}, {other.score:.2f}): merge them or make the questions differ"
                )
                break
    return out
