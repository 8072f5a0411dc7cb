"""Starter-lexicon gaps: 外挂 (cheats) and WeChat lures in their dodge spellings are caught;
the ordinary chat that looks like them is kept."""

from __future__ import annotations

import pytest

from agent.brain.moderation import Moderator
from agent.config import BrainConfig


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator.from_config(BrainConfig(sentiment_model=False))


CHEATS = [
    "主播开外挂了吧",
    "有没有外挂卖",
    "外 挂",
    "外.挂",
    "卖外掛",  # traditional
    "wai gua",
    "waigua",
    "WaiGua便宜",
    "w-a-i-g-u-a",
    "W A I G U A",
    "开了个wai挂",
    "歪挂",  # homophone
    "这个老外挂了还开外挂",  # the allowed 老外 voids only the first match
]


@pytest.mark.parametrize("text", CHEATS)
def test_cheats_are_a_banned_topic(moderator: Moderator, text: str) -> None:
    verdict = moderator.check(text)
    assert (verdict.kept, verdict.reason, verdict.rule) == (False, "banned_word", "外挂")


LURES = [
    "加V",
    "加V私聊",
    "想要的加 V",
    "加Ｖ详聊",
    "加v：abc123",
    "加V信",
    "V信",
    "有V信吗",
    "v信搜abc123",
    "weixin",
    "主播有weixin吗",
    "ｗｅｉｘｉｎ",
    "加ｗｅｉｘｉｎ",
    "ｗｅｉｘｉｎ：abc123",
    "wei xin多少",
    "薇信",
    "加薇信",
    "薇信号abc123",
    "加威信",
    "威信：abc123",
    "威信号12345678",
    "vx abc123",
    "vx123456",
    "vx：wo8888a",
    "VX：abc_1234",
    "ｖｘ abc123",
    "私vx:abc123",
    "vx号 ab12cd",
    "vx搜abc123",
    "VX-abc123",
    "微信搜索 abc123",
]


@pytest.mark.parametrize("text", LURES)
def test_contact_lures_are_blocked(moderator: Moderator, text: str) -> None:
    verdict = moderator.check(text)
    assert not verdict.kept
    assert verdict.reason in {"banned_word", "contact_solicit"}


@pytest.mark.parametrize("text", ["vx abc123", "vx搜abc123", "微信搜索 abc123", "威信：abc123"])
def test_an_offered_id_is_scrubbed_from_the_shown_text(moderator: Moderator, text: str) -> None:
    verdict = moderator.check(text)
    assert (verdict.reason, verdict.rule) == ("contact_solicit", "contact_id")
    assert "abc" not in verdict.text and "[联系方式]" in verdict.text


HARMLESS = [
    "微信支付可以吗",
    "用微信付款",
    "微信群里说了",
    "我在微信搜索了一下游戏名",
    "主播微信多少",  # asking is not offering: kept, as before
    "挂外面晒一下",
    "衣服挂外面",
    "外面挂着",
    "窗外挂着灯笼",
    "老外挂了",
    "野外挂机被杀了",
    "这关卡挂了好几次",
    "外观好看",
    "外卖到了",
    "歪瓜裂枣",
    "主播威信扫地",
    "主播很有威信",
    "vx是什么",
    "vx好用吗",
    "V我50",
    "vivo手机",
    "加油",
    "加速器",
    "充值加vip有用吗",
    "参加VR活动",
    "又追加V社的游戏",
    "电视tv信号不好",
]


@pytest.mark.parametrize("text", HARMLESS)
def test_look_alike_chat_is_kept(moderator: Moderator, text: str) -> None:
    verdict = moderator.check(text)
    assert verdict.kept, (verdict.reason, verdict.rule)


@pytest.mark.parametrize(("text", "rule"), [("色情网站有吗", "色情"), ("卖赌博机", "赌博")])
def test_a_dictionary_compound_an_entry_heads_is_still_the_entry(
    moderator: Moderator, text: str, rule: str
) -> None:
    """jieba's dictionary holds 色情网站 and 赌博机 as single words; they are the entry.
    A few such compounds are innocent (外挂字幕): the lexicon lists the entry's everyday
    senses (``~外挂 字幕``), and the `!` escape hatch frees the rest."""
    assert moderator.check(text).rule == rule
    assert moderator.check("外挂字幕有吗").kept
    assert (
        Moderator.from_config(BrainConfig(sentiment_model=False, allowed_words=["大麻哈鱼"]))
        .check("大麻哈鱼有吗")
        .kept
    )


def test_the_bot_never_says_the_new_words(moderator: Moderator) -> None:
    assert moderator.banned_in("有人问外挂的事") == "外挂"
    assert moderator.banned_in("欢迎加V") == "加v"
    assert moderator.banned_in("微信支付可以") is None
