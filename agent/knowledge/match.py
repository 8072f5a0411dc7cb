"""Matching a viewer's question to a knowledge entry: by meaning, checked by content words.

A question's score against an entry is the best cosine, over the entry's phrasings, of
their embeddings (the embedding function the caller gives: the brain's meaning model,
multilingual-e5-small centred on ordinary chat, so there is one copy of the model in the
process). The best entry answers when its score reaches ``threshold`` and the question
shares a content word with it (jieba's words, question words and particles left out; a word
inside another counts: 麦 / 麦克风), or when the score reaches ``sure`` without one.

Below that the answer is "I don't know" (None): a missed answer costs a "I don't know", a
wrong one tells the room something false. Where the meaning model is unavailable, words
alone decide: the IDF-weighted share of content words the two texts have in common must
reach ``words_only``. The numbers were chosen on ``tests/data/knowledge_tune.json`` and
measured on ``knowledge_heldout.json`` (``bench/bench_knowledge.py``).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from agent.knowledge.entries import Entry

__all__ = ["DEFAULT_THRESHOLD", "Embed", "Match", "Matcher", "content_words"]

Vectors = npt.NDArray[np.float32]
# Unit vectors, one row per text (the meaning index's ``embed``).
Embed = Callable[[Sequence[str]], Vectors]

# Chosen on the tuning set with bench/bench_knowledge.py --sweep: at 0.74 30 of 46
# paraphrases answered and no false answer (0.70: 30 right, 2 false; 0.78: 24 right).
DEFAULT_THRESHOLD = 0.74
# Above this the meaning alone answers (no shared content word needed); the sweep found the
# same figures anywhere from 0.82 up, so the word check only guards the band below.
SURE = 0.84
# Without the meaning model: the share of content words in common; on the tuning set 16
# right and 1 false answer (0.70: 23 right, 2 false).
WORDS_ONLY = 0.75
MAX_QUESTION_CHARS = 64
_ASKED_CACHE = 512  # recent questions' embeddings kept (one embedding is milliseconds of CPU)
# Words every question has that say nothing about which one it is: question words, pronouns,
# particles, how viewers address the streamer and the bot.
_STOPWORDS = frozenset(
    " ".join(
        (
            "什么 啥 神马 怎么 咋 怎么样 怎样 如何 为什么 为啥 哪 哪里 哪儿 哪个 哪些 谁 几 多少 多 吗 呢 吧",
            "啊 呀 嘛 哦 哈 了 的 得 地 着 过 是 不是 有 有没有 没有 没 能 能不能 可以 会 要 想 请问 问 问问",
            "求 知道 主播 播主 up 小助手 助手 你 我 他 她 它 你们 我们 大家 这 那 这个 那个 这是 那是 这里",
            "一下 一个 现在 今天 还 在 和 跟 与 也 都 就 又 呗 么 吖 诶 嗯 喔 给 用 the a an is are was do",
            "does did you your i me my what which who how when where why can could will would to of in on",
            "for it this that please",
        )
    ).split()
)
# "@小助手 ..." : whom a question is addressed to says nothing about what it asks.
_MENTION = re.compile(r"@\S+\s*")
_WORD = re.compile(r"[\w\u4e00-\u9fff]")

log = logging.getLogger(__name__)
_jieba_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Match:
    """The entry a question matched, and how well (the score ``threshold`` is compared with)."""

    entry: Entry
    score: float
    phrasing: str


@lru_cache(maxsize=1)
def _jieba() -> tuple[Callable[[str], list[str]], dict[str, float], float]:
    """jieba's cutter and IDF table, loaded once (about a second: its dictionary)."""
    with _jieba_lock:
        import jieba
        import jieba.analyse

        jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" lines are not news
        tfidf = jieba.analyse.default_tfidf
        return jieba.lcut, tfidf.idf_freq, tfidf.median_idf


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """The words of ``text`` that say what it is about (lowercased, question words dropped)."""
    cut, _idf, _median = _jieba()
    words = (w.strip().lower() for w in cut(text[:MAX_QUESTION_CHARS]))
    return frozenset(w for w in words if w and _WORD.search(w) and w not in _STOPWORDS)


def _weight(word: str) -> float:
    _cut, idf, median = _jieba()
    return idf.get(word, median)


def _covered(word: str, others: frozenset[str]) -> bool:
    return any(word in other or other in word for other in others)


def word_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """How much of each text's content words the other has (IDF-weighted, a word inside
    another counts), averaged: 1 the same words, 0 none shared."""
    if not a or not b:
        return 0.0
    share_a = sum(_weight(w) for w in a if _covered(w, b)) / sum(_weight(w) for w in a)
    share_b = sum(_weight(w) for w in b if _covered(w, a)) / sum(_weight(w) for w in b)
    return (share_a + share_b) / 2


class Matcher:
    """Entries by meaning, checked by words; ``embed`` is None where the meaning model is
    unavailable (then words alone decide, against ``words_only``)."""

    def __init__(
        self,
        entries: Sequence[Entry],
        embed: Embed | None,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        sure: float = SURE,
        words_only: float = WORDS_ONLY,
    ) -> None:
        self.threshold, self.sure, self.words_only = threshold, sure, words_only
        self._embed = embed
        self._vectors: dict[str, Vectors] = {}
        self._asked: OrderedDict[str, Vectors] = OrderedDict()
        self.entries: list[Entry] = []
        self._words: list[frozenset[str]] = []
        self._rows: list[tuple[int, str]] = []  # (entry index, phrasing)
        self._matrix: Vectors | None = None
        self.replace(entries)

    @property
    def by_meaning(self) -> bool:
        return self._embed is not None

    def replace(self, entries: Sequence[Entry]) -> None:
        """Match against ``entries`` from now on; phrasings seen before are not embedded again."""
        rows = [(i, p) for i, e in enumerate(entries) for p in e.phrasings]
        words = [frozenset().union(*(content_words(p) for p in e.phrasings)) for e in entries]
        matrix = None
        if self._embed is not None and rows:
            missing = list(dict.fromkeys(p for _, p in rows if p not in self._vectors))
            if missing:
                self._vectors.update(zip(missing, self._embed(missing), strict=True))
            matrix = np.stack([self._vectors[p] for _, p in rows])
        self.entries, self._words, self._rows, self._matrix = list(entries), words, rows, matrix

    def scores(self, question: str) -> list[Match]:
        """Every entry's best score for ``question`` (meaning, or words without the model),
        best first."""
        question = _MENTION.sub("", question).strip()[:MAX_QUESTION_CHARS]
        if not question or not self._rows:
            return []
        if self._matrix is None or self._embed is None:
            words = content_words(question)
            ranked = [
                Match(e, round(word_overlap(words, self._words[i]), 4), e.question)
                for i, e in enumerate(self.entries)
            ]
            return sorted(ranked, key=lambda m: -m.score)
        meaning = self._matrix @ self._question_vector(question)
        best: dict[int, Match] = {}
        for (index, phrasing), cosine in zip(self._rows, meaning, strict=True):
            if index not in best or cosine > best[index].score:
                best[index] = Match(self.entries[index], round(float(cosine), 4), phrasing)
        return sorted(best.values(), key=lambda m: -m.score)

    def _question_vector(self, question: str) -> Vectors:
        """A question's embedding; chat repeats its questions, so recent ones are kept."""
        vector = self._asked.get(question)
        if vector is None:
            assert self._embed is not None
            vector = self._asked[question] = self._embed([question])[0]
            if len(self._asked) > _ASKED_CACHE:
                self._asked.popitem(last=False)
        return vector

    def match(self, question: str) -> Match | None:
        """The entry that answers ``question``, or None: "I don't know"."""
        ranked = self.scores(question)
        if not ranked:
            return None
        top = ranked[0]
        if not self.by_meaning:
            return top if top.score >= self.words_only else None
        if top.score >= self.sure:
            return top
        index = self.entries.index(top.entry)
        if top.score >= self.threshold and word_overlap(content_words(question), self._words[index]) > 0:
            return top
        return None
