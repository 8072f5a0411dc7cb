"""The people in the demo room and the Room that records what they do, for tools/make_demo_room.py.

``Room`` collects typed events at stream times and sorts them into the lines of the
recording; ``Cast`` holds the named viewers the scripted scenes need.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Literal

from agent.events import Danmaku, Enter, Event, Gift, Like, StreamerVoice, Transcript, to_dict

WALL_START = 1764000000.0
PLATFORM = "bilibili"
MEDAL = "天命团"  # the streamer's fan medal


@dataclass(frozen=True)
class Viewer:
    uid: str
    uname: str
    medal_level: int = 0
    guard_level: int = 0
    user_level: int = 10


_NAMES = [
    "不吃香菜的猫",
    "夜雨听风",
    "月下独酌",
    "摸鱼小能手",
    "天命人一号",
    "大圣归来了",
    "铁头娃",
    "芝士就是力量",
    "一只小咸鱼",
    "今天也要加油鸭",
    "熬夜冠军",
    "奶茶三分糖",
    "路过的打工人",
    "起床困难户",
    "柠檬精本精",
    "快乐肥宅水",
    "凌晨三点的月亮",
    "云游四海",
    "西瓜太郎",
    "番茄炒蛋",
    "吃瓜群众甲",
    "阿狸不是狐狸",
    "碎碎念",
    "星河滚烫",
    "风吹麦浪",
    "山海不可平",
    "小透明",
    "白给大师",
    "手残党",
    "钢铁直男",
    "无敌暴龙战士",
    "蛋黄酥",
    "可乐加冰",
    "橘子汽水",
    "桃桃乌龙",
    "晚风",
    "清风徐来",
    "黑猫警长",
    "小熊软糖",
    "广智救我",
    "定身术大师",
    "葫芦娃",
    "土豆泥",
    "薯条不加番茄酱",
    "路人甲",
    "章鱼小丸子",
    "南瓜粥",
    "豆浆油条",
    "早睡早起",
    "喵了个咪",
    "北极熊不怕冷",
    "加班到深夜",
    "周末去爬山",
    "锅包肉",
    "火锅底料",
    "三分钟热度",
    "键盘侠克星",
    "电子榨菜",
    "学习使我快乐",
    "咕咕咕",
    "棍来",
]


def _viewers(rng: random.Random) -> list[Viewer]:
    out = []
    for name in _NAMES:
        uid = str(rng.randint(10_000_000, 3_999_999_999))
        medal = rng.choice((0, 0, 0, 3, 5, 8, 12, 15, 21))
        out.append(Viewer(uid, name, medal_level=medal, user_level=rng.randint(3, 40)))
    return out


class Room:
    """Collects events at stream times; ``lines()`` sorts them into the recording."""

    def __init__(self, seed: int = 20241120) -> None:
        self.rng = random.Random(seed)
        self.crowd = _viewers(self.rng)  # ordinary viewers, picked at random
        self.by_name = {v.uname: v for v in self.crowd}
        self.events: list[tuple[float, int, Event]] = []
        self.ids: set[str] = set()

    def viewer(self, name: str = "") -> Viewer:
        return self.by_name[name] if name else self.rng.choice(self.crowd)

    def add_viewer(self, viewer: Viewer) -> Viewer:
        self.by_name[viewer.uname] = viewer
        return viewer

    def msg_id(self) -> str:
        while True:
            value = f"{self.rng.getrandbits(64):016x}"
            if value not in self.ids:
                self.ids.add(value)
                return value

    def at(self, t: float, event: Event) -> None:
        self.events.append((round(t, 3), len(self.events), event))

    def say(
        self, t: float, text: str, who: Viewer | str = "", *, emoticon: bool = False, reply_to: str = ""
    ) -> None:
        v = who if isinstance(who, Viewer) else self.viewer(who)
        self.at(
            t,
            Danmaku(
                platform=PLATFORM,
                msg_id=self.msg_id(),
                uid=v.uid,
                uname=v.uname,
                text=text,
                guard_level=v.guard_level,
                medal_name=MEDAL if v.medal_level else "",
                medal_level=v.medal_level,
                user_level=v.user_level,
                emoticon=emoticon,
                reply_to=reply_to,
            ),
        )

    def gift(self, t: float, who: str, name: str, count: int, price: float = 0.0, combo: str = "") -> None:
        v = self.viewer(who)
        gift_ids = {"小心心": 30607, "辣条": 1, "牛哇牛哇": 31531, "告白气球": 31216, "打call": 31039}
        self.at(
            t,
            Gift(
                platform=PLATFORM,
                msg_id=self.msg_id(),
                uid=v.uid,
                uname=v.uname,
                gift_name=name,
                gift_id=gift_ids[name],
                count=count,
                price=price,
                paid=price > 0,
                combo_id=combo,
            ),
        )

    def user(self, t: float, action: Literal["enter", "follow", "share"], who: str = "") -> None:
        v = self.viewer(who)
        self.at(t, Enter(platform=PLATFORM, uid=v.uid, uname=v.uname, action=action))

    def like(self, t: float, count: int, who: str = "") -> None:
        v = self.viewer(who)
        self.at(t, Like(platform=PLATFORM, uid=v.uid, uname=v.uname, count=count))

    def streamer(self, start: float, end: float, text: str) -> None:
        self.at(start, StreamerVoice(speaking=True))
        self.at(end, Transcript(text=text, final=True, language="zh"))
        self.at(end + 0.35, StreamerVoice(speaking=False))

    def lines(self) -> list[str]:
        out = []
        last = -1.0
        for t, _, event in sorted(self.events, key=lambda item: (item[0], item[1])):
            mono = max(t, round(last + 0.001, 3))  # strictly increasing, even for same-time events
            last = mono
            row = {"type": event.type, "mono": mono, "wall": round(WALL_START + mono, 3)}
            row.update({k: v for k, v in to_dict(event).items() if k != "type"})
            out.append(json.dumps(row, ensure_ascii=False))
        return out


@dataclass(frozen=True)
class Cast:
    """The viewers the script names; ordinary ones are picked at random by ``Room.viewer()``."""

    boss: Viewer
    captain: Viewer
    fan: Viewer
    spammer: Viewer
    laugher: Viewer
    hater: Viewer
    adman: Viewer
    dealer: Viewer
    hacker: Viewer
    jailbreaker: Viewer
    sc_user: Viewer
    new_captain: Viewer

    @classmethod
    def join(cls, room: Room) -> Cast:
        """Adds every named viewer to ``room`` (no randomness is drawn)."""
        add = room.add_viewer
        return cls(
            boss=add(Viewer("3493118", "猴哥的金箍棒", medal_level=21, guard_level=2, user_level=45)),
            captain=add(Viewer("1728394056", "晚安月亮", medal_level=16, guard_level=3, user_level=31)),
            fan=add(Viewer("402958117", "天命人小王", medal_level=12, guard_level=3, user_level=22)),
            spammer=add(Viewer("3546712233", "求关注的小号", user_level=2)),
            laugher=add(Viewer("1987665432", "笑点低的人", medal_level=3, user_level=15)),
            hater=add(Viewer("3311029384", "路过的杠精", user_level=4)),
            adman=add(Viewer("3600217755", "彩金福利官", user_level=1)),
            dealer=add(Viewer("3600219988", "夜场老刘", user_level=1)),
            hacker=add(Viewer("2233445566", "script_kiddie", user_level=6)),
            jailbreaker=add(Viewer("1357924680", "提示词工程师", user_level=18)),
            sc_user=add(Viewer("598214733", "手残但不服输", medal_level=8, user_level=27)),
            new_captain=add(Viewer("2871650943", "深夜放毒的胖虎", medal_level=10, user_level=29)),
        )
