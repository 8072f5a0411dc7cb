"""A streamer's own word that names a person (a rival's name, a nickname) is never read as
a thing the next word is about (agent/brain/literal.py ``_names_things``): 阿飞哥真菜 and
吴小羊直播间 are said of the person, while an own word that is a noun of the language still
names the thing in 小丑面具."""

from __future__ import annotations

import pytest

from agent.brain.literal import _names_things
from agent.brain.moderation import Moderator
from agent.config import BrainConfig

OWN = ["阿飞哥", "吴小羊", "光头龙", "鸭脖直播", "小丑", "弱鸡"]


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator.from_config(BrainConfig(sentiment_model=False, banned_words=OWN))


@pytest.mark.parametrize(
    "text", ["阿飞哥真菜", "吴小羊直播间见", "光头龙粉丝都来了", "鸭脖直播平台福利多", "今天阿飞哥又来了"]
)
def test_a_name_before_a_noun_is_still_the_name(moderator: Moderator, text: str) -> None:
    assert not moderator.check(text).kept


@pytest.mark.parametrize("text", ["小丑面具挺吓人", "鸡场里那只弱鸡抢不到食"])
def test_an_own_noun_still_names_a_thing(moderator: Moderator, text: str) -> None:
    assert moderator.check(text).kept


def test_which_own_words_can_name_things() -> None:
    assert [w for w in [*OWN, "狗东西", "韭菜", "下饭主播", "卢本伟"] if _names_things(w)] == [
        "小丑",
        "弱鸡",
        "狗东西",
        "韭菜",
    ]
