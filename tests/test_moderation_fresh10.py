"""The tenth fresh labelled sets (tests/data/moderation_fresh10_{dev,heldout}.tsv, built by
tests/data/build_moderation_fresh10.py before the code was scored on them): banned entries
used in their plain sense (他妈的手机 = his mom's phone, 畜生 of farm animals, SB in a sneaker
line, TMD the jaw joint, "don't kill yourself over a game", ranked points 上分下分, how to
add a WeChat friend in a game, a viewer's daily-paid job) and the same entries as abuse or
lures, plain and disguised. Run through ``cohost moderate`` in a subprocess with the sets'
own words (tests/support/fresh3_score.py). Tuned on the dev split only; the held-out split
is gated at the figure it reached when scored once at the end. Figures:
tests/data/moderation_fresh10_scores.txt. Unit tests below pin each rule
(agent/brain/senses.py, the farm verbs of agent/brain/literal.py) and the abuse each must
keep blocking."""

from __future__ import annotations

from collections import Counter

import pytest

from agent.brain.moderation import Moderator
from agent.config import BrainConfig
from tests.support.fresh3_score import Score, kept_kinds, new_lines, smallest, split_fixtures

heldout, dev = split_fixtures("fresh10")


@pytest.fixture(scope="module")
def builtin() -> Moderator:
    return Moderator.from_config(BrainConfig(sentiment_model=False))


def test_sets_are_new_big_enough_and_split() -> None:
    least = Counter({"kept": 18, "blocked:builtin": 18, "blocked:own": 3})
    assert smallest("fresh10") >= least
    assert kept_kinds("fresh10") >= {"kinship", "animal", "latin", "english", "game"}
    assert new_lines("fresh10") == []


def test_heldout_where_it_was_scored(heldout: Score) -> None:
    # Scored once after the changes: 4/18 look-alikes blocked (他妈的老家, 他妈的手艺: no owner
    # before 他妈的; 稳赚不赔 twice: a family left alone); unchanged tree 13/18. Disguises
    # 18/18 built-in and 3/3 own, as before.
    assert heldout.blocked() <= 4, heldout.misses
    for group in ("disguise_builtin", "disguise_own"):
        assert heldout.good[group] == heldout.total[group], heldout.misses


def test_dev_split_stays_where_it_was_tuned(dev: Score) -> None:
    # After the changes: 1/18 look-alikes blocked (我同学他妈的生日: jieba tags 生日 a time
    # word, and the curse stands before times); unchanged tree 15/18. Disguises 17/18
    # built-in (上分下分秒到账: 分秒 crosses the entry, as before) and 3/3 own.
    assert dev.blocked() <= 1, dev.misses
    assert dev.good["disguise_builtin"] >= dev.total["disguise_builtin"] - 1, dev.misses
    assert dev.good["disguise_own"] == dev.total["disguise_own"], dev.misses


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("我室友他妈的公司倒闭了", True),  # a person owns the mother, a noun follows
        ("老王他妈的房子拆迁了", True),  # a nickname (老|王) owns her
        ("他妈的男朋友是个厨师", True),  # a relative of hers
        ("队友他妈的又送了", False),  # before an adverb and a verb: the curse
        ("主播他妈的男朋友", False),  # said of the streamer
        ("你他妈的房子", False),  # after "you"
        ("他妈的网又卡了", False),  # nobody owns the mother
        ("队友他妈的技术太烂", False),  # a teammate, an opponent: whom game chat curses at
        ("对面他妈的装备太好了", False),
    ],
)
def test_kinship(builtin: Moderator, text: str, kept: bool) -> None:
    assert builtin.check(text, use_model=False).kept is kept, text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("我家里以前养畜生卖钱", True),  # raised, like livestock
        ("天黑前把畜生全赶回去", True),  # herded back
        ("养你这个畜生有什么用", False),  # said to someone
        ("这个畜生又来直播间捣乱", False),
    ],
)
def test_livestock(builtin: Moderator, text: str, kept: bool) -> None:
    assert builtin.check(text, use_model=False).kept is kept, text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("don't kill yourself farming gold all night", True),
        ("you should never kill yourself for views", True),
        ("no need to kys, the next run will go fine", True),
        ("why don't you kill yourself", False),  # "you" between the negation and the order
        ("why dont kys", False),  # a question that urges it
        ("go kill yourself", False),
        ("kys", False),
        ("k y s streamer", False),
    ],
)
def test_negated_self_harm(builtin: Moderator, text: str, kept: bool) -> None:
    assert builtin.check(text, use_model=False).kept is kept, text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("the new sb dunk colorway is sick", True),  # a sneaker line
        ("耐克sb滑板鞋好穿吗", True),
        ("physio said my tmd flares up when I clench my jaw", True),  # the jaw joint, in English
        ("你就是个sb 穿nike也没用", False),  # said of someone
        ("sb主播买不起nike", False),  # said of the streamer
        ("you are sb nike", False),
        ("tmd 这下巴疼死了 jaw", False),  # Chinese: tmd is the curse's initials
        ("tmd lag again", False),  # no other sense here
    ],
)
def test_initialism_other_sense(builtin: Moderator, text: str, kept: bool) -> None:
    assert builtin.check(text, use_model=False).kept is kept, text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("段位赛上分下分跟坐过山车一样", True),  # ranked points
        ("这赛季排位上分下分好累", True),  # ranked points
        ("排位上分下分找我代打", False),  # a service offer
        ("上分下分 排位 加v", False),  # a contact cue
        ("手游里怎么加微信好友", True),  # how the feature works
        ("怎么加微信好友领红包", False),  # a reward: a lure
        ("加微信好友领福利", False),
        ("你做的那个兼职日结吗", True),  # the viewer's own job
        ("你想兼职日结吗", False),  # a pitch
        ("你的兼职日结吗加我", False),  # not the end of the message
        ("兼职日结一天两百", False),
    ],
)
def test_game_and_job_terms(builtin: Moderator, text: str, kept: bool) -> None:
    assert builtin.check(text, use_model=False).kept is kept, text
