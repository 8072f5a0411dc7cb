"""``cohost dataset`` and ``cohost finetune``: the command-line side of agent/tune."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agent.shared.cli_support import config_or_exit, setup_logging

if TYPE_CHECKING:
    from rich.console import Console

    from agent.tune.finetune import TuneOptions

ConfigOption = Annotated[Path | None, typer.Option("--config", help="Config file (default: ./config.toml).")]


RecordingsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Files written by --record (default: the shipped demo room).", show_default=False),
]
DatasetOutOption = Annotated[Path, typer.Option("--out", help="Folder to write the dataset into.")]
EvalFractionOption = Annotated[
    float, typer.Option("--eval-fraction", min=0.0, max=0.9, help="Share of streams held out for eval.")
]
BannedOption = Annotated[
    str, typer.Option("--banned", help="Lines with a banned word: drop, or mask the word with *.")
]
MinCharsOption = Annotated[int, typer.Option("--min-chars", min=1, help="Shortest question or answer.")]
MaxCharsOption = Annotated[int, typer.Option("--max-chars", min=2, help="Longest question or answer.")]
SameAnswerOption = Annotated[
    int, typer.Option("--max-same-answer", min=1, help="Keep one answer text at most this often.")
]
WindowOption = Annotated[
    float,
    typer.Option("--answer-window", min=1.0, help="Seconds after a question the streamer's words count."),
]


def dataset_command(
    recordings: RecordingsArg = None,
    out: DatasetOutOption = Path("cohost-dataset"),
    config: ConfigOption = None,
    eval_fraction: EvalFractionOption = 0.2,
    banned: BannedOption = "drop",
    min_chars: MinCharsOption = 2,
    max_chars: MaxCharsOption = 200,
    max_same_answer: SameAnswerOption = 3,
    answer_window: WindowOption = 60.0,
) -> None:
    """Turn stream recordings into clean instruction data (chat and instruction JSONL) and a report."""
    from rich.console import Console

    from agent.sources.replay import DEMO_RECORDING
    from agent.tune.dataset import Options, build, write
    from agent.tune.logs import DatasetError
    from agent.tune.pairs import Windows
    from agent.tune.report import print_dataset

    setup_logging()
    if banned not in ("drop", "mask"):
        typer.echo(f"error: --banned {banned!r}: use drop or mask", err=True)
        raise typer.Exit(2)
    cfg = config_or_exit(config)
    options = Options(
        min_chars=min_chars,
        max_chars=max_chars,
        eval_fraction=eval_fraction,
        max_same_answer=max_same_answer,
        banned="mask" if banned == "mask" else "drop",
        windows=Windows(answer_window_s=answer_window),
    )
    console = Console()
    try:
        with console.status("reading recordings ..."):
            built = build(recordings or [DEMO_RECORDING], cfg, options)
        if not built.train and not built.eval:
            raise DatasetError(
                "no question-answer pairs in these recordings: record streams where the bot answered "
                "(`cohost run --record FILE`) or where the mic was on, then run this again"
            )
        write(out, built.train, built.eval, built.negatives, built.summary)
    except DatasetError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    print_dataset(built.summary, console)
    console.print(
        f"Dataset: {out}/chat_train.jsonl ({len(built.train)} pairs), chat_eval.jsonl ({len(built.eval)})"
    )
    if built.train and not built.eval:
        console.print(
            "[yellow]warning:[/] the eval set is empty, so `cohost finetune` cannot say whether the "
            "adapter got better: pass a second recording (whole streams are held out), or raise "
            f"--eval-fraction (now {eval_fraction:g}) so part of this stream is held out"
        )


# The options of `cohost finetune`, one alias each so the command reads as a list of names.
DataArg = Annotated[
    Path | None,
    typer.Argument(
        help="A `cohost dataset` folder or a chat JSONL file (omit with --merge alone).", show_default=False
    ),
]
BaseOption = Annotated[str, typer.Option("--base", help="Base chat model: local folder or Hugging Face id.")]
OutOption = Annotated[Path, typer.Option("--out", help="Folder for the LoRA adapter.")]
EvalOption = Annotated[
    Path | None, typer.Option("--eval", help="Held-out chat JSONL (default: the folder's).")
]
EpochsOption = Annotated[float, typer.Option("--epochs", min=0.01, help="Passes over the data.")]
StepsOption = Annotated[
    int, typer.Option("--max-steps", help="Stop after this many steps (-1: by --epochs).")
]
LrOption = Annotated[float, typer.Option("--lr", min=0.0, help="Peak learning rate (cosine, warmup).")]
BatchOption = Annotated[int, typer.Option("--batch-size", min=1, help="Examples per step on the device.")]
AccumOption = Annotated[int, typer.Option("--grad-accum", min=1, help="Steps summed per update.")]
LengthOption = Annotated[int, typer.Option("--max-length", min=16, help="Longest example in tokens.")]
RankOption = Annotated[int, typer.Option("--rank", min=1, help="LoRA rank.")]
AlphaOption = Annotated[int, typer.Option("--alpha", min=1, help="LoRA alpha (scale = alpha / rank).")]
TargetOption = Annotated[
    str, typer.Option("--target-modules", help="Comma-separated layer names (default: found from the model).")
]
QloraOption = Annotated[bool, typer.Option("--qlora", help="Load the base in 4 bits (CUDA + bitsandbytes).")]
ResumeOption = Annotated[
    bool, typer.Option("--resume", help="Continue from the last checkpoint in OUT.partial.")
]
MergeOption = Annotated[
    bool, typer.Option("--merge", help="Also write OUT-merged: base + adapter in one model.")
]
RemoteCodeOption = Annotated[
    bool,
    typer.Option(
        "--trust-remote-code", help="Allow a model's own code (ChatGLM3). Only for models you trust."
    ),
]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed.")]


def finetune_command(
    data: DataArg = None,
    base: BaseOption = "",
    out: OutOption = Path("cohost-adapter"),
    eval_file: EvalOption = None,
    epochs: EpochsOption = 3.0,
    max_steps: StepsOption = -1,
    learning_rate: LrOption = 2e-4,
    batch_size: BatchOption = 4,
    grad_accum: AccumOption = 4,
    max_length: LengthOption = 512,
    rank: RankOption = 16,
    alpha: AlphaOption = 32,
    target: TargetOption = "",
    qlora: QloraOption = False,
    resume: ResumeOption = False,
    merge: MergeOption = False,
    trust_remote_code: RemoteCodeOption = False,
    seed: SeedOption = 0,
) -> None:
    """Train a LoRA adapter for the GLM chat model on a `cohost dataset` folder (answers only)."""
    from rich.console import Console

    from agent.tune.finetune import TuneOptions

    setup_logging()
    if not base:
        typer.echo(
            "error: --base is required: the chat model to adapt, e.g. zai-org/glm-edge-1.5b-chat", err=True
        )
        raise typer.Exit(2)
    console = Console()
    options = TuneOptions(
        base=base,
        out=out,
        epochs=epochs,
        max_steps=max_steps,
        learning_rate=learning_rate,
        batch_size=batch_size,
        grad_accum=grad_accum,
        max_length=max_length,
        rank=rank,
        alpha=alpha,
        target_modules=tuple(t.strip() for t in target.split(",") if t.strip()),
        qlora=qlora,
        resume=resume,
        merge=merge,
        trust_remote_code=trust_remote_code,
        seed=seed,
        progress=console.is_terminal,
    )
    _finetune_or_exit(data, eval_file, options, console)


def _finetune_or_exit(
    data: Path | None, eval_file: Path | None, options: TuneOptions, console: Console
) -> None:
    """Preflight, then train (or merge alone); one line and an exit code for what a person can fix."""
    from agent.tune.chatdata import find_files
    from agent.tune.finetune import TuneError, finetune
    from agent.tune.logs import DatasetError
    from agent.tune.preflight import preflight
    from agent.tune.report import print_finetune

    out = options.out
    try:
        preflight(options.base)  # packages and the base model, before any work (and before OUT.partial)
        if data is None:
            _merge_only(
                options.base,
                out,
                merge=options.merge,
                trust_remote_code=options.trust_remote_code,
                console=console,
            )
            return
        result = finetune(find_files(data, eval_file), options)
    except (TuneError, DatasetError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo(f"stopped: checkpoints are in {out}.partial; run the same command with --resume", err=True)
        raise typer.Exit(130) from None
    print_finetune(result, console)
    console.print(f'Use it: set llm.transformers.adapter = "{result.adapter}" in config.toml')


def _merge_only(base: str, out: Path, *, merge: bool, trust_remote_code: bool, console: Console) -> None:
    """`cohost finetune --merge` without data: base + the adapter in OUT, written as OUT-merged."""
    from agent.tune.finetune import merge as merge_adapter

    if not merge:
        typer.echo("error: pass the training data (a `cohost dataset` folder), or --merge alone", err=True)
        raise typer.Exit(2)
    with console.status(f"merging {out} into {base} ..."):
        merged = merge_adapter(base, out, trust_remote_code=trust_remote_code)
    console.print(f"Merged model: {merged} (set llm.transformers.model to it)")
