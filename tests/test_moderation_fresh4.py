"""The fourth fresh labelled sets (tests/data/moderation_fresh4_{dev,heldout}.tsv, built by
tests/data/build_moderation_fresh4.py before the code was scored on them): look-alikes of
the kinds outsiders found (sound-alikes across two words, banned strings across jargon
jieba lacks, contact cues before an app or an amount, insult words used of things, given
names), with disguised lines of the same words, run through ``cohost moderate`` in a
subprocess with the sets' own words (tests/support/fresh3_score.py). The rules were tuned
on the dev split only; the held-out split was scored once, at the end, and is gated at
that figure less a margin of one line. Figures: tests/data/moderation_fresh4_scores.txt."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.data.build_moderation_fresh4 import OWN_WORDS
from tests.support.fresh3_score import Score, kept_kinds, new_lines, smallest, split_fixtures
from tests.support.moderate_run import moderate

heldout, dev = split_fixtures("fresh4")


def test_sets_are_new_big_enough_and_split() -> None:
    assert smallest("fresh4") >= Counter({"kept": 55, "blocked": 24})
    assert kept_kinds("fresh4") >= {"across", "jargon", "cue", "literal", "name"}
    assert new_lines("fresh4") == []


def test_heldout_disguises_are_still_caught(heldout: Score) -> None:
    # Scored once after the changes: built-in 15/15, own 8/9 (unchanged tree: the same).
    # The miss: 你个废材 (废材 fei cai does not sound like 废柴 fei chai).
    assert heldout.good["disguise_builtin"] >= heldout.total["disguise_builtin"] - 1, heldout.misses
    assert heldout.good["disguise_own"] >= heldout.total["disguise_own"] - 2, heldout.misses


def test_heldout_lookalikes_blocked_less(heldout: Score) -> None:
    # Scored once after the changes: 10/55 blocked = 18% (unchanged tree: 17/55 = 31%).
    # After issue 16 (literal uses, scored once): 7/55 = 13%; still blocked: three insult
    # words used of things (废物东西要分类回收, 杂种狗, 畜生也要打疫苗), two jargon words, two names.
    assert heldout.blocked() <= 8, heldout.misses
    for kind in ("across", "cue", "word"):
        group = f"lookalike_kept_{kind}"
        assert heldout.good[group] == heldout.total[group], heldout.misses


def test_every_contact_is_handled_in_chat_and_refused_on_air(heldout: Score, dev: Score) -> None:
    for result in (heldout, dev):
        for group in ("contact_chat", "contact_output"):
            assert result.good[group] == result.total[group], result.misses


def test_dev_split_stays_where_it_was_tuned(dev: Score) -> None:
    # After the changes: built-in 14/15, own 9/10 (六盒彩开奖, 苟腿子 missed), 4/57
    # look-alikes blocked (杂种玉米产量高, 狗腿骨折了去宠物医院, two English lines).
    # After issue 16: built-in 14/15 (六盒彩开奖: a quantity rule that caught it also
    # blocked six boxes of coloured pencils, and was taken back), own 10/10, 0/57
    # look-alikes blocked.
    assert dev.good["disguise_builtin"] >= dev.total["disguise_builtin"] - 1, dev.misses
    assert dev.good["disguise_own"] == dev.total["disguise_own"], dev.misses
    assert dev.blocked() == 0, dev.misses


def test_explain_names_each_new_rule(tmp_path: Path) -> None:
    """Dev lines, one per new rule, with what ``--explain`` says about the voided find."""
    kept = {
        "这个月跑了三次马拉松": "跑了 is a verb with its aspect: an ordinary sentence",
        "瑟卿学姐好": "瑟卿 is a person's name: a title follows it",
        "加qq飞车车队": "before 飞车: the app's product or feature, not an id",
        "饭桶里没饭了": "饭桶里: a thing with a place in it",
        "马戏团的小丑表演": "马戏团的小丑: a place's thing",
        "卤猪头肉真香": "猪头肉 is another thing",
    }
    out = moderate(tmp_path, list(kept), OWN_WORDS, explain=True)
    for row, why in zip(out, kept.values(), strict=True):
        assert row["kept"], row
        assert why in [hit["why"] for hit in row["explain"]["not_counted"]], row["explain"]


def test_amounts_and_app_words_after_a_cue_are_kept(tmp_path: Path) -> None:
    texts = ["加 20000 金币", "粉丝群 10000 人了", "今晚玩v rising吗", "卫星 starlink 信号不错"]
    out = moderate(tmp_path, texts, OWN_WORDS)
    assert [(r["text"], r["kept"]) for r in out] == [(t, True) for t in texts]


def test_dodges_the_new_rules_must_not_free(tmp_path: Path) -> None:
    cases = {
        "加微信领皮肤": "加微信",  # a verb after the cue: an offer
        "加微信好友": "加微信",  # a friend is what an id is added as
        "私聊加我": "私聊加",
        "罗聊加我": "裸聊",  # a surname's sound, then a cue: an ad, not a name
        "你个饭筒": "饭桶",  # a word of its own, but someone is called it
        "你个狗腿子": "狗腿",  # a person suffix keeps the insult
        "主播是猪头吧": "猪头",
        "同城月炮": "约炮",  # 月 not counted by a measure
        "扣扣 12345678 主播": "contact_id",  # a strong cue: digits are an id before any noun
        "加 85236974": "contact_id",
        "wx: lilymeimei": "contact_id",  # bare letters after a strong cue and a colon
        "line: kitty_520": "contact_id",
    }
    out = moderate(tmp_path, list(cases), OWN_WORDS)
    assert [(r["text"], r["rule"]) for r in out] == list(cases.items())
