"""What a viewer's question is about, as a subject id (not the room's topic: that is
``topics.py``): 下播 / 关播 / 播到几点 / when do you end are one subject (``stream_end``),
灵敏度 / dpi / sens another. Signals of folding's learned pair decision
(``agent/brain/fold_model.py``): two questions naming one subject lean together, two each
naming one the other does not lean apart; and a group member on the newcomer's subject is
no chain for ``meaning.FLOOR``.

Why a table: multilingual-e5-small scores many real paraphrases of chat low (灵敏度多少 /
dpi开的多少 0.29, 这首bgm叫什么 / 现在放的什么歌 0.20, 是什么区 / what server 0.01),
because it does not know that chat's words for one thing (bgm, dpi, 配装, 脱单, 露脸) name
it; and no maintained resource in the environment maps them (jieba's dictionary gives
words and frequencies, not synonyms; pypinyin and opencc give sounds and scripts). The
subjects are the everyday things a live-stream chat asks about (the stream's schedule, the
streamer, gear, the game being played, the channel), each with chat's Chinese and
English words for it. They were first written as a list of stream-chat concepts, not from
test sentences; then a few the dev sets showed missing were added, each as the general
concept (weather, deaths, achievements, patch, 加速器). Unlike ``agent/shared/slots.py`` a
subject never vetoes a fold: sharing one is evidence, not proof (主播养猫吗 / 主播怕猫吗
are both about pets), and two subjects can name one question (这英雄出什么装备: a
character and a build), so their weights are fitted like the other signals'.

Matched on ``asking.plain`` (lowered, 啥 -> 什么, 咋 -> 怎么); English words on word
boundaries.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["SUBJECTS", "subjects"]

_STREAMER = r"(?:主播|你|zb|up主)"
# (subject, pattern). Chinese words first, then English.
SUBJECTS: tuple[tuple[str, str], ...] = (
    # the stream's schedule
    (
        "stream_end",
        r"下播|关播|播到几点|播到什么时候|几点结束|什么时候结束|结束直播|直播.{0,3}结束|收工|下线"
        r"|\bend(?:ing)? (?:the |your )?stream|\bstop streaming|\bget(?:ting)? off\b|\bending\b",
    ),
    (
        "stream_start",
        r"开播|几点播|什么时候播|几点开(?!始玩)|什么时候开始直播|开始直播|几点直播"
        r"|\bgo(?:ing)? live\b|\b(?:are|r) (?:you|u) live\b|\bstart(?:ing)? (?:the |your )?stream"
        r"|\bstream starts?\b|\bwhen (?:do|will) (?:you|u) (?:usually )?stream\b",
    ),
    (
        "stream_length",
        r"播了?多久|播几个小时|播了?(?:多少|几)个?小时|播了?多长|直播多长时间|播到很晚"
        r"|\bhow long (?:are|will|do) you (?:stream|be on)"
        r"|\bhow long (?:have|has) (?:you|u|the stream) been (?:live|streaming|on)\b",
    ),
    (
        "schedule",
        r"每天都播|一周播几天|每周播|播几天|直播时间表|固定时间|(?:周|星期|礼拜)(?:几|[一二三四五六日天]?休息)|哪天|休息日|不播"
        r"|周末|周[六日]|(?:星期|礼拜)[六日天]"
        r"|\bschedule\b|\bstream every\b|\bdays? off\b|\bweekends?\b|\bsaturdays?\b|\bsundays?\b",
    ),
    ("vod", r"回放|录播|录像|重播|切片|\bvods?\b|\breplay\b|\brecording\b|\bhighlights?\b"),
    # the streamer
    ("age", rf"几岁|年龄|年纪|岁数|哪年出生|几几年|{_STREAMER}(?:今年)?多大|\bhow old\b|\bage\b"),
    ("height", r"多高|身高|个子|一米|1米\d|\d{3} ?(?:cm|公分)|\bhow tall\b|\bheight\b"),
    ("weight", r"多重|体重|几斤|多少斤|\bweigh"),
    (
        "hometown",
        r"哪里人|哪的人|哪儿的人|老家|哪个省|是哪里的|是哪儿的|哪国人|家乡"
        r"|\bwhere (?:are|r) (?:you|u) from\b|\bhometown\b",
    ),
    ("residence", r"住哪|住在|在哪个城市|现在在哪|人在哪|坐标|\bwhere do (?:you|u) live\b|\blive in\b"),
    (
        "relationship",
        r"女朋友|男朋友|对象|单身|脱单|恋爱|结婚|老婆|老公|\b[gb]f\b|girlfriend|boyfriend|\bsingle\b|dating|married",
    ),
    ("pet", r"宠物|猫|狗|小动物|\bpets?\b|\bcats?\b|\bdogs?\b"),
    (
        "job",
        r"工作|上班|全职|兼职|专职|主业|副业|职业|做什么的|干什么的|\bjob\b|\bwork\b(?! ?out)|full[- ]?time",
    ),
    (
        "streaming_career",  # how or since when the streamer streams at all, not today's stream
        r"入行|当主播|做主播|(?:开始|当初|怎么想到).{0,2}(?:做|搞|来)?直播|走上.{0,4}路"
        r"|\bget into streaming\b|\bstart(?:ed)? streaming\b|\bbeen streaming\b",
    ),
    ("zodiac", r"星座|[羊牛蟹狮秤蝎羯瓶鱼]座|\bzodiac\b|\bstar sign\b"),
    ("exercise", r"健身|锻炼|运动|撸铁|身材|\bwork ?out\b|\bgym\b|\bexercise\b"),
    ("smoking", r"抽烟|吸烟|烟民|电子烟|\bsmok(?:e|ing)\b|\bvape\b"),
    ("school", r"学生|上学|大学|读书|专业|毕业|\bstudent\b|\bschool\b|college|universit"),
    ("meal", r"吃饭|吃了|晚饭|午饭|早饭|吃的什么|吃什么|外卖|\bdinner\b|\blunch\b|\beat(?:en|ing)?\b"),
    # 几点休息 is sleep, 周几休息 / 哪天休息 a day off (the schedule)
    ("sleep", r"睡觉|睡了|熬夜|几点睡|失眠|(?<![几一二三四五六日天])休息|上床|\bsleep|\bbed\b"),
    ("dialect", r"口音|方言|哪里话|\baccent\b"),
    ("languages", r"英语|英文|日语|韩语|粤语|外语|\b(?:speak|english|japanese|korean)\b"),
    ("birthday", r"生日|几月几号出生|\bbirthday\b"),
    ("drink", r"喝的?什么|喝啥|在喝|饮料|\bdrink"),
    ("mood", r"心情|开心吗|难过|\bfeeling\b|\bmood\b"),
    ("weather", r"天气|冷不冷|热不热|多少度|下雨|下雪|\bweather\b|\bcold\b|\bhot\b|\braining\b"),
    ("health", r"感冒|生病|嗓子|身体|发烧|\bsick\b|\bill\b|\bvoice\b"),
    ("facecam", r"摄像头|露脸|开脸|真人|\bface ?cam|\bwebcam\b|\bcam\b|\bface\b"),
    ("avatar", r"皮套|立绘|头像|\bavatar\b|\bvtuber\b|\bmodel\b"),
    # gear
    ("keyboard", r"键盘|[青红茶黑银]轴|什么轴|\bkeyboard|\bswitches\b"),
    ("mouse", r"鼠标(?!垫)|\bmouse\b(?! ?pad)"),
    ("mousepad", r"鼠标垫|\bmouse ?pad\b"),
    ("sensitivity", r"灵敏度|dpi|鼠标速度|\bsens(?:itivity)?\b"),
    ("headset", r"耳机|\bheadphones?\b|\bheadset\b"),
    ("mic", r"麦克风|麦(?!当)|\bmic(?:rophone)?\b"),
    ("pc", r"配置|显卡|cpu|处理器|主机|电脑|\bpc\b|\bspecs?\b|\brig\b|\bgpu\b"),
    ("screen", r"显示器|屏幕|带鱼屏|的屏|这屏|刷新率|赫兹|\d*hz\b|\bmonitor\b|\bscreen\b|\brefresh rate\b"),
    ("controller", r"手柄|\bcontroller\b|gamepad"),
    ("phone", r"手机|安卓|苹果|\bios\b|\bmobile\b|\bphone\b"),
    ("chair", r"椅子|电竞椅|\bchair\b"),
    ("glasses", r"眼镜|近视|\bglasses\b"),
    ("clothes", r"衣服|外套|卫衣|裤子|鞋|\bshirt\b|hoodie|jacket|\bshoes\b"),
    ("stream_tech", r"推流|码率|obs|画质|清晰度|\bbitrate\b|\bquality\b"),
    ("lag", r"(?<![显信银门会饭])卡(?!关|住了?关|片|牌)|掉帧|延迟|\blag|\bping\b|\bfps\b|\bbuffer"),
    ("vpn", r"加速器|梯子|翻墙|\bvpn\b"),
    # the game being played
    (
        "game_name",
        r"什么游戏|游戏名|游戏叫|哪个游戏|哪款游戏|玩的什么$|玩什么$"
        r"|\bwhat game\b|\bwhich game\b|\bgame (?:is this|called)\b|name of (?:the|this) game",
    ),
    (
        "release",
        r"发售|发行|上市|(?:什么时候|哪年|哪一年)出的|新出的|\bcome out\b|\bcame out\b|\breleased?\b",
    ),
    (
        "player_count",  # how many can play it together, not whether a viewer can join
        r"几个?人|多少人.{0,3}(?:玩|联机)|最多.{0,3}人|\bhow many players\b|\bplayer count\b",
    ),
    (
        "play_hours",  # hours in the game, not in today's stream
        r"游戏时长|总时长|玩了?(?:多少|几百|几千)(?:个)?小时|几百小时"
        r"|\bhours (?:in|on|played)\b|\bhours do you have\b",
    ),
    ("rank", r"段位|几段|分段|几分(?!钟)|多少分|\brank|\belo\b|\bmmr\b"),
    ("difficulty", r"难度|\bdifficulty\b"),
    ("build", r"出装|配装|装备|出什么装|天赋|铭文|加点|\bbuild\b|\bloadout\b|\bgear\b"),
    ("server", r"服务器|区服|大区|哪个服|什么服|哪个区|什么区|\bservers?\b|\bregion\b"),
    ("character", r"角色|英雄|人物|\bcharacters?\b|\bhero\b|\bmains?\b"),
    (
        "first_time",
        r"第一次玩|第一次打|初见|(?:以前|之前)[玩打]过|[玩打]过这|新手"
        r"|\bfirst (?:time|playthrough)\b|\bblind\b|played (?:this|it) before",
    ),
    ("progress", r"第几关|打到哪|进度|几周目|第几章|\bchapter\b|\bhow far\b"),
    ("stuck", r"卡关|过不去|打不过|\bstuck\b"),
    ("deaths", r"死了?[几多]|挂了?[几多]|\bdied\b|\bdeaths?\b"),
    ("achievements", r"成就|白金|奖杯|\bachievements?\b|\btroph(?:y|ies)\b|\bplatinum\b"),
    ("patch", r"版本|补丁|新赛季|\bpatch\b|\bseason\b|\bdlc\b"),
    ("mod", r"模组|插件|\bmods?\b"),
    ("map", r"地图|\bmaps?\b"),
    ("skin", r"皮肤|\bskins?\b"),
    ("weapon", r"武器|枪|\bweapons?\b|\bguns?\b"),
    ("song", r"歌|bgm|背景音乐|音乐|\bsongs?\b|\bmusic\b"),
    ("sing", r"唱歌|唱首|唱一首|点歌|\bsing\b"),
    (
        "play_together",
        r"开黑|(?<!人)(?<!人可以)(?<!人能)一起玩|组队|带我|带带|上车|水友.{0,4}(?:进|玩|一起)|进.{0,3}房间|房间.{0,2}怎么进"
        r"|\bplay with\b|\bjoin (?:you|your|ur)\b|\bduo\b|\bqueue with\b",
    ),
    # the channel
    ("fan_badge", r"粉丝牌|灯牌|勋章|\bfan badge|\bbadges?\b"),
    ("fan_group", r"粉丝群|qq群|群号|加群|进群|粉丝团|\bdiscord\b|\bfan (?:group|club)\b"),
    ("giveaway", r"抽奖|开奖|福利|\bgiveaway\b|\braffle\b"),
    ("merch", r"周边|\bmerch\b"),
    ("streamer_name", r"(?:名字|id|昵称|网名).{0,3}(?:意思|含义|来的|由来)|为什么叫这个|\bname mean"),
    (
        "other_platform",
        r"抖音|微博|斗鱼|虎牙|快手|小红书|别的平台|其他平台|\byoutube\b|\btwitch\b|\btiktok\b"
        r"|\bstream anywhere else\b|\bother platforms?\b",
    ),
    ("uploads", r"更新|投稿|发视频|出视频|\bupload|\bnew video\b"),
)
_COMPILED = tuple((name, re.compile(pattern)) for name, pattern in SUBJECTS)


@lru_cache(maxsize=8192)
def subjects(lowered: str) -> frozenset[str]:
    """The subjects ``lowered`` (``asking.plain`` text) names; empty when it names none."""
    return frozenset(name for name, rule in _COMPILED if rule.search(lowered))
