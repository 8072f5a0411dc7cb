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


@lru_cache(maxsize=1)
def tagged() -> Tags:
    """From jieba's dictionary, in one pass, the word classes the word check asks about;
    plus the name parts jieba lacks (agent/data/name_parts.txt)."""
    import jieba

    nouns: set[str] = set()
    measures: set[str] = set()
    places: set[str] = set()
    persons: set[str] = set()
    predicates: set[str] = set()
    things: set[str] = set()
    with jieba.get_dict_file() as dictionary:
        for line in dictionary:
            parts = line.decode("utf-8").split()
            if len(parts) != 3:
                continue
            word, tag = parts[0], parts[2]
            if tag in _PERSON_TAGS and 2 <= len(word) <= 4:
                persons.add(word)
            elif tag == "ns" and 2 <= len(word) <= 4:
                places.add(word)
            if tag in ("n", "s") and len(word) == 1:
                things.add(word)
            if tag in _NOUN_TAGS:
                nouns.add(word)
            elif tag in ("q", "m") and len(word) == 1:
                measures.add(word)
            elif tag in _PREDICATE_TAGS and len(word) <= 2:
                predicates.add(word)
    parts = {word for word, _count in chat_words(NAME_PARTS)}
    groups = (nouns, measures, places, persons, parts, predicates, things)
    return Tags(*(frozenset(group) for group in groups))


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
