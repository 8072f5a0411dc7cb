"""Folding by meaning (agent/brain/meaning.py) on the paraphrase set: precision, recall
and F1 at a few thresholds, look-alike pairs folded, embeddings per second on one core,
load time and resident memory. The set is tests/data/paraphrases.json; the threshold
shipped as DEFAULT_THRESHOLD is chosen from these numbers."""

from __future__ import annotations

import resource
import time

from agent.brain.meaning import DEFAULT_THRESHOLD, MeaningIndex
from tests.support.paraphrases import load_set, score

THRESHOLDS = (0.62, 0.66, 0.70, DEFAULT_THRESHOLD, 0.76, 0.80)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run() -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    rss_before = _rss_mib()
    index = MeaningIndex(per_s=1e9)
    began = time.perf_counter()
    index.load()
    rows.append(("meaning: load (model + reference mean)", time.perf_counter() - began, "s"))
    rows.append(("meaning: peak RSS growth after load", _rss_mib() - rss_before, "MiB"))

    grouped, apart = load_set()
    texts = [text for _group, text in grouped]
    began, cpu, done = time.perf_counter(), time.process_time(), 0
    while time.perf_counter() - began < 2.0:
        for text in texts:
            index.embed([text])
        done += len(texts)
    rows.append(
        ("meaning: embeddings one at a time, 1 thread", done / (time.perf_counter() - began), "emb/s")
    )
    rows.append(("meaning: embeddings per CPU second", done / (time.process_time() - cpu), "emb/s"))

    for threshold in sorted(set(THRESHOLDS)):
        mark = f"{threshold:.2f}" + (" (default)" if threshold == DEFAULT_THRESHOLD else "")
        scores = score(index, threshold)
        rows.append((f"meaning: all 48 live, precision at {mark}", scores.precision, ""))
        rows.append((f"meaning: all 48 live, recall at {mark}", scores.recall, ""))
        rows.append((f"meaning: all 48 live, F1 at {mark}", scores.f1, ""))
        rows.append(
            (
                f"meaning: look-alike pairs folded at {mark}",
                float(len(scores.folded_apart)),
                f"of {len(apart)}",
            )
        )
        room = score(index, threshold, room=8)
        rows.append((f"meaning: rooms of 8, precision at {mark}", room.precision, ""))
        rows.append((f"meaning: rooms of 8, recall at {mark}", room.recall, ""))
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:>12.4g} {unit}")
