"""How training shows its progress: a rich progress bar for transformers' Trainer (steps, loss,
steps/s, eval loss) while it runs, the loss curve as a PNG when it is done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text
from transformers import TrainerCallback


class _Speed(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0.0:.2f} steps/s")


class RichProgress(TrainerCallback):
    """Draws on stderr while training; ``enabled=False`` (tests, pipes) keeps quiet."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._progress: Progress | None = None
        self._task: Any = None

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if not self.enabled:
            return
        self._progress = Progress(
            TextColumn("training"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("loss {task.fields[loss]}"),
            TextColumn("eval {task.fields[eval]}"),
            _Speed(),
            TimeRemainingColumn(),
            transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(
            "train", total=state.max_steps, completed=state.global_step, loss="-", eval="-"
        )

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=state.global_step)

    def on_log(
        self, args: Any, state: Any, control: Any, logs: dict[str, float] | None = None, **kwargs: Any
    ) -> None:
        if self._progress is None or not logs:
            return
        if "loss" in logs:
            self._progress.update(self._task, loss=f"{logs['loss']:.3f}")
        if "eval_loss" in logs:
            self._progress.update(self._task, eval=f"{logs['eval_loss']:.3f}")

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.close()

    def close(self) -> None:
        """Stop drawing (also when training failed, so the terminal is left clean)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def loss_plot(losses: list[tuple[int, float]], evals: list[tuple[int, float]], path: Path) -> None:
    """The training loss by step (and eval loss by epoch, on a second axis) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4), dpi=100)
    if losses:
        axis.plot([s for s, _ in losses], [v for _, v in losses], label="train loss")
    axis.set_xlabel("step")
    axis.set_ylabel("loss")
    if evals:
        axis.plot([s for s, _ in evals], [v for _, v in evals], "o-", label="eval loss (held-out streams)")
    axis.legend(loc="upper right")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
