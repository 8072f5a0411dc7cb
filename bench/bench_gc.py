"""Garbage-collection pauses with models in memory, before and after start-up's ``gc.freeze()``.

With the models loaded the process holds a few hundred thousand objects the collector
tracks; every full collection walks all of them while the event loop (audio pacing,
the control API) waits. ``agent.app.startup.freeze_loaded_objects`` moves them out of the
collector's sight once start-up is done. The heap here is the agent's own imports plus
400,000 long-lived container objects standing in for loaded models and vocabularies
(what was measured with a GLM and snownlp in memory); the workload is the churn of a
chat flood (events, dicts, small reference cycles).
"""

from __future__ import annotations

import gc
import time

from agent.app.assemble import build_pipeline  # noqa: F401  (the agent's own start-up imports)
from agent.app.startup import freeze_loaded_objects
from agent.app.stats import percentile
from agent.events import Danmaku

LOADED_OBJECTS = 400_000
FULL_COLLECTIONS = 15


def _load_models() -> list[object]:
    """Long-lived objects like a tokenizer's vocabulary and a model's module tree."""
    return [{"token": str(i), "id": i, "merges": [i, i + 1]} for i in range(LOADED_OBJECTS // 2)]


def _pauses_during_churn(seconds: float = 2.0) -> list[float]:
    """Every collection's pause (ms) while a flood's worth of short-lived objects come and go."""
    pauses: list[float] = []
    started = 0.0

    def timer(phase: str, info: dict[str, int]) -> None:
        nonlocal started
        if phase == "start":
            started = time.perf_counter()
        else:
            pauses.append((time.perf_counter() - started) * 1000)

    gc.callbacks.append(timer)
    try:
        end = time.perf_counter() + seconds
        i = 0
        while time.perf_counter() < end:
            event = Danmaku(uid=str(i), uname=f"观众{i}", text=f"消息{i}")
            cycle: dict[str, object] = {"event": event}
            cycle["self"] = cycle  # garbage only the collector can free
            i += 1
    finally:
        gc.callbacks.remove(timer)
    return pauses


def _full_collections() -> list[float]:
    times = []
    for _ in range(FULL_COLLECTIONS):
        began = time.perf_counter()
        gc.collect()
        times.append((time.perf_counter() - began) * 1000)
    return times


def run() -> list[tuple[str, float, str]]:
    gc.unfreeze()  # what an earlier benchmark in this process froze
    models = _load_models()
    tracked = len(gc.get_objects())
    before_churn, before_full = _pauses_during_churn(), _full_collections()
    freeze_loaded_objects(again=True)
    after_churn, after_full = _pauses_during_churn(), _full_collections()
    gc.unfreeze()
    del models
    return [
        ("gc: objects tracked with the stand-in models loaded", tracked, "objects"),
        ("gc: full collection, not frozen, p99", round(percentile(before_full, 99), 1), "ms"),
        ("gc: full collection, after gc.freeze(), p99", round(percentile(after_full, 99), 1), "ms"),
        ("gc: any collection during a flood, not frozen, p99", round(percentile(before_churn, 99), 2), "ms"),
        ("gc: any collection during a flood, not frozen, max", round(max(before_churn, default=0), 1), "ms"),
        ("gc: any collection during a flood, frozen, p99", round(percentile(after_churn, 99), 2), "ms"),
        ("gc: any collection during a flood, frozen, max", round(max(after_churn, default=0), 1), "ms"),
    ]


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:>12} {unit}")
