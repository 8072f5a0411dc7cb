"""Fit the pair decision of folding by meaning (agent/brain/fold_model.py) offline.

Labelled pairs come from the tuning paraphrase sets only (tests/data/paraphrases.json,
paraphrases_tuning2.json, paraphrases_heldout.json, paraphrases_fresh3_dev.json,
paraphrases_fresh4_dev.json, paraphrases_fresh5_dev.json and paraphrases_fresh6_dev.json): two
texts of one cluster mean the same (1), two of different clusters or a look-alike ``apart``
pair do not (0). Pairs the
rules veto (``Asks.vetoes``, minimal pairs) never fold and are left out, and so are pairs
whose cosine is under ``NEAR`` (the model alone keeps them apart: they would only teach the
line what is easy). Look-alike pairs count ``APART_WEIGHT`` times: they are the wrong folds that matter.
scikit-learn's logistic regression fits ``cosine`` plus ``fold_model.FEATURES``; the
weights divided by the cosine's are written in cosine units. The known-question signals
(``bridge``, ``apart``: agent/brain/known.py) of a set's pairs are read with every tuning set
but that one as the known questions, in the fit and in the bias search alike (its own
clusters would bridge every pair of it); ``--write`` also writes the known questions (every
tuning set's clusters, agent/data/fold_clusters.txt) and their raw vectors (.npy beside it).

Then ``bias`` (where the threshold falls, in cosine units) is chosen by asking the tuning
sets in rooms of 8 clusters (tests/support/paraphrases.folds) at the default threshold for
each bias of ``BIASES``: the one with the best mean recall while no tuning set goes over
``MAX_WRONG`` wrong folds per 50 questions (1 is the issue's bound; the margin is for
clusters nobody tuned on, which fold worse) and at most ``MAX_APART`` of the look-alike
pairs fold.

Run: .venv/bin/python tests/data/train_fold_model.py [--write] [--no-bias]
(``--no-bias`` keeps the shipped bias: fitting alone takes seconds, the bias search minutes).
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import agent.brain.meaning as meaning  # noqa: E402
from agent.brain.asking import Asks, fold_form, minimal_pair  # noqa: E402
from agent.brain.fold_model import FEATURES, MODEL_PATH, FoldModel, features  # noqa: E402
from agent.brain.known import CLUSTERS_FILE, KnownQuestions, bridge  # noqa: E402
from agent.brain.meaning import DEFAULT_THRESHOLD, MeaningIndex  # noqa: E402
from tests.support.paraphrases import DEV3, DEV4, DEV5, DEV6, DEV7, TUNING, folds, load_set  # noqa: E402

SETS = (*TUNING, DEV3, DEV4, DEV5, DEV6, DEV7)
NEAR = 0.2
APART_WEIGHT = 10.0
C = 1.0
# Round 8: 0.8 -> 0.9. paraphrases_tuning2.json holds clusters that ask one thing in two
# languages (province / en_from "where are you from", song_singer / en_song "who sings this
# song"); once the known questions bridge them, its wrong folds stay at 0.82-0.85 at every
# bias from -0.20 to -0.10 (every other set at or under 0.10).
MAX_WRONG = 0.9
# Round 6: at 0.15 the bias climbed to +0.10, where 8 of paraphrases_fresh3_dev.json's 20
# look-alikes folded (5 at +0.04) for half a point of mean recall.
# Round 7: 0.08 let the bias climb to +0.06, where paraphrases_fresh3_dev.json's look-alikes
# folding went 5 -> 6 and paraphrases_fresh6_dev.json's 0 -> 1 for half a point of mean recall
# (and, seen only after, paraphrases_fresh3_heldout.json's 7 -> 9); 0.07 keeps +0.02.
MAX_APART = 0.07
BIASES = tuple(round(b, 2) for b in np.arange(-0.16, 0.041, 0.02))


def clusters(path: Path) -> list[list[str]]:
    """The paraphrase clusters of one set, as the known questions hold them."""
    texts, _apart = load_set(path)
    found: dict[str, list[str]] = {}
    for group, text in texts:
        found.setdefault(group, []).append(text)
    return list(found.values())


def known_without(index: MeaningIndex, path: Path | None) -> KnownQuestions:
    """The known questions of every tuning set but ``path`` (what a set it never saw meets)."""
    bank = [cluster for other in SETS if other != path for cluster in clusters(other)]
    vectors = fold_vectors(index, [text for cluster in bank for text in cluster])
    return KnownQuestions.of(bank, vectors)


_VECTORS: dict[str, np.ndarray] = {}


def fold_vectors(index: MeaningIndex, texts: list[str]) -> np.ndarray:
    """``index.fold_vectors``, each text embedded once per run."""
    new = sorted(set(texts) - _VECTORS.keys())
    if new:
        _VECTORS.update(zip(new, index.fold_vectors(new), strict=True))
    return np.stack([_VECTORS[text] for text in texts])


def pairs(index: MeaningIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows of [cosine, *features], labels, sample weights) over the tuning sets, each set's
    known-question signals read without its own clusters."""
    rows: list[list[float]] = []
    labels: list[int] = []
    weights: list[float] = []
    for path in SETS:
        known = known_without(index, path)
        texts, apart = load_set(path)
        labelled = [(a, b, int(ga == gb), 1.0) for (ga, a), (gb, b) in combinations(texts, 2)]
        labelled += [(a, b, 0, APART_WEIGHT) for a, b in apart]
        unique = sorted({t for a, b, _l, _w in labelled for t in (a, b)})
        vectors = dict(zip(unique, fold_vectors(index, unique), strict=True))
        profiles = {t: known.profile(v) for t, v in vectors.items()}
        asks = {t: Asks.of(t) for t in unique}
        for a, b, label, weight in labelled:
            cosine = float(vectors[a] @ vectors[b])
            if cosine < NEAR or asks[a].vetoes(asks[b]):
                continue
            if minimal_pair(fold_form(a), fold_form(b)):
                continue
            near = minimal_pair(fold_form(a), fold_form(b), span=3)
            embedded = (cosine, *bridge(profiles[a], profiles[b]))
            signals = features(asks[a].side, asks[b].side, near, embedded)
            rows.append([cosine, *signals])
            labels.append(label)
            weights.append(weight)
    return np.array(rows), np.array(labels), np.array(weights)


def fit(index: MeaningIndex) -> tuple[float, ...]:
    """The weights of ``FEATURES`` in cosine units."""
    from sklearn.linear_model import LogisticRegression

    x, y, w = pairs(index)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=1000)
    model.fit(x, y, sample_weight=w)
    coef = model.coef_[0]
    print(f"{len(y)} pairs ({int(y.sum())} same), cosine weight {coef[0]:.3f}")
    return tuple(round(float(c / coef[0]), 4) for c in coef[1:])


def choose_bias(index: MeaningIndex, weights: tuple[float, ...]) -> float:
    best: tuple[float, float] | None = None
    index.threshold = DEFAULT_THRESHOLD
    banks = {path: known_without(index, path) for path in SETS}
    for bias in BIASES:
        index.model = FoldModel(weights, bias)
        runs = []
        for path in SETS:
            index.known = banks[path]
            runs.append(folds(index, path, room=8))
        recall = sum(f.recall for f in runs) / len(runs)
        worst = max(f.wrong_per_50 for f in runs)
        apart = sum(len(f.apart_folded) for f in runs) / sum(len(load_set(path)[1]) for path in SETS)
        print(
            f"bias {bias:+.2f}: mean recall {recall:.3f}, worst wrong/50 {worst:.2f}, look-alikes {apart:.3f}"
        )
        if worst <= MAX_WRONG and apart <= MAX_APART and (best is None or recall > best[1]):
            best = (bias, recall)
    if best is None:
        raise SystemExit(
            f"no bias keeps every tuning set under {MAX_WRONG} wrong per 50, {MAX_APART} look-alikes"
        )
    return best[0]


def main() -> None:
    meaning._CACHE_SIZE = 1 << 16  # every tuning text embedded once, not once per bias
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {MODEL_PATH.name}")
    parser.add_argument("--no-bias", action="store_true", help="keep the shipped bias")
    args = parser.parse_args()
    # The shipped weights may be for other features: the fit reads only cosines and features.
    index = MeaningIndex(per_s=1e9, model=FoldModel((0.0,) * len(FEATURES)))
    index.load()
    weights = fit(index)
    print(json.dumps(dict(zip(FEATURES, weights, strict=True))))
    shipped = float(json.loads(MODEL_PATH.read_text(encoding="utf-8")).get("bias", 0.0))
    bias = shipped if args.no_bias else choose_bias(index, weights)
    print(f"bias {bias:+.2f}")
    if args.write:
        about = "Folding's pair decision, fitted by tests/data/train_fold_model.py (cosine units)."
        data = {"about": about, "features": list(FEATURES), "weights": list(weights), "bias": bias}
        MODEL_PATH.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        write_known(index)


def write_known(index: MeaningIndex) -> None:
    """The known questions (``agent/brain/known.py``): every tuning set's clusters, and their
    raw vectors beside them."""
    bank = [cluster for path in SETS for cluster in clusters(path)]
    head = (
        "# Known questions for folding (agent/brain/known.py), from tests/data/train_fold_model.py's SETS.\n"
    )
    lines = [" | ".join(cluster) for cluster in bank]
    CLUSTERS_FILE.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    forms = [fold_form(text) for cluster in bank for text in cluster]
    raw = np.asarray(index.raw(forms), dtype=np.float32)
    np.save(CLUSTERS_FILE.with_suffix(".npy"), raw.astype(np.float16))


if __name__ == "__main__":
    main()
