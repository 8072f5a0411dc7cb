"""What a name says about the room (for ``agent.brain.names``): the streamer, the staff and the
viewers as the subject of a sentence. A name is read aloud inside a thank-you, so a name that
tells the room what to do, spreads a rumour or abuses someone in it makes the bot say so.

* ``order``: someone in the room hurried into doing something (主播快去洗碗, 大家赶紧去隔壁,
  主播给我跳个舞), and in English words an order to quit or leave (quit streaming now,
  go watch someone else, delete your channel) or an insult initialism (gtfo, kys, stfu); the
  speaker exalted (给老子笑一个, 劳资让你唱歌); a notice that the stream is over (大家散了吧).
* ``claim``: a rumour about someone in the room: what happened to them (主播被封过号,
  主播整过容, 这个频道快倒闭了), what they are (这直播间是录播, 主播的粉丝都是买的), or in
  English words a subject and a verb (streamer has a wife, mods are sellouts).
* ``insult``: the staff or the viewers beside a pejorative (房管都是狗, 楼上是弱智) or the
  staff beside an abuse of power (管理员滥用职权); someone likened to a beast (主播长得像土豆);
  the streamer's performance run down; an insult initialism beside someone in the
  room (MF streamer, wtf主播); and the same in pinyin (zhubo laji, zhuboshizhu).

Names that only name someone in the room (主播的二号粉丝, 水友小李, 房管们辛苦啦, HostFanClub,
BigFanOfTheMods) and imperatives about nobody in it (KeepCalmAndGame, DontPanic) say none of this.
"""

from __future__ import annotations

from agent.brain.name_words import PEJORATIVE, WRONGDOING
from agent.shared.leads import gated

__all__ = ["ROOM_PATTERNS", "room_talk"]

# Who is in the room (read on the match form: lower case, no spaces).
_STAFF = r"(?:房管|场控|超管|管理员?(?!学))"
_CROWD = r"(?:水友|粉丝|弹幕|楼上|楼下)"  # (not 观众: the name a platform gives the nameless, 观众123)
_HOST = r"(?:主播|播主|up主?)"
_ANYONE = rf"(?:{_HOST}|{_STAFF}|{_CROWD}|直播间|频道)"
# What no one wants to be likened to.
_BEAST = (
    r"猴|猩猩|狒狒|蛤蟆|癞蛤蟆|猪|狗|驴|猿|蟑螂|老鼠|苍蝇|蛆|鬼|僵尸|土豆|冬瓜|倭瓜"
    r"|煤球|乞丐|流浪汉|傻子|智障|弱智|哈士奇|二哈"
)
# The staff abused or accused, the viewers abused (the streamer: ``name_words.ABOUT_STREAMER_RE``).
_ROOM_ABUSE_RE = gated(
    rf"{_STAFF}[^的]{{0,6}}?(?:{PEJORATIVE}|{WRONGDOING}|滥用|滥权|乱封|乱禁|偏心|以权谋私)"
    rf"|(?:{PEJORATIVE}|{WRONGDOING}).{{0,2}}?{_STAFF}"
    rf"|{_CROWD}[^的]{{0,6}}?{PEJORATIVE}|{PEJORATIVE}.{{0,2}}?{_CROWD}"
    # The streamer's performance run down (主播唱歌跑调难听死了, 主播玩得辣眼睛).
    rf"|{_HOST}[^的]{{0,8}}?(?:难听|难看|跑调|走音|五音不全|车祸现场|辣耳朵|辣眼睛|污染耳朵|听不下去|看不下去)"
    # Likened to a beast or a lump (主播长得像土豆, 房管像只癞蛤蟆).
    rf"|{_ANYONE}[^的]{{0,4}}?像(?:个|只|头|条|一[个只头条])?(?:{_BEAST})"
    # An insult initialism beside the streamer or the staff.
    rf"|(?<![a-z])(?:wtf|mf|fk|fu|fck|fuk|pos)(?![a-z]).{{0,2}}?(?:{_HOST}|{_STAFF})"
)
# What happened to someone in the room, said as news: a passive, a past experience, a bad fate.
_FATE = (
    r"(?:倒闭|塌房|离婚|分手|破产|凉凉?了|跑路|退网|封号|翻车|喝醉|醉了|糊了|完蛋|坐牢|欠债|进局子"
    r"|整容|已婚|结婚了|有娃|有孩子|有老婆|有老公|有对象|怀孕|出柜)"
)
_RUMOUR_RE = gated(
    rf"{_ANYONE}[^的]{{0,6}}?{_FATE}"
    rf"|{_ANYONE}[^的]{{0,4}}?被(?![窝子褥单套])"
    rf"|{_ANYONE}[^的]{{1,5}}?(?<![天要来想年])过(?![来去年节生日的])"
    r"|欠我"
    # What they are, or all of them at once (直播间是录播, 粉丝都是买的, 这里的礼物都是托).
    rf"|^(?:这个?|那个?|本|你们?的?)?(?:{_HOST}|直播间|频道)(?:的.{{0,3}}?)?(?:都|全|全都|全部|就|其实|根本)?是"
    rf"|(?:{_ANYONE}|礼物|这里).{{0,4}}?(?:都|全|全都|全部)是"
)
# Someone in the room hurried into doing something (马上有钱, 赶紧睡觉的猫: no one is).
_HURRY = r"(?:给我|给爷|给老子|快点?|赶紧|马上|立刻|立马|速度|速速|必须)(?![乐递手活哉])"
_ORDER_RE = gated(
    rf"(?:{_HOST}|{_STAFF}|你|大家|所有人|兄弟们|家人们|各位)(?:都|也|们)?{_HURRY}."
    # What the speaker exalted as the room's elder wants done (给老子笑一个, 劳资让你唱歌).
    r"|给(?:爷|老子|劳资|本大爷|大爷|本宫|朕)(?!们)|(?:老子|劳资|本大爷|朕)(?:让|叫|命令|要)你"
    # A notice that the stream is over: the room told to leave (主播不播了都走吧, 大家散了).
    r"|停播|不播了|下播了|(?:大家|都|全都)(?:散了|走吧|撤了|别看)|散了吧|别看了"
)
# In English words (a name's joined words read spaced, lower case).
_SUBJECT_EN = (
    r"(?<![a-z])(?:(?:the|this|ur|your|all|all\s+the|these)\s+)?"
    r"(?:streamer|host|mods?|moderators?|admins?|bot|chat|viewers?|stream|channel|content|everyone)"
)
_CLAIM_EN = gated(
    rf"{_SUBJECT_EN}\s+(?:is|are|r|was|were|has|had|got|gets|never|always|isnt|cant|lies|lied|cheats|cheated"
    r"|stole|steals|owes|uses|used|bought|buys|sucks?|faked?|married|dating)(?![a-z])"
)
_ORDER_EN = gated(
    r"(?<![a-z])(?:go\s+)?(?:quit|stop|delete|unfollow|unsub(?:scribe)?|uninstall|leave|close|end|ban|report|block"
    r"|mute|kick|shut\s+down|get\s+off|go\s+watch)\s+(?:(?:your|ur|this|the|that)\s+)?(?:stream(?:ing|er)?|channel"
    r"|host|bot|account|chat|guy|yourself|him|her|some(?:one|body)\s+else|another|other)(?![a-z])"
    r"|(?<![a-z])shut\s*up\s+(?:the\s+)?(?:streamer|host|bot|mods?|noob|chat)(?![a-z])"
    r"|(?<![a-z])(?:kys|gtfo|stfu|gfy|smd)(?![a-z])"
)
# An insult initialism before someone in the room (MF streamer, fk the mods).
_INITIALISM_EN = gated(
    r"(?<![a-z])(?:wtf|mf|fk|fu|fck|fuk|pos)\s+(?:the\s+|ur\s+|your\s+)?(?:streamer|host|bot|mods?|admins?|chat)(?![a-z])"
)
# Pinyin, letters run together: someone in the room and a pejorative, either way round.
_PINYIN_WHO = r"(?:zhubo|fangguan|guanliyuan|shuiyou|upzhu)"
_PINYIN_BAD = r"(?:laji|lese|shabi|sabi|ruozhi|zhizhang|naocan|feiwu|pianzi|baichi|hundan|wangba|erbai)"
_PINYIN_RE = gated(
    rf"{_PINYIN_WHO}(?:shi|zhen|tai|hen|jiushi|zhenshi|zuishi|ge|yige)*(?:{_PINYIN_BAD}|zhu(?!b)|gou|chou|sb|nt|zz)"
    rf"|{_PINYIN_BAD}(?:de)?{_PINYIN_WHO}"
)
ROOM_PATTERNS = (
    _ROOM_ABUSE_RE,
    _RUMOUR_RE,
    _ORDER_RE,
    _CLAIM_EN,
    _ORDER_EN,
    _INITIALISM_EN,
    _PINYIN_RE,
)  # for the Screen


def room_talk(name: str, compact: str, letters: str) -> str:
    """What ``name`` (display form, or its joined words spaced; ``compact`` its match form,
    ``letters`` its Latin letters run together) says about the room: "order", "claim",
    "insult", or ""."""
    lowered = name.lower()
    if _ORDER_RE.search(compact) or _ORDER_EN.search(lowered):
        return "order"
    if _RUMOUR_RE.search(compact) or _CLAIM_EN.search(lowered):
        return "claim"
    if _ROOM_ABUSE_RE.search(compact) or _INITIALISM_EN.search(lowered) or _PINYIN_RE.search(letters):
        return "insult"
    return ""
