"""The second fresh labelled sets (tests/data/moderation_fresh2_*.jsonl, built by
tests/data/build_moderation_fresh2.py before the third round of word-check changes: names
of people and places, game terms, everyday phrases, own words never used before), run
through the real entry point: ``cohost moderate`` in a subprocess with a streamer's own
words in config.toml. Held-out figures are gated at what was measured (scored once,
after the changes); the new rules are shown firing through ``--explain``; the dodges the
new rules must not free are checked the same way."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.data.build_moderation_fresh2 import OWN_WORDS
from tests.support.moderate_run import moderate, set_rows


def _rows(name: str, split: str) -> list[dict[str, str]]:
    return set_rows("moderation_fresh2", name, split)


def _moderate(tmp_path: Path, texts: list[str], *, explain: bool = False, extra: str = "") -> list[dict]:
    return moderate(tmp_path, texts, OWN_WORDS, explain=explain, extra=extra)


@pytest.fixture(scope="module")
def heldout(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], list[dict], list[dict]]:
    disguises, lookalikes = _rows("disguises", "heldout"), _rows("lookalikes", "heldout")
    out = _moderate(tmp_path_factory.mktemp("fresh2"), [r["text"] for r in disguises + lookalikes])
    return disguises, lookalikes, out


def test_sets_are_big_enough_and_split() -> None:
    for name, least in (("disguises", 100), ("lookalikes", 150)):
        tune, held = _rows(name, "tune"), _rows(name, "heldout")
        assert len(tune) + len(held) >= least, name
        assert len(held) >= least // 3, name
        assert not {r["text"] for r in tune} & {r["text"] for r in held}, name
    kinds = {r["kind"] for r in _rows("lookalikes", "heldout")}
    assert kinds == {"inside", "sound", "name", "game", "everyday"}


def test_heldout_disguises_are_caught(heldout: tuple[list[dict], list[dict], list[dict]]) -> None:
    disguises, _lookalikes, out = heldout
    missed = {r["text"] for r, v in zip(disguises, out[: len(disguises)], strict=True) if v["kept"]}
    # Measured once after the changes: own 29/31, built-in 17/20 (before: own 26/31, built-in
    # 17/20). These are the known misses; anything else missed is a regression.
    known = {
        "own": {"主播迫防了", "狗狗策策划划"},
        "builtin": {"f*ck off", "开外卦了", "耍单日结"},
    }
    for source, allowed in known.items():
        lost = {r["text"] for r in disguises if r["source"] == source} & missed
        assert lost <= allowed, f"{source}: newly missed {sorted(lost - allowed)}"


def test_heldout_lookalikes_are_kept(heldout: tuple[list[dict], list[dict], list[dict]]) -> None:
    disguises, lookalikes, out = heldout
    verdicts = out[len(disguises) :]
    blocked = [(r["text"], v["rule"]) for r, v in zip(lookalikes, verdicts, strict=True) if not v["kept"]]
    by_kind = Counter(r["kind"] for r, v in zip(lookalikes, verdicts, strict=True) if not v["kept"])
    # Measured once after the changes: 7/73 = 9.6% (before: 15/73 = 20.5%; inside words 3 -> 0,
    # names 7 -> 2). The target is 5%: this ceiling keeps it from getting worse.
    assert len(blocked) <= 7, f"blocked {blocked} by kind {dict(by_kind)}"
    assert by_kind["inside"] == 0 and by_kind["name"] <= 2, blocked


def test_explain_names_each_new_rule(tmp_path: Path) -> None:
    """The outside set's misses (issue 16 items 1-2) and tune-split lines, one per rule,
    with the reason ``--explain`` gives for the candidate that did not count."""
    cases = {
        "墙外挂了横幅": "外 belongs to the place 墙",  # a common noun, and 挂 a verb with its aspect
        "祝你全家幸福": "counts only as the whole message",  # 你全家$ in the shipped lexicon
        "尼玛次仁": "part of the name 尼玛次仁",  # a Tibetan personal name
        "我去过尼玛县": "part of the place name 尼玛县",
        "a片区停车场满了": "the word 片区 crosses it",  # a lone Latin letter may stand alone
        "杜博也来看直播了": "杜博 is a person's name: a surname at the head of the sentence",
    }
    rows = _moderate(tmp_path, list(cases), explain=True)
    for row, why in zip(rows, cases.values(), strict=True):
        assert row["kept"], row
        reasons = [hit["why"] for hit in row["explain"]["not_counted"]]
        assert why in reasons, (row["text"], reasons)


def test_dodges_the_new_rules_must_not_free(tmp_path: Path) -> None:
    cases = {
        "菜苟一个": "菜狗",  # an own word's homophone inside a sentence (outside set)
        "彩狗主播": "菜狗",  # one character kept, the other swapped for a seldom-used one
        "王者外挂": "外挂",  # a noun before 外挂 with no verb aspect after: cheats
        "卖游戏外挂": "外挂",
        "飞车外挂": "外挂",
        "这游戏开外挂了吧": "外挂",
        "你全家": "你全家",  # the bare insult: the whole message
        "你全家死光": "你全家死光",
        "操你全家": "操你全家",
        "尼玛的什么玩意": "尼玛",  # the name entry with no name part beside it
        "蔡英文台独": "台独",  # a person's name beside an entry that is no name
        "主播沙比": "傻逼",  # a sound-alike that does not head the sentence
    }
    rows = _moderate(tmp_path, list(cases))
    assert [(r["text"], r["rule"]) for r in rows] == list(cases.items())


def test_a_lexicon_entry_marked_alone(tmp_path: Path) -> None:
    """``$`` in a streamer's own lexicon file: the phrase counts only as the whole message."""
    words = tmp_path / "my_words.txt"
    words.write_text("狗东西$\n", encoding="utf-8")
    extra = f"banned_word_files = [{json.dumps(str(words))}]\n"
    rows = _moderate(tmp_path, ["狗东西", "狗 东 西!", "宠物店卖狗东西的"], extra=extra)
    assert [(r["kept"], r["rule"]) for r in rows] == [(False, "狗东西"), (False, "狗东西"), (True, "")]
