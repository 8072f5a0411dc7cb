"""Chat's words for one thing (麦 / 麦克风, 关播 / 下播, bgm / 背景音乐), and the time and
frame words knowledge matching reads around a question's objects.

``tags`` lets content words count as shared when they name the same thing in chat's words.
The table is ours, not a thesaurus's: general Chinese synonym dictionaries (Cilin, HowNet)
do not have streaming slang (下播, 水友, 房管, bgm, 上分), and the few dozen words that matter
here are easier to read and fix in one place. A member of two or more characters counts
inside a longer word (关播了 has 关播); one character or a Latin word only as the whole word.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["FRAME", "NOW", "SEQUENCE", "tags"]

# One line a group of words chat uses for one thing; the first word names the group.
_SYNONYMS = (
    "下播 关播 下线 结束 收工 播到 end ends finish",
    "开播 开始 上线 开 go live start starts",
    "直播 播 开播 stream streaming live",
    "游戏 game games playing play 玩 lol 英雄联盟",
    "麦克风 麦 话筒 声音 mic microphone",
    "背景音乐 bgm 音乐 歌 歌名 曲子 song music",
    "配置 电脑 显卡 cpu 处理器 内存 pc setup specs",
    "鼠标 mouse",
    "键盘 keyboard",
    "耳机 耳麦 headphones headset",
    "摄像头 相机 镜头 camera webcam",
    "声卡 soundcard",
    "多少钱 价格 价钱 贵 钱 price cost",
    "明天 明儿 明晚 tomorrow",
    "哪里人 老家 家乡 省 籍贯 城市 from hometown",
    "年龄 多大 几岁 岁 岁数 年纪 age old",
    "身高 多高 一米 个子 个头 height tall",
    "粉丝群 群 qq群 群号 discord",
    "段位 rank 排位 分",
    "位置 中单 上单 打野 辅助 下路 role lane",
    "休息 不播 放假 停播 day off",
    "哪天 周几 星期几 礼拜几 哪一天 which day",
    "以后 之后 将来 下次 下一个 下个 下一把 下一款 later next",
    "以前 之前 从前 上次 上一个 上个 上一把 before last",
    "回放 录播 重播 vod replay",
    "房管 管理 mod moderator",
    "规矩 规则 禁言 不能说 rules",
    "点歌 唱歌 sing",
    "一起 带粉 水友 组队 开黑 上分 联机 连麦 play with",
    "前期 开局 开荒 初期 早期 刚开始 early game",
)
# Time words that name no other time than the one an entry speaks of (the streamer's present
# and habits): 今晚播到几点 asks what 几点下播 answers, 明天玩什么游戏 does not ask 这是什么游戏.
NOW = frozenset(
    " ".join(
        (
            "今天 今晚 今日 现在 目前 平时 平常 一般 通常 每天 每晚",
            "天天 晚上 今年 最近 刚才 刚刚 等会 待会 这会 这次",
        )
    ).split()
)
# Nouns that say what kind of answer is wanted (a brand, a model, a name, a time), not what
# the question is about: 鼠标啥牌子 asks what 鼠标是什么型号 answers.
FRAME = frozenset(
    " ".join(
        (
            "牌子 品牌 型号 品种 名字 名称 时候 时间 地方 地点 东西 样子 类型 种类",
            "款式 款 型 哪款 哪种 技巧 诀窍 窍门 方法 办法 攻略",
        )
    ).split()
)
# "The next one", "the last one", "after this one" (打完这个), "the favourite one": another
# thing than the one being played or sung now; and the other times jieba tags as places (f):
# 以前玩什么游戏 and 最喜欢什么游戏 do not ask 这是什么游戏.
SEQUENCE = re.compile(
    r"[上下]一?[个把局款部首次场]|下下|以前|之前|以后|之后|将来|从前|[打玩播]完(?:这[个把局款部])?"
    r"|最(?:喜欢|爱|讨厌|擅长)"
)


def _groups() -> tuple[dict[str, frozenset[str]], list[tuple[str, str]]]:
    exact: dict[str, set[str]] = {}
    inside: list[tuple[str, str]] = []  # (member, group) for members found inside longer words
    for line in _SYNONYMS:
        members = line.split()
        group = members[0]
        for member in members:
            exact.setdefault(member, set()).add(group)
            if len(member) >= 2 and not member.isascii():
                inside.append((member, group))
    return {word: frozenset(groups) for word, groups in exact.items()}, inside


_EXACT, _INSIDE = _groups()


@lru_cache(maxsize=8192)
def tags(word: str) -> frozenset[str]:
    """The synonym groups ``word`` belongs to ("#下播"), or none."""
    found = set(_EXACT.get(word, ()))
    found.update(group for member, group in _INSIDE if member in word)
    return frozenset(f"#{group}" for group in found)
