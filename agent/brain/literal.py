"""When a banned word found as written names a thing, not a person it insults.

An insult is a noun said of someone (你个饭桶, 白痴主播, 这主播纯小丑). The same noun used
of a thing has the grammar of a thing around it, which ``agent.brain.matcher`` asks about
for every match by characters:

* a localiser right after it, standing as its own word: 饭桶|里, 狗腿|上 (a thing has an
  inside and a top; a person insulted does not);
* a place or an institution owning it: 家里|的, 牧场|的, 马戏团|的 (jieba tags place words
  ``s`` and institutions ``nt``; a word ending in a place character such as 场, 堂, 园 is
  one too);
* a streamer's own word heading a longer dictionary noun: 猪头肉, 小丑鱼 are other things
  (a person suffix keeps the insult: 狗腿子, 小丑们). Only the streamer's words: the
  built-in topics head compounds that are still the topic (色情网站, 赌博机).
"""

from __future__ import annotations

from agent.brain.word_classes import tagged

__all__ = ["thing_named"]

_LOCALISERS = frozenset("里上内中")
# A word that ends in one of these is a place: 牧场, 食堂, 公园, 饭馆, 商店, 工厂, 医院.
_PLACE_ENDS = frozenset("场堂园馆店厂院室舍库")
# Suffixes that make a person noun of a word: 狗腿子, 小丑们, 白痴儿.
_PERSON_SUFFIXES = frozenset("子们儿仔")


def thing_named(text: str, tokens: tuple[tuple[int, int], ...], start: int, stop: int, own: bool) -> str:
    """Why the match ``text[start:stop]`` names a thing ("" when it may name a person).
    ``tokens``: jieba's words of ``text``."""
    after = next(((a, b) for a, b in tokens if a == stop), None)
    if after == (stop, stop + 1) and text[stop] in _LOCALISERS:
        return f"{text[start:stop]}{text[stop]}: a thing with a place in it"
    before = next(((a, b) for a, b in tokens if b == start), None)
    if before is not None and text[before[0] : before[1]] == "的":
        owner = next((text[a:b] for a, b in tokens if b == before[0]), "")
        if len(owner) >= 2 and (owner[-1] in _PLACE_ENDS or owner in _places()):
            return f"{owner}的{text[start:stop]}: a place's thing"
    if own:
        for a, b in tokens:
            head = a == start and b > stop
            if head and text[b - 1] not in _PERSON_SUFFIXES and text[a:b] in tagged().nouns:
                return f"{text[a:b]} is another thing"
    return ""


def _places() -> frozenset[str]:
    """Place words and institutions in jieba's dictionary (家里, 马戏团)."""
    return tagged().owners
