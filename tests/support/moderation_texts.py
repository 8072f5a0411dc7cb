"""Texts to prove a speed change to the filters changes no outcome: every labelled set in
tests/data and deterministic disguises of them (for tests/test_moderation_equivalence.py and
bench/moderation_equivalence.py)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
# A streamer's own words (config banned_words), slipped into variants and loaded by the bench.
OWN = ["猪", "菜狗", "白嫖", "下头", "带节奏", "云玩家", "菜就多练", "狗都不玩"]
OWN += ["laji", "noob", "clown", "香菜"]
FILLERS = ["丶", "灬", "の", "丨", " ", ".", "*", "\u200b", "-", "_"]


def labelled_texts() -> list[str]:
    """Every text of every labelled set (moderation, injection, trust, names, questions,
    paraphrases), in a fixed order."""
    texts: list[str] = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(str(json.loads(line)["text"]))
    for path in sorted(DATA.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                texts.append(line.split("\t")[-1])
    for path in sorted(DATA.glob("paraphrases*.json")):
        texts += [s for s in _strings(json.loads(path.read_text(encoding="utf-8"))) if len(s) < 300]
    return texts


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def variants(texts: list[str], n: int, seed: int = 16) -> list[str]:
    """``n`` deterministic disguises and mixtures of ``texts``: fillers between characters,
    reversed, full width, a streamer's word slipped in, two joined, a slice, a prefix and a
    number, random upper case."""
    rng = random.Random(seed)
    pool = [t for t in texts if t]
    out: list[str] = []
    while len(out) < n:
        text = rng.choice(pool)
        how = rng.randrange(8)
        if how == 0:
            text = rng.choice(FILLERS).join(text)
        elif how == 1:
            text = text[::-1]
        elif how == 2:
            text = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
        elif how == 3:
            a = rng.randrange(len(text) + 1)
            text = text[:a] + rng.choice(FILLERS) + rng.choice(OWN) + text[a:]
        elif how == 4:
            text = text + rng.choice(pool)
        elif how == 5:
            a, b = sorted(rng.randrange(len(text) + 1) for _ in range(2))
            text = text[a:b] or text
        elif how == 6:
            text = f"{rng.choice(['主播', '哈哈', 'lol ', '@小助手 '])}{text}{rng.randrange(1000)}"
        else:
            text = "".join(c.upper() if rng.random() < 0.3 else c for c in text)
        out.append(text)
    return out
