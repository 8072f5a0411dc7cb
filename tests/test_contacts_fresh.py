"""Contact lines of the fresh set (tests/data/contacts_fresh_*.tsv, issue 16 item 3): accounts on
other platforms with their cue (抖音号, 小红书号, instagram, snapchat, whatsapp, telegram @) and
a cue spelled apart before an id spelled apart (微 信 号 ： a b c 6 6 8 8), through the chat
filter and the check on the bot's own sentences; and the innocent lines that name the apps."""

from __future__ import annotations

import pytest

from agent.brain.contacts import find_contacts
from agent.brain.moderation import Moderator
from tests.support.fresh_sets3 import CONTACTS, measure_contacts
from tests.support.trust import CFG


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator.from_config(CFG)


# Contacts let through: dev tuned to 0 (11/15 before the rules). The held-out half, scored once
# on first sight of the rules: 2/14 (8/14 before): "ig: @nina.cooks" (ig was no cue) and
# "加我whatsapp 0044 7911 123456" (14 digits: a cue counted before at most 12). Rules for those
# followed (ig before its glue, up to 15 digits), checked on a probe written before them (5/7
# passed before, 0/7 after); the held-out half is then 0/14, no longer blind. No innocent line
# dropped, scrubbed or refused in any part, before or after.
PASSED_AT_MOST = {"dev": 0, "heldout": 0, "probe": 0}


@pytest.mark.parametrize("part", list(CONTACTS))
def test_contacts_are_caught_and_innocent_lines_kept(moderator: Moderator, part: str) -> None:
    found = measure_contacts(CONTACTS[part], moderator)
    print(found.line(part), found.passed, found.flagged)
    assert found.contacts >= 7 and found.innocent >= 7
    assert len(found.passed) <= PASSED_AT_MOST[part], found.passed
    assert not found.flagged, found.flagged


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("抖音号 dy_gamer88 关注一下", "抖音号 dy_gamer88"),  # another platform's account, cued
        ("我抖音号是 38276451", "抖音号是 38276451"),  # its number
        ("小红书号 9527001", "小红书号 9527001"),
        ("小红书搜 momo_cat22", "小红书搜 momo_cat22"),
        ("instagram: mike_plays", "instagram: mike_plays"),
        ("dm me on insta @bob.fit", "insta @bob.fit"),  # a handle with a dot
        ("snap: kevin_2k", "snap: kevin_2k"),
        ("snapchat id jess0521", "snapchat id jess0521"),
        ("wechat id is luna_0909", "wechat id is luna_0909"),  # English glue words
        ("whatsapp +44 7700 900123", "whatsapp +44 7700 900123"),
        ("微 信 号 ： q w e 1 2 3 4", "微 信 号 ： q w e 1 2 3 4"),  # cue and id spelled apart
        ("扣 扣 号 ： a b 9 8 7 6", "扣 扣 号 ： a b 9 8 7 6"),
        ("ig: @mia.runs", "ig: @mia.runs"),  # ig before its glue
        ("ins @bob 关注下", "ins @bob"),  # a handle with its @: any length
        ("telegram: @kiki", "telegram: @kiki"),
        ("whatsapp +49 1512 3456789", "whatsapp +49 1512 3456789"),  # 13 digits after a cue
    ],
)
def test_accounts_on_other_platforms_and_spelled_apart(moderator: Moderator, text: str, found: str) -> None:
    hits = find_contacts(text)
    assert [h.kind for h in hits] == ["contact_id"]
    assert hits[0].text == found
    assert moderator.banned_in(text) == "contact:contact_id"  # never said by the bot either
    assert not moderator.check(text, use_model=False).kept


@pytest.mark.parametrize(
    "text",
    [
        "ins风的装修真好看",  # the apps named, no account
        "抖音上看到的主播",
        "oh snap 这波操作",
        "snap 一下就过去了",
        "instagram 滤镜那种感觉",
        "抖音 100000 播放",  # an amount after a weak cue
        "抖音粉丝 120000",
        "line is broken",  # an English glue word is no sign of an id
        "v is awesome",
        "instant replay please",  # ins inside a word
        "ig theshy666 太强了",  # ig without its glue: a team
        "oh snap @bob lol",  # snap without its colon: a viewer greeted
        "比赛编号 1234567890123",  # a long number with no cue
        "@主播 加油",
        "我游戏id是 DarkKnight007",  # a game id, no contact cue
        "第 3 把 7 杀 12 助攻",
        "微 信 支付能用吗",  # a cue spelled apart, no id
    ],
)
def test_innocent_lines_name_no_contact(moderator: Moderator, text: str) -> None:
    assert find_contacts(text) == []
    assert moderator.banned_in(text) is None
