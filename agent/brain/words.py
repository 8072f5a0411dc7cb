"""Is a lexicon match a word of the message, or characters that meet across words?

The moderator finds banned entries as substrings (Aho-Corasick, fast). Most chat has
none, so the word check runs only on a candidate: the compact text is segmented by
jieba (the lexicon's entries loaded as user words at their lowest natural frequency, so
a real word next to them still wins: 角色|情感 keeps 色情 out, 刷|单人 keeps 刷单 out)
and a match is void when a word of that segmentation crosses either of its edges.

Three more rules, each for a way sound and characters meet by accident:

* a place word followed by a direction character (窗户外|挂, 屋里|...): the direction
  character belongs to the noun before it (jieba's dictionary tags give the nouns);
* a match by sound whose characters hold a grammatical particle (白加了 is not 百家乐);
* a match by sound of a streamer's own two-syllable word counts only when it is clearly
  a dodge: spelled in pinyin, spaced out, the whole message, or one made-up word that
  jieba keeps together (沙比) — never two ordinary words that happen to sound like it
  (我想猜一下 is not 香菜).
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

__all__ = ["WordJudge"]

# Localisers: after a noun they say where (窗户外, 屋里, 桌上), they do not start a word.
_DIRECTIONS = frozenset("外里内上下中前后边旁")
_NOUN_TAGS = frozenset({"n", "ns", "nr", "nt", "nz", "s", "f", "ng"})
# Grammatical particles: a dodge by sound never needs one, ordinary sentences always do.
PARTICLES = frozenset("了的地得着过吗吧呢啊呀哦嘛么哈啦咯呗嘞")
_LOCK = threading.Lock()
WINDOW = 6  # characters either side of a match that decide how it is segmented


@lru_cache(maxsize=1)
def _tokenizer() -> object:
    """jieba's shared tokenizer (also the one the TTS front end uses), initialised once."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.initialize()
    return jieba.dt


@lru_cache(maxsize=1)
def _nouns() -> frozenset[str]:
    """Words jieba's dictionary tags as nouns or places (for the direction rule)."""
    import jieba

    nouns: set[str] = set()
    with jieba.get_dict_file() as dictionary:
        for line in dictionary:
            parts = line.decode("utf-8").split()
            if len(parts) == 3 and parts[2] in _NOUN_TAGS:
                nouns.add(parts[0])
    return frozenset(nouns)


class WordJudge:
    """Segments candidate text and says whether a match stands as a word."""

    def __init__(self, words: list[str]) -> None:
        tokenizer = _tokenizer()
        freq: dict[str, int] = tokenizer.FREQ  # type: ignore[attr-defined]
        with _LOCK:
            for word in words:
                if len(word) >= 2 and not freq.get(word):
                    tokenizer.add_word(word)  # type: ignore[attr-defined]
        self._tokenizer = tokenizer
        self._freq = freq

    @lru_cache(maxsize=2048)  # noqa: B019  (one judge per moderator, lives as long)
    def tokens(self, text: str) -> tuple[tuple[int, int], ...]:
        """[start, stop) of each word of ``text``: jieba's best path through its word graph
        (no HMM: stable across versions; called directly, without ``cut``'s block splitting)."""
        route: dict[int, tuple[float, int]] = {}
        self._tokenizer.calc(text, self._tokenizer.get_DAG(text), route)  # type: ignore[attr-defined]
        spans: list[tuple[int, int]] = []
        start = 0
        while start < len(text):
            stop = route[start][1] + 1
            spans.append((start, stop))
            start = stop
        return tuple(spans)

    def crossed(self, text: str, start: int, stop: int) -> str:
        """Why the match ``text[start:stop]`` is not a word of ``text`` ("" when it is).
        Only a window around the match is segmented: words further away cannot cross it."""
        if not (_cjk_at(text, start - 1) or _cjk_at(text, stop)):
            return ""  # nothing Chinese touches it: no word can run across its edges
        low = max(0, start - WINDOW)
        text, start, stop = text[low : stop + WINDOW], start - low, stop - low
        tokens = self.tokens(text)
        for a, b in tokens:
            if a < start < b or a < stop < b:
                return f"the word {text[a:b]} crosses it"
        if text[start] in _DIRECTIONS and start > 0:
            place = next((text[a:b] for a, b in tokens if b == start), "")
            if len(place) >= 2 and place in _nouns():
                return f"{text[start]} belongs to the place {place}"
        return ""

    def naturalness(self, text: str) -> float:
        """Log-probability per character of jieba's best segmentation: text written
        backwards falls apart into rare single characters and scores lower."""
        if not text:
            return 0.0
        route: dict[int, tuple[float, int]] = {}
        dag = self._tokenizer.get_DAG(text)  # type: ignore[attr-defined]
        self._tokenizer.calc(text, dag, route)  # type: ignore[attr-defined]
        return route[0][0] / len(text)

    def single_word(self, text: str, start: int, stop: int) -> bool:
        """True when jieba keeps ``text[start:stop]`` as one word."""
        low = max(0, start - WINDOW)
        return (start - low, stop - low) in self.tokens(text[low : stop + WINDOW])

    def known(self, word: str, at_least: int) -> bool:
        """A word jieba's dictionary counts at least ``at_least`` times (湘菜 7, 沙比 6)."""
        return self._freq.get(word, 0) >= at_least

    def common(self, char: str) -> bool:
        """A character frequent on its own (a poor disguise, an ordinary word: 像, 想)."""
        return self._freq.get(char, 0) >= 20_000


def _cjk_at(text: str, index: int) -> bool:
    return 0 <= index < len(text) and "\u3400" <= text[index] <= "\u9fff"
