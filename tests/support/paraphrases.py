"""The paraphrase sets and how folding is scored on them: shared by tests/test_meaning.py
and bench/bench_meaning.py. Tuned on: tests/data/paraphrases.json, paraphrases_tuning2.json
(round 1's held-out set, tuned on since round 2, plus clusters and look-alike pairs written
for the contrast slots) and paraphrases_heldout.json (round 2's held-out set, tuned on since
round 3: the fold table in agent/brain/asking.py) and paraphrases_fresh3_dev.json (round 4:
the learned pair decision, agent/brain/fold_model.py) and paraphrases_fresh4_dev.json (round 5:
the subjects, agent/brain/subjects.py) and paraphrases_fresh5_dev.json (round 6: the facet,
stance and tense slots, agent/shared/slots.py) and paraphrases_fresh6_dev.json (round 7: the
whether-or-what and value-or-which vetoes, agent/brain/asking.py) and paraphrases_fresh7_dev.json
(round 8: the known questions, agent/brain/known.py; every tuning set's clusters are among them,
so their figures since round 8 are no longer a test of anything unseen). Held out: paraphrases_heldout2.json,
written in round 3 before any change to folding, scored once before and once after (and
before and after round 4); paraphrases_fresh3_heldout.json, written in round 4 before any
change, scored once before and once after; paraphrases_fresh4_heldout.json, likewise in
round 5; paraphrases_fresh5_heldout.json, likewise in round 6; paraphrases_fresh6_heldout.json,
likewise in round 7; paraphrases_fresh7_heldout.json, likewise in round 8."""

from __future__ import annotations

import json
import random
from collections.abc import Hashable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from agent.brain.meaning import MeaningIndex

PARAPHRASES = Path(__file__).resolve().parent.parent / "data" / "paraphrases.json"  # tuned on
TUNING2 = PARAPHRASES.with_name("paraphrases_tuning2.json")  # tuned on
TUNING3 = PARAPHRASES.with_name("paraphrases_heldout.json")  # tuned on since round 3
HELD_OUT = PARAPHRASES.with_name("paraphrases_heldout2.json")  # never tuned on
DEV3 = PARAPHRASES.with_name("paraphrases_fresh3_dev.json")  # round 4: tuned on
HELD_OUT3 = PARAPHRASES.with_name("paraphrases_fresh3_heldout.json")  # round 4: never tuned on
DEV4 = PARAPHRASES.with_name("paraphrases_fresh4_dev.json")  # round 5: tuned on
HELD_OUT4 = PARAPHRASES.with_name("paraphrases_fresh4_heldout.json")  # round 5: never tuned on
DEV5 = PARAPHRASES.with_name("paraphrases_fresh5_dev.json")  # round 6: tuned on
HELD_OUT5 = PARAPHRASES.with_name("paraphrases_fresh5_heldout.json")  # round 6: never tuned on
DEV6 = PARAPHRASES.with_name("paraphrases_fresh6_dev.json")  # round 7: tuned on
HELD_OUT6 = PARAPHRASES.with_name("paraphrases_fresh6_heldout.json")  # round 7: never tuned on
DEV7 = PARAPHRASES.with_name("paraphrases_fresh7_dev.json")  # round 8: tuned on
HELD_OUT7 = PARAPHRASES.with_name("paraphrases_fresh7_heldout.json")  # round 8: never tuned on
TUNING = (PARAPHRASES, TUNING2, TUNING3)


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float  # of the pairs folded together, the share that mean the same
    recall: float  # of the pairs that mean the same, the share folded together
    folded_apart: list[tuple[str, str]]  # look-alike pairs folded though they differ

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def load_set(path: Path = PARAPHRASES) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """((group id, text) for every paraphrase, look-alike pairs)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    texts = [(group["id"], text) for group in data["groups"] for text in group["texts"]]
    return texts, [(a, b) for a, b in data["apart"]]


def score(index: MeaningIndex, threshold: float, *, room: int = 0, seed: int = 0) -> Scores:
    """Feed the set through ``index.add`` at ``threshold`` and count pairs; then try each
    look-alike pair on its own. ``room=0``: all 48 questions asked in one window, shuffled
    (harder than any real minute); ``room=8``: 100 shuffled windows of 8 random questions
    each, like a busy room's last half minute."""
    texts, apart = load_set()
    rng = random.Random(seed)
    if room:
        groups = sorted({group for group, _text in texts})
        windows = []
        for _ in range(100):
            chosen = set(rng.sample(groups, room))
            windows.append([i for i, (group, _text) in enumerate(texts) if group in chosen])
    else:
        windows = [list(range(len(texts)))]
    index.threshold = threshold
    together = same = both = 0
    for window in windows:
        rng.shuffle(window)
        index.clear()
        group_of: dict[Hashable, Hashable] = {}
        for i in window:
            folded = index.add(i, texts[i][1], now=0.0)
            group_of[i] = i if folded is None else group_of[folded]
        for i, j in combinations(window, 2):
            folded, means = group_of[i] == group_of[j], texts[i][0] == texts[j][0]
            together += folded
            same += means
            both += folded and means
    folded_apart = []
    for a, b in apart:
        index.clear()
        index.add("a", a, now=0.0)
        if index.add("b", b, now=0.0) is not None:
            folded_apart.append((a, b))
    index.clear()
    return Scores(both / together if together else 1.0, both / same, folded_apart)


@dataclass(frozen=True, slots=True)
class Folds:
    """The issue's figures: how questions fold into their clusters."""

    recall: float  # of the questions whose cluster was already asked, the share folded into it
    wrong_per_50: float  # questions folded into another cluster's group, per 50 questions
    apart_folded: list[tuple[str, str]]  # look-alike pairs folded though they differ
    questions: int


def loaded_index() -> MeaningIndex:
    """A meaning index with the real model loaded and no rate limit (a test module's fixture)."""
    index = MeaningIndex(per_s=1e9)
    index.load()
    return index


def folds(index: MeaningIndex, path: Path, *, room: int = 0, seed: int = 0) -> Folds:
    """Ask the set's questions in shuffled order at ``index.threshold``: ``room=0`` all at
    once, else 100 rooms of ``room`` random clusters each (every paraphrase of each asked).
    A question folded into the group an earlier asker of its cluster started (or joined)
    counts for recall; one folded into a group of another cluster is a wrong fold. Then
    each look-alike pair is tried on its own."""
    texts, apart = load_set(path)
    rng = random.Random(seed)
    clusters = sorted({group for group, _text in texts})
    rooms = [set(rng.sample(clusters, room)) for _ in range(100)] if room else [set(clusters)]
    folded = could = wrong = asked = 0
    for chosen in rooms:
        order = [i for i, (group, _text) in enumerate(texts) if group in chosen]
        rng.shuffle(order)
        index.clear()
        cluster_of_group: dict[Hashable, str] = {}
        seen: set[str] = set()
        for i in order:
            cluster = texts[i][0]
            group = index.add(i, texts[i][1], now=0.0)
            asked += 1
            could += cluster in seen
            seen.add(cluster)
            if group is None:
                cluster_of_group[i] = cluster
            elif cluster_of_group[group] == cluster:
                folded += 1
            else:
                wrong += 1
    apart_folded = []
    for a, b in apart:
        index.clear()
        index.add("a", a, now=0.0)
        if index.add("b", b, now=0.0) is not None:
            apart_folded.append((a, b))
    index.clear()
    return Folds(folded / could if could else 1.0, 50.0 * wrong / asked, apart_folded, asked)
