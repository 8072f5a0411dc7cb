"""The room's current topic: the most frequent Chinese phrase lately said or asked.

jieba is not installed here and its dictionary takes about a second to load, so
keywords come from a frequency count of CJK character bigrams over a sliding
window: the streamer's speech counts double, the room's questions once. The
best bigram is then grown left and right through bigrams nearly as frequent
(黑神 -> 黑神话悟空), which recovers most multi-character names without a
dictionary. Bigrams with a function character (的, 了, 吗...) never count.

Not pure in the ``step`` sense (it keeps counters), but it reads no clock:
``now`` is passed in, and the shell hands the result to ``step`` as ``TopicSeen``.
"""

from __future__ import annotations

import re
from collections import Counter, deque

from agent.config import BrainTopics

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# Characters that glue sentences together rather than name things.
_FUNCTION = frozenset(
    "的了是我你他她它们这那就都也在有不没吗呢吧啊呀哦嘛么和与或很太还又把被给让说要会能去来到个一好得地着过吧哈嗯"
)
_MAX_ENTRIES = 4096  # texts in the window; a flood of questions cannot grow it further
_MAX_LEN = 8


def stop_pattern(stopwords: list[str] | frozenset[str]) -> re.Pattern[str] | None:
    words = sorted((w for w in stopwords if w), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def bigrams(text: str, stop: re.Pattern[str] | None = None) -> list[str]:
    """The content bigrams of ``text`` (each once per text); stopwords split the text."""
    if stop is not None:
        text = stop.sub(" ", text)
    seen: dict[str, None] = {}
    for run in _CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            pair = run[i : i + 2]
            if pair[0] in _FUNCTION or pair[1] in _FUNCTION:
                continue
            seen[pair] = None
    return list(seen)


class TopicTracker:
    def __init__(self, cfg: BrainTopics) -> None:
        self.cfg = cfg
        self._stop = stop_pattern(cfg.stopwords)
        self._window: deque[tuple[float, list[str], int, str]] = deque()
        self._counts: Counter[str] = Counter()

    def add(self, text: str, now: float, weight: int = 1) -> None:
        pairs = bigrams(text, self._stop)
        if not pairs:
            return
        self._window.append((now, pairs, weight, text))
        for pair in pairs:
            self._counts[pair] += weight
        if len(self._window) > _MAX_ENTRIES:
            self._drop_oldest()

    def clear(self) -> None:
        self._window.clear()
        self._counts.clear()

    def topic(self, now: float) -> str:
        window = self._window
        while window and now - window[0][0] > self.cfg.window_s:
            self._drop_oldest()
        if not self._counts:
            return ""
        best, count = self._counts.most_common(1)[0]
        if count < self.cfg.min_count:
            return ""
        return self._grow(best, count)

    def _grow(self, phrase: str, count: int) -> str:
        """Extend ``phrase`` through neighbouring bigrams seen about as often."""
        floor = max(self.cfg.min_count, count * 0.6)
        counts = self._counts
        texts = [entry[3] for entry in self._window]

        def said(candidate: str) -> bool:  # counts alone would join 二郎神 + 神话 into 二郎神话
            return any(candidate in text for text in texts)

        grew = True
        while grew and len(phrase) < _MAX_LEN:
            grew = False
            right = max(
                (p for p in counts if p[0] == phrase[-1] and p[1] not in phrase and counts[p] >= floor),
                key=counts.__getitem__,
                default="",
            )
            if right and said(phrase + right[1]):
                phrase += right[1]
                grew = True
            left = max(
                (p for p in counts if p[1] == phrase[0] and p[0] not in phrase and counts[p] >= floor),
                key=counts.__getitem__,
                default="",
            )
            if left and len(phrase) < _MAX_LEN and said(left[0] + phrase):
                phrase = left[0] + phrase
                grew = True
        return phrase

    def _drop_oldest(self) -> None:
        _, pairs, weight, _ = self._window.popleft()
        counts = self._counts
        for pair in pairs:
            left = counts[pair] - weight
            if left > 0:
                counts[pair] = left
            else:
                del counts[pair]
