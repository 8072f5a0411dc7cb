"""Where the brain's time goes per unique message: the filters against the brain's own work.

The same room as ``bench_brain_only.py``'s worst case (the demo room's danmaku, every text
unique, a 1000 msgs/s room, reply engine off) through one bus queue and a fresh brain, with a
stopwatch around each part the brain calls:

- the filters: text normalization (``normalize.forms``, shared by all that follow and cached
  per text: whoever asks first pays), the name guard (``names.safe``), moderation
  (``moderator.check``: words, tags, contacts, orders to the bot) and joined chat
  (``recent.check``: words split over messages);
- the brain's own work: the flood rules (``flood.check``), the state machine (``step``: the
  queue, folding, the floor), memory (``memory.take``) and the rest of ``Brain.handle``
  (its shell: the chat line, topics, tallies) plus the bus.

Each part's time is its own (a part called inside another counts once, in itself). Printed:
microseconds per message for each part and its share of the whole, the whole as messages per
second, and the same for the brain alone (everything but the filters). The stopwatches add a
little to "the rest"; ``bench_brain_only.py`` gives the untimed rate.

    .venv/bin/python bench/bench_brain_share.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import agent.brain.brain as brain_module
from agent.app.runtime import BRAIN_INPUTS
from agent.brain import normalize
from agent.brain.brain import Brain
from agent.brain.moderation import Moderator
from agent.bus import Bus
from agent.config import Config
from bench.bench_brain_only import _clear_text_caches, _danmaku

MESSAGES = 20_000
FILTERS = ("normalization", "names", "moderation", "joined chat")


class Stopwatches:
    """Exclusive time per part: a part's time leaves out the timed parts it calls."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self._inner = [0.0]  # time of timed calls made inside the one running now

    def wrap(self, part: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.spent.setdefault(part, 0.0)

        def timed(*args: Any, **kwargs: Any) -> Any:
            self._inner.append(0.0)
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                took = time.perf_counter() - began
                self.spent[part] += took - self._inner.pop()
                self._inner[-1] += took

        return timed


def _timed_run(n: int) -> tuple[float, dict[str, float]]:
    """Seconds for ``n`` unique messages through a fresh bus and brain, and each part's seconds."""
    cfg = Config()
    brain = Brain(cfg.brain, Moderator.from_config(cfg.brain))
    messages = _danmaku(n)
    _clear_text_caches()
    watch = Stopwatches()
    forms = normalize.forms
    normalize.forms = watch.wrap("normalization", forms)  # type: ignore[assignment]
    brain.names.safe = watch.wrap("names", brain.names.safe)  # type: ignore[method-assign]
    brain.moderator.check = watch.wrap("moderation", brain.moderator.check)  # type: ignore[method-assign]
    brain.recent.check = watch.wrap("joined chat", brain.recent.check)  # type: ignore[method-assign]
    brain.flood.check = watch.wrap("flood rules", brain.flood.check)  # type: ignore[method-assign]
    brain.memory.take = watch.wrap("memory", brain.memory.take)  # type: ignore[method-assign]
    step = brain_module.step
    brain_module.step = watch.wrap("state machine", step)
    try:
        bus = Bus(cfg.bus.queue_size)
        queue = bus.subscribe("brain", accepts=BRAIN_INPUTS)
        began = time.perf_counter()
        for i, message in enumerate(messages):
            bus.publish(message)
            while (event := queue.get_nowait()) is not None:
                brain.handle(event, i * 0.001)
        return time.perf_counter() - began, watch.spent
    finally:
        brain_module.step = step
        normalize.forms = forms


def run() -> list[tuple[str, float, str]]:
    _timed_run(3000)  # warm-up: imports, lazily built tables
    total, spent = min((_timed_run(MESSAGES) for _ in range(3)), key=lambda run: run[0])
    spent["the rest of Brain.handle and the bus"] = total - sum(spent.values())
    per = {part: s / MESSAGES * 1e6 for part, s in spent.items()}
    rows = [
        (
            f"brain share: {part}{' (filter)' if part in FILTERS else ''}",
            round(us, 1),
            f"us/msg ({us / (total / MESSAGES * 1e6):.0%})",
        )
        for part, us in per.items()
    ]
    own = total - sum(spent[part] for part in FILTERS)
    rows += [
        ("brain share: filters + brain, unique messages", round(MESSAGES / total), "msgs/s (floor >= 10000)"),
        ("brain share: the brain alone (no filters)", round(MESSAGES / own), "msgs/s"),
    ]
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:66s} {value:>10} {unit}")
