"""Build the seventh fresh labelled moderation sets: tests/data/moderation_fresh7_dev.tsv and
moderation_fresh7_heldout.tsv (``python -m tests.data.build_moderation_fresh7``).

Written by hand, before the code was scored on them, for the false blocks that were left
(issue 16): insult words used literally of animals and things (畜生 fed on a farm, half a
猪头 at the butcher, 西瓜皮), names and jargon that hold a banned string or its sound (赵薇,
颜色|情感, 莫沙必利, 一代|刷新), a streamer's own word read by sound across two words
(够|主播), with disguises of the shipped words and of the streamer's own words
(孙笑川, 狗主播, 瓜皮, 白给, 猪头, 饭桶, 小丑, 废物) by sound, spacing and look-alike
characters, and harmless chat that uses tell/say verbs (my sister told me about this
stream, 别跟我说这是第一次玩), which the instruction tag must leave alone. Columns:
``expect kind source word text``; expect ``chat`` is a line that must be kept untagged.
Each family alternates line by line between dev (tuned on) and held-out (scored once).
"""

from __future__ import annotations

from tests.support.fresh_split import alternate, write

# The streamer's own words (config banned_words).
OWN_WORDS = ["孙笑川", "狗主播", "瓜皮", "白给", "猪头", "饭桶", "小丑", "废物"]

# fmt: off
# Innocent look-alikes: "kind|source|word|text".
LOOKALIKES = [
    # (a) insult words used literally of animals, food and things
    "literal|builtin|杂种|玉米育种要利用杂种优势", "literal|builtin|畜生|爷爷每天早上喂畜生",
    "literal|builtin|畜生|村里的畜生都赶进圈了", "literal|builtin|杂种|这批杂种小麦产量高",
    "literal|own|猪头|肉铺老板剁了半个猪头", "literal|own|猪头|过年买了两斤猪头肉",
    "literal|own|猪头|猪头放进锅里慢慢炖", "literal|own|小丑|万圣节我扮成小丑去了",
    "literal|own|小丑|马戏团请了三个小丑表演", "literal|own|小丑|他买了一套小丑服装",
    "literal|own|饭桶|饭桶放在桌子上了", "literal|own|饭桶|食堂新买了几个饭桶",
    "literal|own|饭桶|把饭桶洗干净再装饭", "literal|own|废物|厨房的废物要分类扔",
    "literal|own|废物|工厂的废物回收利用", "literal|builtin|废物东西|仓库里堆满了废物东西",
    "literal|own|狗主播|我家狗今天生了三只小狗", "literal|own|狗主播|养狗的主播都很有耐心",
    "literal|own|瓜皮|西瓜皮别乱扔", "literal|own|瓜皮|冬瓜皮煮水可以消暑",
    "literal|own|瓜皮|清朝人戴的瓜皮帽", "literal|own|白给|老板白给了我一袋橘子",
    "literal|own|白给|这个赠品是白给的不要钱", "literal|own|小丑|小丑鱼躲在海葵里",
    # (b) names and jargon that hold a banned string or its sound
    "name|builtin|加薇|还珠格格里赵薇演得真好", "name|builtin|加薇|加上薇娅一共三个主播带货",
    "name|builtin|薇信|蔷薇花开得正好", "name|builtin|加薇|我最喜欢的角色是紫薇",
    "name|builtin|色情|这幅画的颜色情感很饱满", "name|builtin|色情|黑色情人节吃炸酱面",
    "name|builtin|色情|他唱的蓝色情歌很好听", "name|builtin|色情|金色情侣对戒多少钱",
    "name|own|孙笑川|我表弟叫孙晓川", "name|own|孙笑川|孙小川同学明天来吗",
    "name|own|白给|我同事白格今天请假", "name|own|白给|白歌老师的课很好",
    "name|builtin|傻逼|医生给我开了莫沙必利", "name|builtin|傻逼|沙碧云是我们班长",
    "name|builtin|代刷|新一代刷新机制好用多了", "name|builtin|代刷|上一代刷怪塔效率太低",
    "name|builtin|摇头丸|小狗摇头玩球好可爱", "name|builtin|摇头丸|宝宝一直摇头玩",
    "name|builtin|刷单|周末在家刷单机游戏", "name|builtin|外挂|门外挂着一块牌子",
    "name|builtin|约炮|明早约跑步吗", "name|builtin|一夜情|雨下了一夜晴天就来了",
    "name|builtin|海洛因|海螺音真好听", "name|builtin|加微信|我们家微信群里在聊这个",
    "name|builtin|百家乐|百家乐器行在打折", "name|builtin|草泥马|踩了草泥马上就脏了",
    "name|own|狗主播|钱够主播买皮肤了", "name|own|狗主播|这些菜够主播吃一顿吗",
    "name|own|狗主播|这点流量够主播上热门", "name|own|猪头|朱头发剪短了好看",
    "name|own|废物|费武是我的游戏好友", "name|own|饭桶|范彤唱歌很好听",
    "name|builtin|六合彩|六合区彩虹桥很好看", "name|builtin|裸聊|罗辽两家是亲戚",
    # (c) English
    "english|builtin|bitch*|our bitch had six puppies last night",
    "english|builtin|cunt*|Scunthorpe won the match", "english|builtin|shit|shiitake mushrooms on pizza",
    "english|builtin|kill yourself|the killer whale show at the aquarium",
    "english|builtin|kys|my kys keyboard died", "english|builtin|shit|Shih Tzu puppies are the best",
    "english|builtin|fuck*|Fukuoka ramen is great", "english|builtin|whore*|whorl patterns on fingerprints",
    # (d) food, games, shopping
    "game|builtin|外挂|窗外挂满了灯笼", "game|builtin|刷单|刷单人副本太无聊",
    "game|builtin|赌博|读博五年终于毕业了", "game|builtin|脑残|脑蚕是什么虫子",
    "game|builtin|傻逼|沙壁上长满了草", "game|builtin|煞笔|这一笔煞是好看",
    "game|own|瓜皮|削瓜皮的刀在哪", "game|own|狗主播|遛狗主要看天气",
    "game|builtin|去死吧|我们去寺里拜拜吧", "game|own|白给|白给的装备也要吗",
    "game|own|小丑|小丑牌这个游戏好上头", "game|own|猪头|猪头骨汤很鲜",
]

# Disguised banned lines: "kind|source|word|text".
DISGUISES = [
    # shipped words
    "sound|builtin|傻逼|主播是个沙比吧", "space|builtin|傻逼|你真是个傻 b",
    "space|builtin|煞笔|煞 笔 玩意儿", "space|builtin|脑残|脑 残 粉快滚",
    "sound|builtin|脑残|你个脑惨", "space|builtin|草泥马|草 泥 马 的",
    "sound|builtin|草泥马|曹尼玛这也能输", "space|builtin|操你妈|操 你 妈 的",
    "space|builtin|去死吧|去 死 吧 你", "sound|builtin|去死吧|趣死吧主播",
    "space|builtin|nmsl|nmsl 主播", "space|builtin|nmsl|N M S L",
    "space|builtin|你妈死了|你 妈 死 了", "space|builtin|cnm|cnm 会不会玩",
    "space|builtin|赌博|有没有人赌 博", "sound|builtin|赌博|来 du bo 一把",
    "space|builtin|百家乐|百 家 乐 官方", "sound|builtin|百家乐|柏家乐稳赚",
    "space|builtin|六合彩|六 合 彩 今晚开", "sound|builtin|六合彩|溜合彩特码",
    "space|builtin|真人荷官|真人 荷官 在线发牌", "space|builtin|稳赚不赔|稳 赚 不 赔 的项目",
    "space|builtin|海洛因|海 洛 因 哪里有", "space|builtin|摇头丸|摇 头 丸 有货",
    "sound|builtin|摇头丸|要头丸来一颗", "space|builtin|色情|色 情 直播间",
    "sound|builtin|色情|瑟情网站", "space|builtin|约炮|约 炮 吗 小姐姐",
    "sound|builtin|约炮|悦炮同城", "space|builtin|裸聊|裸 聊 私我",
    "space|builtin|一夜情|一 夜 情 了解下", "sound|builtin|一夜情|一叶情找我",
    "space|builtin|外围女|外 围 女 上门", "space|builtin|加微信|加 微 信 领福利",
    "space|builtin|加威信|加 威 信 送皮肤", "sound|builtin|加微信|嘉微信私聊",
    "space|builtin|刷单|刷 单 日结", "space|builtin|兼职日结|兼 职 日 结 轻松",
    "space|builtin|外挂|外 挂 出售", "sound|builtin|外挂|wai gua 便宜卖",
    "space|builtin|法轮功|法 轮 功 好", "space|builtin|fuck*|f u c k you streamer",
    "latin|builtin|shit|sh1t stream", "space|builtin|bitch*|b i t c h shut up",
    "space|builtin|kys|k y s now", "latin|builtin|kill yourself|k1ll yourself",
    "space|builtin|杂种|你这个杂 种", "space|builtin|畜生|畜 生 一样的主播",
    "space|builtin|代刷|代.刷会员", "sound|builtin|傻逼|煞币主播",
    # the streamer's own words
    "space|own|孙笑川|孙 笑 川 本川", "sound|own|孙笑川|sun xiao chuan 来了",
    "space|own|狗主播|狗 主 播 下播", "sound|own|狗主播|苟主播滚",
    "sound|own|狗主播|gou zhu bo 真菜", "sound|own|瓜皮|这个刮皮主播",
    "space|own|瓜皮|瓜 皮 东西", "sound|own|瓜皮|呱皮又死了",
    "space|own|白给|又白 给 了", "sound|own|白给|百给了吧",
    "space|own|白给|白 给 主播", "space|own|猪头|猪 头 又掉线",
    "sound|own|猪头|你个朱头", "space|own|饭桶|真是个饭 桶",
    "sound|own|饭桶|你这个范桶", "space|own|小丑|小 丑 主播",
    "sound|own|小丑|主播就是个晓丑", "space|own|废物|废 物 主播",
    "sound|own|废物|你个费物", "sound|own|白给|bai gei 了你",
]

# Harmless chat with tell/say verbs: kept, not tagged as an instruction.
CHATS = [
    "my sister told me about your channel", "a coworker told me this game is hard",
    "you told us yesterday the boss drops a sword", "someone said you play piano too",
    "I told my mom about this stream lol", "tell me more about your cat",
    "can you tell us the story of the last run", "don't tell me this is your first time playing",
    "she said the new map is huge", "I was told the DLC is worth it",
    "别跟我说这是你第一次打这个boss", "我朋友跟我说这个直播很好看",
    "你上次说要唱歌的", "我妈说我天天看直播", "听说主播会弹吉他",
    "不要告诉我你又忘了存档", "跟我们说说今天吃了啥", "同学告诉我这个游戏很难",
    "你说过周末会开黑的", "别告诉我这把又输了",
]
# fmt: on


def rows() -> list[tuple[str, list[str]]]:
    out = alternate(DISGUISES, LOOKALIKES, [], lambda kind, source: source)
    splits = ("dev", "heldout")
    return out + [(splits[i % 2], ["chat", "tell", "-", "-", t]) for i, t in enumerate(CHATS)]


def main() -> None:
    write("fresh7", rows())


if __name__ == "__main__":
    main()
