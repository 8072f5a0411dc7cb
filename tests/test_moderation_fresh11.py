"""The eleventh fresh labelled sets (tests/data/moderation_fresh11_{dev,heldout}.tsv, built by
tests/data/build_moderation_fresh11.py before the code was scored on them): innocent look-alikes
across many families (an entry's characters across two words, ordinary words that sound like
an entry, entries in a plain sense, game, food, tech, English and brand senses, numbers that
look like contacts, text holding an entry backwards, the streamer's own words inside other
words, plain chat) and disguises of the shipped and the streamer's own words. Run through
``cohost moderate`` in a subprocess with the sets' own words (tests/support/fresh3_score.py).
Tuned on the dev split only; the held-out split is gated at the figures it reached when scored
at the end. Figures: tests/data/moderation_fresh11_scores.txt; a probe written after the
rules were final (tests/data/moderation_fresh11_probe.tsv) was scored once on both trees.
Unit tests below pin each rule and the abuse it must keep blocking."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from agent.brain.moderation import Moderator
from agent.config import BrainConfig
from tests.data.build_moderation_fresh11 import OWN_WORDS
from tests.support.fresh3_score import Score, kept_kinds, new_lines, smallest, split_fixtures

heldout, dev = split_fixtures("fresh11")


@pytest.fixture(scope="module")
def own() -> Moderator:
    return Moderator.from_config(BrainConfig(sentiment_model=False, banned_words=OWN_WORDS))


def test_sets_are_new_big_enough_and_split() -> None:
    least = Counter({"kept": 70, "blocked:builtin": 28, "blocked:own": 19})
    assert smallest("fresh11") >= least
    kinds = {"cross_abuse", "cross_scam", "cross_vice", "sound_abuse", "sound_vice", "literal", "game"}
    kinds |= {"food", "english", "number", "reversed", "own_sound", "own_literal", "plain", "tech", "body"}
    assert kept_kinds("fresh11") >= kinds
    assert new_lines("fresh11") == []


def test_heldout_where_it_was_scored(heldout: Score) -> None:
    # Scored after the changes: 11/72 look-alikes blocked (unchanged tree 12/72; 外挂的字幕 is
    # now the everyday sense the lexicon lists); disguises 24/28 built-in and 16/19 own, as
    # before (狗曰的, 去屎吧, 低价代练上王者, 博才网站; 蔡徐 坤牛啊, 够策划, 白瞟党 still get through).
    assert heldout.blocked() <= 11, heldout.misses
    assert heldout.good["disguise_builtin"] >= 24, heldout.misses
    assert heldout.good["disguise_own"] >= 16, heldout.misses
    assert heldout.good["lookalike_kept_plain"] == heldout.total["lookalike_kept_plain"], heldout.misses


def test_dev_split_stays_where_it_was_tuned(dev: Score) -> None:
    # After the changes: 5/76 look-alikes blocked (unchanged tree 16/76); disguises 31/32
    # built-in (27/32 before; 薇信号 still crossed by 信号) and 20/20 own (16/20 before).
    assert dev.blocked() <= 5, dev.misses
    assert dev.good["disguise_builtin"] >= 31, dev.misses
    assert dev.good["disguise_own"] == dev.total["disguise_own"], dev.misses


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("蔡徐坤 牛逼", False),  # a gap typed after the name: 牛逼 modifies nothing
        ("蔡徐坤 好帅", False),
        ("带节奏狗又来了", False),  # 狗 after a word is chat's name for a kind of person
        ("蔡徐坤打篮球", False),  # 打|篮球 is a verb and its object, not a noun modified
        ("纯纯的才鸡", False),  # an adverb before a bare noun is no grammar: a swapped 菜
        ("这才鸡贼", True),  # 才 before an adjective: ordinary grammar
        ("屏幕下面那行小黑字是啥", True),  # 小|黑字: an adjective and a word of its own
        ("小嘿子又来了", False),  # the swapped character stands alone
        ("小黑子弹打光了快换枪", True),  # 小黑|子弹: two words of their own run on
        ("杂.种.玉.米.产.量.高", True),  # spaced between every character: no gap after
    ],
)
def test_own_words(own: Moderator, text: str, kept: bool) -> None:
    assert own.check(text, use_model=False).kept is kept, text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("两个人聊了一夜情话", True),  # 一夜|情话 runs on, leaving 一夜 a word of its own
        ("百家乐官网", False),  # 百家|乐官 is no likelier reading
        ("找个一夜情人", False),  # a run-on word naming a person: whom a lure offers
        ("同城约炮吗", False),  # an entry running on (约炮) is no innocent word
        ("狼人杀你全家都会玩吗", True),  # 狼人杀 is a game
        ("天这么冷还耍单容易感冒", True),  # 耍单: a word of its own
        ("耍单日结", False),  # ... not before a pitch
        ("日你吗的", False),  # a question particle before 的 ends no sentence
        ("是你吗的确很强", True),
        ("贱仁闭嘴", False),  # an order to whoever is named
        ("da ma you huo", False),  # the pitch in pinyin
        ("冰du便宜出", False),  # sold cheap
        ("我奶奶终于学会加微信了", True),  # told as something done
        ("以前大家都加qq现在都用微信", True),
        ("都加微信领福利", False),  # a reward: a lure
        ("你们都加微信", False),  # told to the viewers
        ("加微信了解一下", False),
        ("加微信", False),
        ("英语里do sth for sb怎么用", True),  # a dictionary's notation
        ("你就是个sb", False),
    ],
)
def test_builtin_words(own: Moderator, text: str, kept: bool) -> None:
    assert own.check(text, use_model=False).kept is kept, text


def test_lexicon_lists_an_entrys_everyday_senses(tmp_path: Path) -> None:
    """``~word senses...``: a streamer's file lists the everyday senses of its own word."""
    words = tmp_path / "words.txt"
    words.write_text("带节奏\n~带节奏 歌 鼓手 音乐\n", encoding="utf-8")
    mod = Moderator.from_config(BrainConfig(sentiment_model=False, banned_word_files=[str(words)]))
    assert mod.check("这首歌特别带节奏", use_model=False).kept
    assert not mod.check("别带节奏了", use_model=False).kept
    assert mod.check("外挂字幕不同步", use_model=False).kept  # the shipped ~外挂 line
    assert not mod.check("王者外挂便宜卖", use_model=False).kept
    assert mod.explain("音乐很带节奏").hits[0].void.startswith("带节奏 beside 音乐")
