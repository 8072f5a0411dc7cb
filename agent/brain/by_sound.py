"""When a lexicon match by sound is a dodge, and when it is ordinary words that sound alike.

``agent.brain.matcher`` finds entries by their pinyin syllables (沙比, sha bi, 约pao) and
asks ``sound_void`` whether the find counts. A dodge is a word: written in pinyin, spaced
out, the whole message, one made-up word jieba keeps together, or keeping one of the
entry's characters. Ordinary text that merely sounds alike is made of ordinary words and
grammar: a word of its own (读博), a particle (白加了), a quantity (六盒菜), the correlative
越…越, three ordinary words none of whose characters is the entry's (取四把), a person's
name at the head of a sentence (杜博也来了, 柏佳乐同学). A streamer's own two-syllable
word is the hardest case: its sound-alikes are everywhere (我想猜一下 is not 香菜), so
only a clear dodge counts: the forms above, the word's rare character kept (拜嫖), or one
character kept and the other swapped for a character seldom written on its own (菜苟,
彩狗: an ordinary sentence would use 够 or 才, not 苟) and not followed by a particle (白漂了).
"""

from __future__ import annotations

from agent.brain.words import PARTICLES, WordJudge

__all__ = ["gap_inside", "gaps", "sound_void"]

_NUMERALS = frozenset("一二两三四五六七八九十几半")
# A character swapped into a word by a dodge is one a sentence seldom uses on its own: jieba
# counts 苟 312, 彩 2318, 访 1446; the ordinary words near an own word's sound use 够 4088,
# 才 55415, 菜 8544. Below this count the swap is a spelling, not a word choice.
SWAP_MAX_FREQ = 3_000


def sound_void(
    judge: WordJudge, entry: str, own: bool, spaced: str, compact: str, start: int, stop: int
) -> str:
    """Why the match by sound ``compact[start:stop]`` of ``entry`` (its compact form) does
    not count ("" when it does). The crossing-words check has been made already."""
    span = compact[start:stop]
    if len(span) != len(entry) or span.isascii():
        return ""  # pinyin in it: nobody writes an ordinary sentence that way
    differ = [c for c, e in zip(span, entry, strict=True) if c != e]
    if judge.single_word(compact, start, stop) and judge.known(span, 1 if own else 11):
        return f"{span} is a word of its own"
    if any(c in PARTICLES for c in differ):
        return "a grammatical particle in it: an ordinary sentence"
    grammar = _grammar(compact, start, stop, judge)
    if grammar:
        return grammar
    if span[0] != entry[0] and judge.name_at(compact, start, stop):
        return f"{span} is a person's name: a surname at the head of the sentence"
    whole = (start, stop) == (0, len(compact))
    clear = whole or gap_inside(spaced, start, stop) or judge.single_word(compact, start, stop)
    if len(entry) >= 3 and len(differ) == len(entry) and not clear:
        # 取四把 is not 去死吧: three ordinary words in a row that sound like an entry,
        # none of its characters kept, is chance; a dodge keeps one (去四吧) or is one word.
        return "sounds like it, but is ordinary words with none of its characters"
    if not own or len(entry) != 2 or clear:
        return ""  # clear: the whole message, spaced out, or one made-up word jieba keeps (沙比)
    kept = [(c, e) for c, e in zip(span, entry, strict=True) if c == e]
    if any(judge.rare(c) for c, _e in kept):
        return ""  # 拜嫖: the rare character of the word kept, the other swapped
    followed = compact[stop : stop + 1]
    if kept and all(not judge.frequent_alone(c, SWAP_MAX_FREQ) for c in differ) and followed not in PARTICLES:
        # 菜苟, 彩狗: one character kept, the other swapped for a seldom-used one. Not before
        # a particle: 白漂了 is a verb with its aspect particle, ordinary grammar.
        return ""
    return "sounds like your two-syllable word, but is ordinary words"


def _grammar(compact: str, start: int, stop: int, judge: WordJudge) -> str:
    """A construction of ordinary grammar inside a match by sound: a dodge is a word,
    never a quantity (六盒菜: a numeral and a measure word) or the correlative 越…越
    (越跑越远 is not 约炮)."""
    span = compact[start:stop]
    for i, c in enumerate(span[:-1]):
        if c in _NUMERALS and judge.measure(span[i + 1]):
            return f"{c}{span[i + 1]} is a number and a measure word: a quantity"
    at = span.find("越")
    if at >= 0 and "越" in compact[start + at + 2 : start + at + 5]:
        return "越…越 is grammar (the more..., the more...)"
    return ""


def gaps(spaced: str, start: int, stop: int) -> dict[str, bool]:
    """Whether a space or symbol stands just before and just after the compact span."""
    return {
        "gap_before": start > 0 and gap_inside(spaced, start - 1, start + 1),
        "gap_after": gap_inside(spaced, stop - 1, stop + 1),
    }


def gap_inside(spaced: str, start: int, stop: int) -> bool:
    """True when the compact span [start, stop) had a space or symbol inside it."""
    seen = 0  # characters of the compact form passed so far: the index of the next one
    for c in spaced:
        if c != " ":
            seen += 1
            if seen >= stop:
                return False
        elif start < seen < stop:
            return True
    return False
