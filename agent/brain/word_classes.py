"""What jieba's dictionary says about words, read once: word classes and name characters.

``agent.brain.words`` asks these when it judges a lexicon match: is the word before a
direction character a place (墙, 窗户), is a character a measure word (盒), is a word a
person's or a place's name (尼玛, 尼玛县), is the word after a name a verb or a title
(也, 来, 老师), does a character start people's names (杜, 柏). The tables come from
jieba's dictionary tags in one pass, plus two data files for what jieba lacks:
agent/data/name_parts.txt (given-name parts) and agent/data/name_starts.txt (derived from
jieba's own name model, so its 0.7 s part-of-speech tables need not load).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["CHAT_WORDS", "NAME_PARTS", "chat_words", "name_start", "nouns", "tagged"]

DATA = Path(__file__).resolve().parent.parent / "data"
CHAT_WORDS = DATA / "chat_words.txt"
NAME_PARTS = DATA / "name_parts.txt"
NAME_STARTS = DATA / "name_starts.txt"
_NOUN_TAGS = frozenset({"n", "ns", "nr", "nt", "nz", "s", "f", "ng"})
_PERSON_TAGS = frozenset({"nr", "nrt", "nrfg"})
_PREDICATE_TAGS = frozenset({"v", "vg", "d", "p", "t", "c"})
_ADJECTIVE_TAGS = frozenset({"a", "ad", "an", "ag"})
_ADJECTIVE_NUMERALS = frozenset("多少")  # tagged as numerals, used as adjectives (够多了)
_FUNCTION_TAGS = frozenset({"p", "d", "r", "c"})
# jieba tags some frequent grammatical characters "zg" (够 4088), like rare bound morphemes
# (纱 788): only the frequent ones are function words.
_FUNCTION_MIN_COUNT = 3_000


def chat_words(path: Path = CHAT_WORDS) -> list[tuple[str, int]]:
    """(word, count) of agent/data/chat_words.txt (or ``path`` in its format): ``word
    count`` lines, ``#`` comments."""
    words: list[tuple[str, int]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) == 2 and parts[1].isdigit():
            words.append((parts[0], int(parts[1])))
    return words


@dataclass(frozen=True, slots=True)
class Tags:
    nouns: frozenset[str]  # nouns and places (the direction rule)
    measures: frozenset[str]  # single characters tagged as measure words or numerals (盒, 页)
    places: frozenset[str]  # places' names of 2-4 characters (尼玛县)
    persons: frozenset[str]  # people's names of 2-4 characters (尼玛, 司马)
    name_parts: frozenset[str]  # given-name parts (agent/data/name_parts.txt: 扎西, 次仁)
    predicates: frozenset[str]  # short verbs, adverbs, prepositions, times (来, 也, 今天)
    things: frozenset[str]  # single characters tagged as common nouns or places (墙, 楼)
    quantities: frozenset[str]  # two-character numeral words (一夜, 一页, 三天)
    adjectives: frozenset[str]  # adjectives of 1-2 characters (细, 高, 便宜), and 多/少
    function_chars: frozenset[str]  # prepositions, adverbs, pronouns, conjunctions (比, 够, 谁)
    units: frozenset[str]  # measure words of 2-3 characters (毫安, 公里): after a number, an amount
    owners: frozenset[str]  # place words and institutions of 2-4 characters (家里, 马戏团)


@lru_cache(maxsize=1)
def tagged() -> Tags:
    """From jieba's dictionary, in one pass, the word classes the word check asks about;
    plus the name parts jieba lacks (agent/data/name_parts.txt)."""
    import jieba

    groups: dict[str, set[str]] = {name: set() for name in Tags.__slots__}
    with jieba.get_dict_file() as dictionary:
        for line in dictionary:
            parts = line.decode("utf-8").split()
            if len(parts) == 3 and parts[1].isdigit():
                for name in _classes(parts[0], int(parts[1]), parts[2]):
                    groups[name].add(parts[0])
    groups["name_parts"] = {word for word, _count in chat_words(NAME_PARTS)}
    groups["adjectives"] |= _ADJECTIVE_NUMERALS
    return Tags(**{name: frozenset(words) for name, words in groups.items()})


def _classes(word: str, count: int, tag: str) -> list[str]:
    """The Tags fields a dictionary word with its count and tag belongs to."""
    size = len(word)
    found: list[str] = []
    if tag in _PERSON_TAGS and 2 <= size <= 4:
        found.append("persons")
    elif tag == "ns" and 2 <= size <= 4:
        found.append("places")
    if tag in ("s", "nt") and 2 <= size <= 4:
        found.append("owners")
    if tag in ("n", "s") and size == 1:
        found.append("things")
    if tag in _NOUN_TAGS:
        found.append("nouns")
    elif tag in ("q", "m") and size == 1:
        found.append("measures")
    elif tag == "q" and size <= 3:
        found.append("units")
    elif tag == "m" and size == 2:
        found.append("quantities")
    elif tag in _PREDICATE_TAGS and size <= 2:
        found.append("predicates")
    if tag in _ADJECTIVE_TAGS and size <= 2:
        found.append("adjectives")
    if size == 1 and (tag in _FUNCTION_TAGS or (tag == "zg" and count >= _FUNCTION_MIN_COUNT)):
        found.append("function_chars")
    return found


def nouns() -> frozenset[str]:
    """Words tagged as nouns or places."""
    return tagged().nouns


@lru_cache(maxsize=1)
def _name_starts() -> frozenset[str]:
    """Characters that start a person's name (agent/data/name_starts.txt: derived from
    jieba's name model, 杜 and 柏 in, 苟 out)."""
    lines = NAME_STARTS.read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line.strip() for line in lines if not line.startswith("#")))


def name_start(char: str) -> bool:
    """True when people's names often start with ``char`` (杜, 柏, 刘; not 苟)."""
    return char in _name_starts()
