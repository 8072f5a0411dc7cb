"""The fifth fresh labelled sets (tests/data/moderation_fresh5_{dev,heldout}.tsv, built by
tests/data/build_moderation_fresh5.py before the code was scored on them): insult words
used literally of animals and things (杂种小麦, 狗腿肿了, 小丑面具, "the bitch nursed her
litter"), jargon, given names, sound-alikes across words, cues before amounts, with
disguised real uses of the same words (真傻逼, 苟腿主播, 你猪脑子吗), run through ``cohost
moderate`` in a subprocess with the sets' own words (tests/support/fresh3_score.py). The
rules were tuned on the dev split (and fresh4's dev) only; the held-out split was scored
once, at the end, and is gated at that figure less a margin of one line. Figures:
tests/data/moderation_fresh5_scores.txt."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.data.build_moderation_fresh5 import OWN_WORDS
from tests.support.fresh3_score import Score, kept_kinds, new_lines, smallest, split_fixtures
from tests.support.moderate_run import moderate

heldout, dev = split_fixtures("fresh5")


def test_sets_are_new_big_enough_and_split() -> None:
    assert smallest("fresh5") >= Counter({"kept": 35, "blocked": 18})
    assert kept_kinds("fresh5") >= {"literal", "jargon", "name", "across"}
    assert new_lines("fresh5") == []


def test_heldout_disguises_are_still_caught(heldout: Score) -> None:
    # Scored once after the changes: built-in 8/9, own 9/10 (unchanged tree: 7/9, 9/10).
    # The misses: 读博平台上分 (读博 is a word of its own), 主播猪投.
    assert heldout.good["disguise_builtin"] >= heldout.total["disguise_builtin"] - 2, heldout.misses
    assert heldout.good["disguise_own"] >= heldout.total["disguise_own"] - 2, heldout.misses


def test_heldout_lookalikes_blocked_less(heldout: Score) -> None:
    # Scored once after the changes: 7/37 blocked = 19% (unchanged tree: 18/37 = 49%).
    # Still blocked: five insult words used of things (杂种优势, 给畜生喂, 半个猪头, 小丑服装,
    # 饭桶放在桌上), one jargon word (小猪头像), one given name (叫沙必).
    assert heldout.blocked() <= 8, heldout.misses
    assert heldout.blocked("lookalike_kept_literal") <= 6, heldout.misses


def test_every_contact_is_handled_in_chat_and_refused_on_air(heldout: Score, dev: Score) -> None:
    for result in (heldout, dev):
        for group in ("contact_chat", "contact_output"):
            assert result.good[group] == result.total[group], result.misses


def test_dev_split_stays_where_it_was_tuned(dev: Score) -> None:
    # After the changes: built-in 9/10 (chu sheng zhu bo: 畜生 is banned as written only),
    # own 11/11; 7/37 look-alikes blocked (unchanged tree: 22/37).
    assert dev.good["disguise_builtin"] >= dev.total["disguise_builtin"] - 1, dev.misses
    assert dev.good["disguise_own"] == dev.total["disguise_own"], dev.misses
    assert dev.blocked() <= 7, dev.misses
    assert dev.blocked("lookalike_kept_literal") <= 2, dev.misses


def test_explain_names_each_new_rule(tmp_path: Path) -> None:
    """Dev lines, one per new rule, with what ``--explain`` says about the voided find."""
    kept = {
        "杂种小麦抗病性强": "杂种小麦: it modifies the noun 小麦",
        "这只杂种猫很亲人": "只杂种: counted as an animal or a portion",
        "红烧狗腿是地方菜": "红烧狗腿: cooked, it is food",
        "狗腿肿了要看兽医": "狗腿肿: a body or an object in this state",
        "the bitch nursed her litter": "bitch: an animal or a thing here (litter)",
        "攻击力加 30000": "",
    }
    out = moderate(tmp_path, list(kept), OWN_WORDS, explain=True)
    for row, why in zip(out, kept.values(), strict=True):
        assert row["kept"], row
        if why:
            assert why in [hit["why"] for hit in row["explain"]["not_counted"]], row["explain"]


def test_dodges_the_new_rules_must_not_free(tmp_path: Path) -> None:
    cases = {
        "真傻逼这主播": "傻逼",  # jieba's 真傻 runs across 傻逼: a degree adverb, then the word
        "苟腿子": "狗腿",  # 狗腿子 is a word: 腿子 does not cross 苟腿
        "你猪脑子吗": "猪脑",
        "猪头主播别播了": "猪头",  # a person noun after it: still said of someone
        "饭桶管理员": "饭桶",
        "你这头蠢驴": "蠢驴",  # counted, but said to someone
        "你这杂种狗": "杂种",
        "you are a clown at the circus": "clown",  # "you" before it
        "the streamer is a pig on the farm": "pig",
        "加qq 30000": "加qq",  # a strong cue: the round number is still an id
    }
    out = moderate(tmp_path, list(cases), OWN_WORDS)
    assert [(r["text"], r["rule"]) for r in out] == list(cases.items())
