"""A rare character's second reading: a streamer's own word written with a rare character
read by its other reading (呱 is gū, and guā as in 瓜皮), which ``agent.brain.matcher`` tries
when nothing else counted."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from agent.brain import normalize
from agent.brain.words import PARTICLES, WordJudge

__all__ = ["other_readings"]


@lru_cache(maxsize=1)
def _second_readings() -> dict[int, str]:
    """CJK code point -> its second toneless reading, where pypinyin has one that differs
    from the first (呱 gū, also guā; 筒 tǒng, also dòng)."""
    from pypinyin.pinyin_dict import pinyin_dict

    first = normalize.pinyin_table()
    table: dict[int, str] = {}
    for cp, readings in pinyin_dict.items():
        for reading in readings.split(",")[1:]:
            plain = "".join(c for c in unicodedata.normalize("NFD", reading.replace("ü", "v")) if c.isalpha())
            if plain.isascii() and plain and cp in first and plain != first[cp]:
                table[cp] = plain
                break
    return table


def other_readings(judge: WordJudge, compact: str) -> dict[int, str]:
    """The characters of ``compact`` that a sound-alike may take by their second reading:
    rare ones (呱 is gū, also guā), never a function word or a common character, whose
    second readings (了 liǎo, 还 huán, 行 háng) would read ordinary sentences as words."""
    table = _second_readings()
    return {
        ord(c): table[ord(c)]
        for c in set(compact)
        if ord(c) in table and judge.rare(c) and not judge.function_char(c) and c not in PARTICLES
    }
