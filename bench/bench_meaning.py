"""Folding by meaning (agent/brain/meaning.py): embeddings per second on one core, load
time and resident memory, the cost of one question's fold form and of folding it; then,
at a few thresholds, on the tuning sets (tests/data/paraphrases.json, paraphrases_tuning2.json,
paraphrases_heldout.json, paraphrases_fresh3_dev.json, paraphrases_fresh4_dev.json and
paraphrases_fresh5_dev.json, where the slots, the fold table, the subjects, FLOOR, the pair
decision's weights and DEFAULT_THRESHOLD were chosen) and on the held-out clusters
(tests/data/paraphrases_heldout2.json, paraphrases_fresh3_heldout.json,
paraphrases_fresh4_heldout.json and paraphrases_fresh5_heldout.json, never tuned on): the
share of paraphrases folded into their cluster, wrong folds per 50 questions and look-alike
pairs folded, with all questions live at once and in rooms of 8 clusters (a busy room's
minute)."""

from __future__ import annotations

import resource
import time

from agent.brain.asking import fold_form
from agent.brain.meaning import DEFAULT_THRESHOLD, MeaningIndex
from tests.support.paraphrases import (
    DEV3,
    DEV4,
    DEV5,
    HELD_OUT,
    HELD_OUT3,
    HELD_OUT4,
    HELD_OUT5,
    PARAPHRASES,
    TUNING2,
    TUNING3,
    folds,
    load_set,
)

THRESHOLDS = (0.46, DEFAULT_THRESHOLD, 0.54)
SETS = (
    ("tuning", PARAPHRASES),
    ("tuning2", TUNING2),
    ("tuning3", TUNING3),
    ("dev (round 4)", DEV3),
    ("dev (round 5)", DEV4),
    ("dev (round 6)", DEV5),
    ("held-out", HELD_OUT),
    ("held-out (round 4)", HELD_OUT3),
    ("held-out (round 5)", HELD_OUT4),
    ("held-out (round 6)", HELD_OUT5),
)


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

    grouped, _apart = load_set()
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

    began = time.perf_counter()
    for _ in range(20):
        for text in texts:
            fold_form(text)
    rows.append(
        ("meaning: fold_form of one question", (time.perf_counter() - began) / (20 * len(texts)) * 1e6, "us")
    )

    # Folding one question once its vector is cached (prepare): slots, vetoes and the
    # group rule against up to 256 live questions.
    live = MeaningIndex(per_s=1e9, window_s=1e9)
    live.load()
    live.prepare(texts)
    asked = texts[:256]
    began = time.perf_counter()
    for key, text in enumerate(asked):
        live.add(key, text, now=0.0)
    per_add_ms = (time.perf_counter() - began) / len(asked) * 1e3
    rows.append((f"meaning: add() of a prepared question, up to {len(asked)} live", per_add_ms, "ms"))

    for threshold in sorted(set(THRESHOLDS)):
        mark = f"{threshold:.2f}" + (" (default)" if threshold == DEFAULT_THRESHOLD else "")
        index.threshold = threshold
        for name, path in SETS:
            for room in (0, 8):
                f = folds(index, path, room=room)
                where = f"{name}, {'all live' if not room else 'rooms of 8'} at {mark}"
                rows.append((f"meaning: {where}: folded into cluster", f.recall, ""))
                rows.append((f"meaning: {where}: wrong folds per 50", f.wrong_per_50, ""))
            pairs = len(load_set(path)[1])
            rows.append(
                (f"meaning: {name} at {mark}: look-alikes folded, of {pairs}", float(len(f.apart_folded)), "")
            )
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:>12.4g} {unit}")
