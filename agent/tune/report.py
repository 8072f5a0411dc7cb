"""The tables ``cohost dataset`` and ``cohost finetune`` print at the end."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table

from agent.tune.dataset import Summary
from agent.tune.finetune import TuneResult


def _table(title: str, rows: Iterable[tuple[str, Any]], head: tuple[str, str] = ("", "count")) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(head[0])
    table.add_column(head[1], justify="right")
    for key, value in rows:
        table.add_row(str(key), str(value))
    return table


def print_dataset(summary: Summary, console: Console) -> None:
    console.print(
        _table(
            "Streams",
            ((s["name"], f"{s['pairs']} pairs / {s['messages']} messages") for s in summary.streams),
            ("stream", "kept"),
        )
    )
    console.print(f"Split {summary.split}")
    console.print(_table("Pairs kept", summary.kept.items(), ("split", "pairs")))
    console.print(_table("Answer sources", summary.sources.most_common(), ("source", "pairs")))
    if summary.dropped:
        console.print(_table("Dropped", summary.dropped.most_common(), ("reason", "count")))
    if summary.cleaning:
        console.print(_table("Cleaning", summary.cleaning.most_common(), ("rule", "count")))
    if summary.negatives:
        console.print(
            _table("Negative samples (negatives.jsonl)", summary.negatives.most_common(), ("label", "count"))
        )
    if summary.clusters:
        console.print(_table("Top questions", summary.clusters, ("question", "asked")))


def print_finetune(result: TuneResult, console: Console) -> None:
    def loss(value: float | None) -> str:
        return "-" if value is None else f"{value:.4f}"

    share = 100 * result.trainable / max(1, result.total)
    first, last = (result.losses[0][1], result.losses[-1][1]) if result.losses else (None, None)
    train = f"{loss(first)} -> {loss(last)}" if result.losses else "none logged (too few steps)"
    held_out = f"{loss(result.eval_before)} -> {loss(result.eval_after)}"
    if result.eval_before is None and result.eval_after is None:
        held_out = "no eval set (chat_eval.jsonl is empty: see `cohost dataset --eval-fraction`)"
    rows = [
        ("adapter", str(result.adapter)),
        ("trainable parameters", f"{result.trainable:,} of {result.total:,} ({share:.2f}%)"),
        ("steps", result.steps),
        ("device", result.device),
        ("speed", f"{result.steps_per_s:.2f} steps/s, peak memory {result.peak_memory_mb:,.0f} MiB"),
        ("train loss first -> last", train),
        ("eval loss before -> after", held_out),
        ("loss curve", str(result.adapter / "loss.png")),
    ]
    if result.merged is not None:
        rows.append(("merged model", str(result.merged)))
    console.print(_table("Fine-tuning", rows, ("", "")))
