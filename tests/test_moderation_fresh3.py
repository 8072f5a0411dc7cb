"""The third fresh labelled sets (tests/data/moderation_fresh3_{dev,heldout}.tsv, built by
tests/data/build_moderation_fresh3.py before the code was scored on them), run through the
real entry point: ``cohost moderate`` in a subprocess with the sets' own words in
config.toml; contact lines also through ``Moderator.banned_in``, the check on the bot's
own sentences (tests/support/fresh3_score.py). The rules were tuned on the dev split only;
the held-out split was scored once, at the end, and is gated at that figure less a margin
of one line. The new rules are shown firing through ``--explain``, and the dodges they
must not free are checked the same way."""

from __future__ import annotations

from pathlib import Path

from tests.data.build_moderation_fresh3 import OWN_WORDS
from tests.support.fresh3_score import Score, new_lines, rows, split_fixtures
from tests.support.moderate_run import moderate

heldout, dev = split_fixtures("fresh3")


def test_sets_are_new_big_enough_and_split() -> None:
    dev_rows, held_rows = rows("dev"), rows("heldout")
    assert len(dev_rows) + len(held_rows) >= 350
    for split in (dev_rows, held_rows):
        assert {r.expect for r in split} == {"blocked", "kept", "contact"}
        assert {r.source for r in split if r.expect == "blocked"} == {"builtin", "own"}
    assert new_lines("fresh3") == []


def test_heldout_disguises_are_caught(heldout: Score) -> None:
    # Scored once after the changes: built-in 53/54, own 41/41 (unchanged tree: 53/54, 40/41).
    # The known miss: 这把又输了真傻逼 (jieba's word 真傻 runs across 傻逼).
    assert heldout.good["disguise_builtin"] >= heldout.total["disguise_builtin"] - 2, heldout.misses
    assert heldout.good["disguise_own"] >= heldout.total["disguise_own"] - 1, heldout.misses
    assert heldout.rate("disguise_builtin") >= 0.95 and heldout.rate("disguise_own") >= 0.95


def test_heldout_lookalikes_are_kept(heldout: Score) -> None:
    # Scored once after the changes: 2/61 blocked = 3.3% (unchanged tree: 4/61 = 6.6%).
    blocked = heldout.total["lookalike_kept"] - heldout.good["lookalike_kept"]
    assert blocked <= 3, heldout.misses
    assert blocked / heldout.total["lookalike_kept"] <= 0.05
    assert heldout.good["lookalike_kept_inside"] == heldout.total["lookalike_kept_inside"], heldout.misses


def test_every_contact_is_handled_in_chat_and_refused_on_air(heldout: Score, dev: Score) -> None:
    for result in (heldout, dev):
        for group in ("contact_chat", "contact_output"):
            assert result.good[group] == result.total[group], result.misses


def test_dev_split_stays_where_it_was_tuned(dev: Score) -> None:
    # After the changes: built-in 58/58, own 43/44 (睡军 for 水军: a frequent character swapped
    # into a streamer's two-syllable word), 1/65 look-alikes blocked (二五在一起算).
    assert dev.good["disguise_builtin"] == dev.total["disguise_builtin"], dev.misses
    assert dev.good["disguise_own"] >= dev.total["disguise_own"] - 1, dev.misses
    assert dev.total["lookalike_kept"] - dev.good["lookalike_kept"] <= 1, dev.misses


def test_explain_names_each_new_rule(tmp_path: Path) -> None:
    """Dev lines, one per new rule, with what ``--explain`` says about them."""
    kept = {
        "这里的沙比那边细": "比 is grammar: its predicate 那边细 ends the sentence",
        "今天剧透够多了": "够 is grammar: its predicate 多 ends the sentence",
    }
    rows_out = moderate(tmp_path, list(kept), OWN_WORDS, explain=True)
    for row, why in zip(rows_out, kept.values(), strict=True):
        assert row["kept"], row
        assert why in [hit["why"] for hit in row["explain"]["not_counted"]], row["explain"]
    blocked = {
        "一页情": "一夜情",  # the entry holds a quantity itself: a quantity sounds it
        "外乄挂出售": "外挂",  # a decorative ideograph between the characters
        "裸ヅ聊": "裸聊",  # kana between the characters
        "舔舔舔狗狗": "舔狗",  # every character stuttered, not only one
        "QQ：eight seven six five four three two": "contact_id",  # digits spelled in English
    }
    rows_out = moderate(tmp_path, list(blocked), OWN_WORDS, explain=True)
    assert [(r["text"], r["rule"]) for r in rows_out] == list(blocked.items())


def test_dodges_the_new_rules_must_not_free(tmp_path: Path) -> None:
    cases = {
        "沙比主播好烂": "傻逼",  # no comparison: a degree word and an adjective
        "傻比太菜了": "傻逼",  # 比 then no adjective
        "主播傻比吧": "傻逼",  # only a particle after it
        "六和彩开奖": "六合彩",
        "你这个二五宰": "二五仔",  # the entry's own number kept, the last character swapped
    }
    rows_out = moderate(tmp_path, list(cases), OWN_WORDS)
    assert [(r["text"], r["rule"]) for r in rows_out] == list(cases.items())


def test_innocent_lines_the_new_rules_must_not_block(tmp_path: Path) -> None:
    texts = [
        "六盒菜",
        "我家狗狗",
        "哈哈哈我妈妈来了",
        "one two three four five go",
        "i have one or two things",
    ]
    rows_out = moderate(tmp_path, texts, OWN_WORDS)
    assert [(r["text"], r["kept"]) for r in rows_out] == [(t, True) for t in texts]
