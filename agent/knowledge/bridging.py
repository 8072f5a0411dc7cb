"""Known questions as evidence that a viewer's question is an entry's (``brain/known.py``).

multilingual-e5-small puts many everyday paraphrases of chat far apart (up是哪个省的 / 老家是哪的,
bgm叫啥 / 背景音乐叫什么), yet each is close to some phrasing of one labelled cluster of the
folding bank (``agent/data/fold_clusters.txt``, the brain's ``MeaningIndex.known``). A
question and an entry's phrasing both near one cluster (``known.bridge``: how far the lower
of the two cosines is above ``known.NEAR``, 0..1) are likely one question however low their
own cosine. ``Bridges`` profiles the entries' phrasings once (when the matcher takes them)
and each question once: one product with the bank. Texts are profiled in ``fold_form``, the
form the bank was embedded in (for a question, one more embedding only where that form
differs from the one knowledge matching embeds; recent questions' profiles are kept).

The bridge is evidence, not a verdict: ``Matcher`` adds it to the meaning score, and the
slot and object checks (another slot, another thing or person) still say "I don't know"
to a near miss that bridges through the cluster of the question it looks like.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from agent.brain.asking import fold_form
from agent.brain.known import NEAR, KnownQuestions
from agent.knowledge.words import names, objects

__all__ = ["Bridges", "bank_of", "literal"]

Vectors = npt.NDArray[np.float32]
Embed = Callable[[Sequence[str]], Vectors]
_CACHE = 512  # recent questions' profiles kept
# How much nearer a known question of their own either text may be than the one they share.
APART = 0.1


def bank_of(embed: object) -> KnownQuestions | None:
    """The known questions of the meaning index whose ``embed`` is given (the brain's and
    ``cohost ask``'s: a bound ``MeaningIndex.embed``), or None (a stand-in model, or none)."""
    known = getattr(getattr(embed, "__self__", None), "known", None)
    return known if isinstance(known, KnownQuestions) and len(known.starts) else None


def literal(question: str, told: frozenset[str], text: str) -> bool:
    """Every object of ``question`` is named by the entry (its words ``told``, its text
    ``text``) as a whole word, not by its parts nor as the start of a longer word: a bridge
    is about the shape of a question, and 鼠标垫是什么牌子 bridges to 用的什么鼠标 through
    鼠标啥牌子."""
    return all(
        names(word, told, text) and not any(word.startswith(o) and word != o for o in told)
        for word, *_ in objects(question)
    )


class Bridges:
    """Per entry, how strongly a question bridges to its phrasings through one known cluster."""

    def __init__(self, known: KnownQuestions, embed: Embed, apart: float = APART) -> None:
        self._known, self._embed, self.apart = known, embed, apart
        self._profiles: dict[str, Vectors] = {}  # phrasing -> its profile
        self._rows: npt.NDArray[np.intp] = np.zeros(0, dtype=np.intp)  # entry index per row
        self._matrix: Vectors = np.zeros((0, len(known.starts)), dtype=np.float32)
        self._asked: OrderedDict[str, Vectors] = OrderedDict()

    def replace(self, rows: Sequence[tuple[int, str]]) -> None:
        """Profile the entries' phrasings (``(entry index, phrasing)``; new ones only)."""
        missing = list(dict.fromkeys(p for _, p in rows if p not in self._profiles))
        if missing:
            self._profiles.update(zip(missing, self._profile(missing), strict=True))
        if rows:
            self._matrix = np.stack([self._profiles[p] for _, p in rows])
        self._rows = np.asarray([i for i, _ in rows], dtype=np.intp)

    def scores(self, question: str, entries: int, vector: Vectors | None = None) -> Vectors:
        """Per entry (``entries`` of them), the best bridge of ``question`` to a phrasing;
        ``vector``: its embedding, where it is already that of its ``fold_form``."""
        out = np.zeros(entries, dtype=np.float32)
        if not len(self._rows):
            return out
        profile = self._asked.get(question)
        if profile is None:
            profile = self._asked[question] = self._profile([question], vector)[0]
            if len(self._asked) > _CACHE:
                self._asked.popitem(last=False)
        both = np.minimum(self._matrix, profile).max(axis=1)
        # Stricter than ``known.bridge``'s apart: where either text is nearer a known question
        # of its own than the one they share (主播的游戏ID叫什么: the ID's, not 这是什么游戏's;
        # 每天什么时候播: the start's, not 每天都播吗's), they are two questions, however close
        # both are to the shared one.
        own = np.maximum(self._matrix.max(axis=1), profile.max())
        bridge = np.where(own - both <= self.apart, np.maximum(both - NEAR, 0.0) / (1.0 - NEAR), 0.0)
        np.maximum.at(out, self._rows, bridge.astype(np.float32))
        return out

    def _profile(self, texts: list[str], vector: Vectors | None = None) -> Vectors:
        if vector is not None and len(texts) == 1:
            vectors = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        else:
            vectors = np.asarray(self._embed([fold_form(t) for t in texts]), dtype=np.float32)
        return self._known.profile(vectors)
