"""Train the learned ``instruction`` signal (agent/brain/instruction_model.py) offline.

Data: every labelled injection / chat line of tests/data (injection_set.tsv, the injection
probes 3-11, the trust sets) and of the fixed lists in tests/test_injection*.py and
tests/test_trust_probe15.py, plus ordinary chat from the other sets (moderation corpora,
paraphrases, questions, knowledge questions, the demo recording), all as harmless. Probes
12 and 13, the held-out and fresh parts of probe 14 and the held-out half of probe 15 are
never read: they are the held-out figures. A split order ("a || b") is learned as its two
halves read together.

Model: scikit-learn's logistic regression (liblinear, balanced classes) over the features
of ``instruction_model.keys`` (character 1-4-grams of the lowered display text, English
words and word pairs). The threshold comes from 5-fold cross-validation, scored the way the
run time scores (the pruned weights, ``Model.score``): the lowest score that keeps at most
``MAX_FALSE`` of the harmless lines the gate lets through over it, both over the hard chat
(the trust / injection sets' chat, which uses the injections' words) and over all harmless
lines. Then one fit on everything, pruned to the ``TOP`` heaviest features, is written with
that threshold. Run from the repository root::

    .venv/bin/python tests/data/train_instruction_model.py          # writes the model
    .venv/bin/python tests/data/train_instruction_model.py --check  # prints, writes nothing
"""

from __future__ import annotations

import ast
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from agent.brain import instruction_model, normalize

DATA = Path(__file__).resolve().parent
LABELLED = ["injection_set.tsv", *(f"injection_probe{n}.tsv" for n in range(3, 12))]
LABELLED += ["trust_dev.tsv", "trust_heldout.tsv", "trust_probe.tsv", "trust_probe2.tsv", "trust_probe14.tsv"]
LABELLED += ["trust_probe15_dev.tsv"]
# Never read here: the held-out figures (tests/test_trust_probe12.py, test_trust_probe14.py).
HELD_OUT = (
    "injection_probe12.tsv",
    "injection_probe13.tsv",
    "trust_probe14_heldout.tsv",
    "trust_probe14_fresh.tsv",
    "trust_probe15_heldout.tsv",
    "trust_probe15_fresh.tsv",
)
# Fixed lists in the tests: (file, list name); the names in INSTRUCTION_LISTS are injections.
TEST_LISTS = [("test_injection.py", n) for n in ("INSTRUCTIONS", "ACCUSATIONS", "INSULTS", "LOOK_ALIKES")]
TEST_LISTS += [("test_injection.py", "SPLIT_ORDERS"), ("test_injection.py", "SPLIT_CHAT")]
TEST_LISTS += [("test_injection_families.py", "INJECTIONS"), ("test_injection_families.py", "LOOK_ALIKES")]
_PROBE15_LISTS = ("ON_BEHALF", "ASKED_BUT_ORDERS", "ASKED_OR_REPORTED", "OPENERS")
TEST_LISTS += [("test_trust_probe15.py", n) for n in _PROBE15_LISTS]
INSTRUCTION_LISTS = frozenset({"INSTRUCTIONS", "SPLIT_ORDERS", "INJECTIONS", "ON_BEHALF", "ASKED_BUT_ORDERS"})
TOP = 4000  # features shipped
C = 1.0  # inverse regularisation strength
MAX_FALSE = 0.02  # harmless lines over the threshold in cross-validation, at most
FOLDS = 5


@dataclass(frozen=True, slots=True)
class Example:
    text: str  # lowered display form
    label: int  # 1 = instruction
    hard: bool  # chat from the injection / trust sets (the same words as the injections)


def _lowered(text: str) -> str:
    return normalize.forms(text, 200).display.lower()


def _labelled(path: Path) -> list[Example]:
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        kind, _family, text = raw.split("\t")
        parts = text.split(" || ")
        if kind == "injection":
            out.append(Example(_lowered(" ".join(parts)), 1, True))
        elif kind == "chat":
            out += [Example(_lowered(p), 0, True) for p in {*parts, " ".join(parts)}]
    return out


def _plain_chat() -> list[str]:
    texts = []
    for path in [*sorted(DATA.glob("moderation_*.jsonl")), DATA.parent.parent / "agent/data/demo_room.jsonl"]:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts += [row["text"] for row in rows if isinstance(row.get("text"), str)]
    for path in sorted(DATA.glob("paraphrases*.json")):
        texts += [
            t for group in json.loads(path.read_text(encoding="utf-8"))["groups"] for t in group["texts"]
        ]
    for path in sorted(DATA.glob("knowledge_*.json")):
        texts += [q["q"] for q in json.loads(path.read_text(encoding="utf-8"))["questions"]]
    for path in sorted(DATA.glob("questions_*.tsv")):
        lines = path.read_text(encoding="utf-8").splitlines()
        texts += [line.split("\t", 1)[1] for line in lines if "\t" in line and not line.startswith("#")]
    return texts


def _test_lists() -> list[Example]:
    """The fixed lists of ``TEST_LISTS`` (read as Python literals, not imported)."""
    out = []
    for path, name in TEST_LISTS:
        tree = ast.parse((DATA.parent / path).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == name for t in node.targets):
                for item in ast.literal_eval(node.value):
                    text = " ".join(item) if isinstance(item, tuple) else item
                    out.append(Example(_lowered(text), int(name in INSTRUCTION_LISTS), True))
    return out


def examples(labelled: list[str] = LABELLED, plain: bool = True) -> list[Example]:
    """Deduplicated examples; a text seen with both labels is dropped."""
    found: dict[str, Example] = {}
    clash: set[str] = set()
    pool = [e for name in labelled for e in _labelled(DATA / name)] + _test_lists()
    pool += [Example(_lowered(t), 0, False) for t in (_plain_chat() if plain else [])]
    for e in pool:
        seen = found.get(e.text)
        if seen is not None and seen.label != e.label:
            clash.add(e.text)
        elif seen is None or e.hard:
            found[e.text] = e
    return [e for text, e in found.items() if text not in clash and text]


def fit(texts: list[str], labels: np.ndarray, c: float = C, top: int = TOP) -> tuple[dict[str, float], float]:
    """The pruned weights and the bias of one fit."""
    vectorizer = CountVectorizer(analyzer=instruction_model.keys, min_df=2)
    matrix = vectorizer.fit_transform(texts)
    model = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=1000)
    model.fit(matrix, labels)
    coef = model.coef_[0]
    names = vectorizer.get_feature_names_out()
    keep = np.argsort(-np.abs(coef), kind="stable")[:top]
    return {str(names[i]): round(float(coef[i]), 4) for i in keep}, round(float(model.intercept_[0]), 4)


def threshold(scores: np.ndarray, harmless: np.ndarray, max_false: float = MAX_FALSE) -> float:
    """The lowest threshold with at most ``max_false`` of the ``harmless`` scores above it."""
    values = np.sort(scores[harmless])[::-1]
    allowed = int(np.floor(max_false * len(values)))
    return round(float(values[allowed]), 4) if len(values) > allowed else round(float(values.min()) - 1e-4, 4)


def cross_validate(data: list[Example], c: float = C, top: int = TOP, folds: int = FOLDS) -> dict[str, float]:
    """Out-of-fold scores of the pruned model -> the threshold and what it catches."""
    texts = [e.text for e in data]
    labels = np.array([e.label for e in data])
    scores = np.zeros(len(data))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(texts, labels):
        weights, bias = fit([texts[i] for i in train], labels[train], c, top)
        model = instruction_model.Model(weights, bias, 0.0)
        for i in test:
            scores[i] = model.score(texts[i])
    gate = np.array([instruction_model.gated(t) for t in texts])
    hard = np.array([e.hard for e in data])
    chat = (labels == 0) & gate
    cut = max(threshold(scores, chat & hard), threshold(scores, chat))
    said = gate & (scores > cut)
    return {
        "threshold": cut,
        "recall": float(said[labels == 1].mean()),
        "false_hard_chat": float(said[(labels == 0) & hard].mean()),
        "false_all_chat": float(said[labels == 0].mean()),
        "gate_injections": float(gate[labels == 1].mean()),
        "gate_plain_chat": float(gate[(labels == 0) & ~hard].mean()),
    }


def train(data: list[Example], c: float = C, top: int = TOP) -> tuple[dict[str, object], dict[str, float]]:
    """The model to ship (weights, bias, threshold) and its cross-validation figures."""
    figures = cross_validate(data, c, top)
    weights, bias = fit([e.text for e in data], np.array([e.label for e in data]), c, top)
    model = {"about": __doc__.splitlines()[0], "bias": bias, "threshold": figures["threshold"]}
    model |= {"weights": dict(sorted(weights.items()))}
    return model, figures


def main(argv: list[str]) -> int:
    data = examples()
    print(
        f"{len(data)} examples: {sum(e.label for e in data)} injections, "
        f"{sum(e.hard and not e.label for e in data)} hard chat, {sum(not e.hard for e in data)} plain chat"
    )
    model, figures = train(data)
    for name, value in figures.items():
        print(f"  cv {name:16s} {value:.4f}")
    if "--check" not in argv:
        text = json.dumps(model, ensure_ascii=False, separators=(",", ":"))
        instruction_model.MODEL_PATH.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {instruction_model.MODEL_PATH} ({len(text.encode()) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
