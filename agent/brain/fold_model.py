"""The pair decision of folding by meaning: one learned line over a few signals instead of
the cosine alone.

Two questions fold when ``cosine + adjust(a, b) >= threshold``: the cosine of their
``fold_form`` embeddings (``agent/brain/meaning.py``), moved by what the words say about
the pair. ``features`` reads those signals from ``Asks`` (``agent/brain/asking.py``): the
answer forms differ (yes-no / wh), Chinese against English, a narrow slot both name (both
ask a price, both about the mouse), a narrow slot only one names (灵敏度多少 / 鼠标多少钱:
one asks a price), the kind of question word both use (多少 "how many" / 怎么 "how to",
哪买 "where" / 哪些 "which", 几次 / 多久) agreeing or not, the share of content characters
they have in common after ``fold_form``'s table, and one swapped slot of three tokens
(``asking.minimal_pair`` with ``span=3``; two or fewer veto outright), and the subjects
they name (``agent/brain/subjects.py``: 下播 / 关播 / when do you end; 灵敏度 / dpi) shared or
only different ones.

The weights are a logistic regression fitted offline by ``tests/data/train_fold_model.py``
on labelled pairs of the tuning paraphrase sets (same cluster / other cluster or a
look-alike pair) and shipped in ``agent/data/fold_model.json``; divided by the cosine's own
weight they are cosine units, so the threshold and ``FLOOR`` keep their meaning. A slot
contrast or a minimal pair still vetoes outright (``asking.py``). No scikit-learn at run
time: a dot product of a few numbers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from agent.brain.subjects import subjects
from agent.shared.slots import ATTRIBUTE, NARROW

__all__ = [
    "EMBEDDED",
    "FEATURES",
    "MODEL_PATH",
    "NOTHING_EMBEDDED",
    "Embedded",
    "FoldModel",
    "Side",
    "features",
    "load",
    "side",
    "wh_kinds",
]

Vectors = npt.NDArray[np.float32]
MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "fold_model.json"
FEATURES = (
    "form",
    "form_specific",
    "language",
    "agree",
    "attribute_one_sided",
    "other_one_sided",
    "wh_same",
    "wh_differ",
    "overlap",
    "near_minimal",
    "subject_same",
    "subject_differ",
    "subject_one_sided",
    "language_subject_same",
    "language_cosine",
    "bridge",
    "apart",
)
# The signals read from the embeddings, not the words (the last of ``FEATURES``): the
# meaning index passes them in as ``Embedded``.
EMBEDDED = ("language_cosine", "bridge", "apart")
# (cosine, bridge, apart): the pair's cosine, and ``known.bridge`` of their profiles.
Embedded = tuple[float, float, float]
NOTHING_EMBEDDED: Embedded = (0.0, 0.0, 0.0)

# The kind of question word, finer than the slots' kinds: 几次 / 多久, 哪买 / 哪些 ask for
# different answers. Matched on ``plain`` (lowered, 啥 -> 什么, 咋 -> 怎么). Order matters:
# a span matched once is blanked before the next kind is read.
_WH_KINDS = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("when", r"几点|什么时候|什么时间|何时|几号|哪天|哪一天|周几|星期几|礼拜几|几月|\bwhen\b|what time"),
        ("duration", r"多久|多长时间|几个小时|几个钟|多少小时|how long"),
        ("why", r"为什么|为何|为啥|\bwhy\b"),
        ("how is", r"怎么样|怎样|如何|好不好|\bhow(?:'s| is| are| was)\b|\bhows\b"),
        ("how to", r"怎么|\bhow (?:do|to|can|did)\b"),
        ("where", r"哪里|哪儿|在哪|哪[买有能下看找拿搞刷]|\bwhere\b"),
        ("who", r"谁|\bwho\b"),
        ("amount", r"多少|几|多[大高重远长]|how (?:many|much|big|tall|old|bad)"),
        ("which", r"什么|哪|\b(?:what|whats|what's|which)\b"),
    )
)
# Question words a yes-no question cannot stand for: 周末播吗 / 周末播多久.
_SPECIFIC = frozenset({"when", "duration", "amount", "how to"})
_HAN_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[a-z0-9]+")
# Characters and words every question carries: they say nothing about which one.
_LIGHT = frozenset(
    "什么哪几多少谁怎为啥是的了在有吗不没个这那你我他她它们要能会可以还就都也又和跟把被给让对开玩用打到现家"
) | frozenset(
    {
        "what",
        "whats",
        "which",
        "who",
        "where",
        "when",
        "how",
        "why",
        "is",
        "are",
        "was",
        "do",
        "does",
        "did",
        "you",
        "your",
        "u",
        "ur",
        "the",
        "a",
        "an",
        "this",
        "that",
        "it",
        "can",
        "could",
        "will",
        "would",
        "on",
        "in",
        "of",
        "to",
        "for",
        "i",
        "me",
        "my",
    }
)


def wh_kinds(lowered: str) -> frozenset[str]:
    """The kinds of question word in ``lowered`` (``plain`` text)."""
    found = set()
    for kind, rule in _WH_KINDS:
        if rule.search(lowered):
            found.add(kind)
            lowered = rule.sub(" ", lowered)
    return frozenset(found)


@lru_cache(maxsize=4096)
def _content(form: str) -> frozenset[str]:
    return frozenset(t for t in _HAN_OR_WORD.findall(form) if t not in _LIGHT)


@dataclass(frozen=True, slots=True)
class Side:
    """What ``features`` reads of one text (kept with each live entry of the index)."""

    slots: tuple[frozenset[str], ...]
    form: str  # answer form: wh / yes-no / ""
    han: bool
    wh: frozenset[str]
    content: frozenset[str]
    folded: str  # fold_form
    subjects: frozenset[str] = frozenset()  # ``subjects.subjects``: what it is about


def side(slots: tuple[frozenset[str], ...], form: str, han: bool, lowered: str, folded: str) -> Side:
    return Side(slots, form, han, wh_kinds(lowered), _content(folded), folded, subjects(lowered))


def features(
    a: Side, b: Side, near_minimal: bool = False, embedded: Embedded = NOTHING_EMBEDDED
) -> tuple[float, ...]:
    """The signals of ``FEATURES`` for a pair, each 0..1. ``near_minimal``: the forms are
    one swapped slot of three tokens apart (``asking.minimal_pair(a, b, span=3)``; two or
    fewer veto outright). ``embedded``: the pair's cosine (a signal of its own across
    languages: the model puts a Chinese question and its English paraphrase nearer than
    two unrelated ones, but on a narrower scale) and (bridge, apart) through the known
    questions (``known.bridge``)."""
    cosine, near, apart = embedded
    narrow = [(a.slots[i], b.slots[i]) for i in NARROW]
    agree = any(x & y for x, y in narrow)
    attribute = bool(a.slots[ATTRIBUTE]) != bool(b.slots[ATTRIBUTE])
    other = any(bool(x) != bool(y) for i, (x, y) in zip(NARROW, narrow, strict=True) if i != ATTRIBUTE)
    differ = bool(a.form and b.form and a.form != b.form)
    union = a.content | b.content
    return (
        float(differ),
        float(differ and bool((a.wh | b.wh) & _SPECIFIC)),
        float(a.han != b.han),
        float(agree),
        float(attribute),
        float(other and not agree),
        float(bool(a.wh & b.wh)),
        float(bool(a.wh and b.wh and not a.wh & b.wh)),
        len(a.content & b.content) / len(union) if union else 0.0,
        float(near_minimal),
        float(bool(a.subjects & b.subjects)),
        float(bool(a.subjects - b.subjects and b.subjects - a.subjects)),
        float(bool(a.subjects) != bool(b.subjects)),
        float(a.han != b.han and bool(a.subjects & b.subjects)),
        max(cosine, 0.0) if a.han != b.han else 0.0,
        near,
        apart,
    )


@dataclass(frozen=True, slots=True)
class FoldModel:
    """Weights in cosine units (each divided by the cosine's weight)."""

    weights: tuple[float, ...]
    bias: float = 0.0  # moves every pair alike: where the threshold falls on the line

    def adjust(
        self, a: Side, b: Side, near_minimal: bool = False, embedded: Embedded = NOTHING_EMBEDDED
    ) -> float:
        """What the words (and ``embedded``) add to (or take from) the pair's cosine."""
        found = features(a, b, near_minimal, embedded)
        return self.bias + sum(w * x for w, x in zip(self.weights, found, strict=True))

    def lift(self, cosine: Vectors, near: Vectors, apart: Vectors) -> Vectors:
        """The most the embedded signals can add to each pair's cosine (the cosine's own
        counted as if across languages): what the index adds before it skips pairs too far
        to matter."""
        w_cosine, w_near, w_apart = self.weights[-3:]
        lifted = max(w_cosine, 0.0) * np.maximum(cosine, 0.0) + w_near * near + w_apart * apart
        return np.maximum(lifted, 0.0).astype(np.float32)


@lru_cache(maxsize=2)
def load(path: Path = MODEL_PATH) -> FoldModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path}: features {data['features']} are not {FEATURES}; rerun its training script")
    return FoldModel(tuple(float(w) for w in data["weights"]), float(data.get("bias", 0.0)))
