"""Round 9 of knowledge answers (agent/knowledge/bridging.py, match.py ``BRIDGED``): a question
and an entry's phrasing both close to one known question of the folding bank
(agent/data/fold_clusters.txt) count as evidence that one answers the other, with the real
multilingual-e5-small; near misses that bridge through the question they look like are still
not answered; and the round-9 held-out set (tests/data/knowledge_fresh4.md), written and scored
on the unchanged tree before any change, never tuned on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.brain.meaning import MeaningIndex
from agent.knowledge.bridging import bank_of
from agent.knowledge.entries import Entry, load_files
from agent.knowledge.match import Embed, Matcher

DATA = Path(__file__).resolve().parent / "data"
FILE = DATA / "knowledge_fresh4.md"


@pytest.fixture(scope="module")
def embed() -> Iterator[Embed]:
    index = MeaningIndex()
    index.load()
    yield index.embed


def _score(matcher: Matcher, rows: list[dict[str, str | None]]) -> tuple[int, int, int]:
    """(right, wrong among the answerable, unanswerable answered)."""
    right = wrong = unanswerable = 0
    for row in rows:
        found = matcher.match(str(row["q"]))
        got = found.entry.question if found is not None else None
        if row["entry"] is None:
            unanswerable += got is not None
        else:
            right += got == row["entry"]
            wrong += got is not None and got != row["entry"]
    return right, wrong, unanswerable


def test_the_bank_comes_with_the_meaning_index(embed: Embed) -> None:
    assert bank_of(embed) is not None
    assert bank_of(lambda texts: None) is None  # a stand-in model knows no questions


def test_a_bridge_answers_what_the_cosine_alone_does_not(embed: Embed) -> None:
    """e5 puts these far from the entry (0.39, 0.20); each is close to one known question that
    a phrasing of the entry is close to as well."""
    entries = [
        Entry(("几点开播", "每天什么时候开始播"), "每天下午三点开播。"),
        Entry(("几点下播", "什么时候下播"), "晚上七点左右下播。"),
        Entry(("背景音乐叫什么", "这首歌叫什么"), "我的世界原声 Sweden。"),
        Entry(("用的什么鼠标", "鼠标是什么型号"), "雷蛇毒蝰。"),
    ]
    bridged, plain = Matcher(entries, embed), Matcher(entries, embed, bridged=0.0, bridge_cover=9.0)
    for question, entry in (("up主一般啥时候上线", "几点开播"), ("bgm是什么", "背景音乐叫什么")):
        assert plain.match(question) is None, question
        found = bridged.match(question)
        assert found is not None and found.entry.question == entry, question
    # The same shape about another thing bridges too (鼠标啥牌子), but names what no entry does.
    assert bridged.match("鼠标垫是什么牌子") is None


# Scored on the unchanged tree: 9 right of 21, 0 wrong, 0 of 8 unanswerable answered; after
# round 9: 10, 0, 0 (the dev half: 13 -> 14 right, 1 -> 1 unanswerable answered).
def test_the_round_9_held_out_set_keeps_its_figures(embed: Embed) -> None:
    entries, warnings = load_files([FILE])
    rows = json.loads((DATA / "knowledge_fresh4_heldout.json").read_text(encoding="utf-8"))["questions"]
    dev = json.loads((DATA / "knowledge_fresh4_dev.json").read_text(encoding="utf-8"))["questions"]
    headings = {entry.question for entry in entries}
    assert not warnings and len(entries) == 13
    assert sum(row["entry"] is not None for row in rows) == 21 and len(rows) == 29
    assert all(row["entry"] in headings for row in rows + dev if row["entry"] is not None)
    asked = {row["q"] for row in rows + dev}
    assert len(asked) == len(rows) + len(dev) and not {p for e in entries for p in e.phrasings} & asked
    right, wrong, unanswerable = _score(Matcher(entries, embed), rows)
    assert right >= 10 and wrong + unanswerable <= 1, (right, wrong, unanswerable)
