"""Names of fresh set 4 (tests/data/names_fresh4_*.tsv, issue 16 item 5): contacts and links,
orders to the streamer or the room, rumours about them, insults about the staff and the
viewers, sentences, pinyin and initialisms, through the real brain; and the rules of
``agent.brain.name_room`` that refuse them, each with names it must leave alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.brain.moderation import Moderator
from agent.brain.name_room import room_talk
from agent.brain.name_words import letters
from agent.brain.names import NameGuard, NameRisk
from agent.brain.normalize import forms
from tests.support import names_sets
from tests.support.trust import CFG

DATA = Path(__file__).resolve().parent / "data"
NAMES = {part: DATA / f"names_fresh4_{part}.tsv" for part in ("dev", "heldout", "probe", "blind")}


@pytest.fixture(scope="module")
def guard() -> NameGuard:
    return NameGuard(Moderator.from_config(CFG))


# Hostile names said or shown. Before name_room: dev 19/35, held-out 18/35 (scored once, on
# the untouched code). Tuned on dev to 0/35; the held-out half, scored once after: 3/35
# (给爷唱首歌: an order with no one named; 主播长得像猴: a likeness; 今天不播了大家散了吧: a
# notice). Rules for those three kinds followed, checked on a probe written before them
# (10/12 said before, 0/12 after); the held-out half is then 0/35, no longer a blind figure.
# No harmless name refused in any part (dev 0/38, held-out 0/38, probe 0/12), before or after.
# A blind part written after every rule above and scored once (never tuned on): 9/20 said and
# 0/20 refused on the code before name_room; 3/20 said (Unsubscribe_Now_Lol: an order with no
# object; 场控是个马屁精 and 礼物都被主播私吞了: words the classes lack) and 1/20 refused
# (ModsAreHeroes_fan: praise, but a sentence about the mods) after.
SAID_AT_MOST = {"dev": 0, "heldout": 0, "probe": 0, "blind": 3}
REFUSED_AT_MOST = {"dev": 0, "heldout": 0, "probe": 0, "blind": 1}


@pytest.mark.parametrize("part", list(NAMES))
def test_hostile_names_are_not_said_and_harmless_ones_are(guard: NameGuard, part: str) -> None:
    names_sets.check_part(part, NAMES[part], guard.moderator, SAID_AT_MOST[part], REFUSED_AT_MOST[part])


# Names of the dev half that were said before name_room, each a kind of name.
FIXED = {
    "t·me/freegift": NameRisk.CONTACT,  # a middle dot for the host's dot
    "主播快去洗碗": NameRisk.ORDER,  # someone in the room hurried
    "主播给我跳个舞": NameRisk.ORDER,
    "大家快去隔壁直播间": NameRisk.ORDER,
    "quit_streaming_now": NameRisk.ORDER,  # quit, leave, go watch...
    "GoWatchSomeoneElse": NameRisk.ORDER,
    "gtfo_noob_host": NameRisk.ORDER,
    "主播已婚有娃": NameRisk.CLAIM,  # a rumour: what happened to them
    "主播被封过号": NameRisk.CLAIM,
    "主播今天喝醉了": NameRisk.CLAIM,
    "这里的礼物都是假的": NameRisk.CLAIM,  # all of them at once
    "弹幕全是小学生": NameRisk.CLAIM,
    "streamer_has_a_wife": NameRisk.CLAIM,  # a subject and a verb
    "ModsAreSellouts": NameRisk.CLAIM,
    "房管都是狗": NameRisk.CLAIM,
    "管理员滥用职权": NameRisk.INSULT,  # the staff and an abuse of power
    "MF_streamer": NameRisk.INSULT,  # an initialism beside the streamer
    "主播唱歌跑调难听死了": NameRisk.INSULT,  # a performance run down
}


@pytest.mark.parametrize("name", list(FIXED))
def test_fixed_names_are_refused_for_their_kind(guard: NameGuard, name: str) -> None:
    assert guard.risk(name) == FIXED[name]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("楼上的都是水军", "claim"),
        ("up主其实是男的", "claim"),
        ("场控偏心", "insult"),
        ("水友真蠢", "insult"),
        ("家人们赶紧取关", "order"),
        ("zhubo shi laji", "insult"),
        ("lajifangguan", "insult"),
        ("stop streaming", "order"),
        ("the mods are sleeping", "claim"),
        ("给老子笑一个", "order"),  # the speaker exalted, an order with no one named
        ("主播长得像土豆", "insult"),  # a likeness
        ("本直播间今晚停播", "order"),  # a notice: the room told to leave
        ("给你一朵小红花", ""),
        ("主播像个小太阳", ""),
        ("散步的猫", ""),
        ("主播辛苦了", ""),  # thanks, not news
        ("主播过生日快乐", ""),
        ("主播快乐", ""),
        ("水友小李", ""),
        ("房管们辛苦啦", ""),
        ("主播的二号粉丝", ""),
        ("观众123", ""),
        ("HostFanClub", ""),
        ("BigFanOfTheMods", ""),
        ("KeepCalmAndGame", ""),
        ("DontStopMeNow", ""),
        ("zhuboyang", ""),
    ],
)
def test_room_talk_reads_orders_rumours_and_abuse(name: str, said: str) -> None:
    found = forms(name)
    assert room_talk(name, found.compact, letters(name)) == said
