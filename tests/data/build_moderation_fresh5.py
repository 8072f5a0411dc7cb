# ruff: noqa: E501  (long literal lists of test sentences)
"""Build the fifth fresh labelled moderation sets: tests/data/moderation_fresh5_dev.tsv and
moderation_fresh5_heldout.tsv (``python -m tests.data.build_moderation_fresh5``).

Written by hand, before the code was scored on them, after the fourth sets showed what
still fails: (a) an insult word used literally of an animal or a thing (杂种玉米, 狗腿骨折,
猪头面具, "the bitch had six puppies", "clown fish"), most of them a word heading the noun
it modifies or the subject of a predicate about bodies, food and farming, (b) a banned
string across a word jieba's dictionary lacks, (c) a given name that sounds like an entry
and stands before no title, (d) a sound-alike across two words, (e) a contact cue before an
app or an amount, (f) a word of its own. Each family has disguised lines of the same words
used as real insults (真傻逼, a homophone, a spaced or pinyin form), so a rule that simply
stops matching shows. Every text is checked new by ``tests.support.fresh_split.texts_elsewhere``.
Columns ``expect kind source word text``; each family alternates line by line between dev
(tuned on) and held-out (scored once, at the end).
"""

from __future__ import annotations

from tests.support.fresh_split import alternate, write

# The streamer's own words (config banned_words).
OWN_WORDS = ["狗腿", "猪头", "小丑", "饭桶", "草包", "蠢驴", "猪脑", "clown", "pig"]

# fmt: off
# Innocent look-alikes: "kind|source|word|text".
LOOKALIKES = [
    # (a) an insult word used literally of an animal or a thing
    "literal|builtin|杂种|杂种小麦抗病性强", "literal|builtin|杂种|杂种优势是遗传学概念", "literal|builtin|杂种|这只杂种猫很亲人",
    "literal|builtin|杂种|杂种水稻亩产八百斤", "literal|builtin|畜生|畜生吃的饲料涨价了", "literal|builtin|畜生|村里的畜生都赶回圈了",
    "literal|builtin|畜生|畜生棚要修一修", "literal|builtin|畜生|给畜生喂点草料", "literal|builtin|bitch*|the bitch nursed her litter",
    "literal|builtin|bitch*|a bitch in heat needs a quiet kennel", "literal|builtin|bitch*|that bitch gave birth to four pups", "literal|builtin|bitch*|our bitch is a golden retriever",
    "literal|own|狗腿|狗腿肿了要看兽医", "literal|own|狗腿|狗腿受伤走路一瘸一拐", "literal|own|狗腿|红烧狗腿是地方菜",
    "literal|own|猪头|猪头灯笼挂起来了", "literal|own|猪头|猪头骨炖汤", "literal|own|猪头|买了半个猪头",
    "literal|own|小丑|小丑面具做好了", "literal|own|小丑|小丑服装租一天五十", "literal|own|小丑|那个小丑玩偶好吓人",
    "literal|own|小丑|小丑气球飘走了", "literal|own|饭桶|饭桶盖子坏了", "literal|own|饭桶|饭桶放在桌上",
    "literal|own|猪脑|猪脑炖天麻", "literal|own|猪脑|火锅点一份猪脑", "literal|own|蠢驴|那头蠢驴又不肯走了",
    "literal|own|草包|草包装的苹果", "literal|own|clown|the clown car at the circus", "literal|own|clown|we bought a clown costume",
    "literal|own|clown|a clown loach in my aquarium", "literal|own|clown|the rodeo clown distracted the bull", "literal|own|pig|the pig ate all the corn",
    "literal|own|pig|a pig farm near the river",
    # (b) a banned string across a word jieba's dictionary lacks (jargon, brands)
    "jargon|builtin|色情|绯色情书是本小说", "jargon|builtin|色情|暮色情歌很好听", "jargon|builtin|赌博|孤独博主更新了",
    "jargon|builtin|赌博|独博士的新视频", "jargon|builtin|大麻|大麻团子三块钱", "jargon|builtin|大麻|老大麻辣烫开门了",
    "jargon|builtin|外挂|窗外挂着风铃", "jargon|builtin|外挂|门外挂号处排队", "jargon|builtin|刷单|刷单刷副本好累",
    "jargon|builtin|毒品|消毒品牌哪个好", "jargon|builtin|约炮|大约炮台那边有人", "jargon|own|饭桶|米饭桶装的便宜",
    "jargon|own|草包|稻草包装箱", "jargon|own|猪头|小猪头像好萌",
    # (c) a given name that sounds like an entry, before no title
    "name|builtin|傻逼|沙碧说她不来了", "name|builtin|傻逼|我同学叫沙必", "name|builtin|色情|瑟晴也在直播",
    "name|builtin|百家乐|柏佳乐说晚点到", "name|builtin|六合彩|刘禾才今晚开播", "name|builtin|一夜情|易叶晴唱得好",
    "name|own|饭桶|范通说明天见", "name|own|小丑|萧仇刚刚上线", "name|own|猪头|朱透发了动态",
    "name|own|草包|曹宝又迟到了", "name|own|蠢驴|春绿刚才说了", "name|own|猪脑|朱瑙转发了",
    # (d) a sound-alike across two words
    "across|builtin|傻逼|扼杀必要的争论", "across|own|猪头|相逐头条新闻", "across|own|饭桶|吃饭痛快",
    "across|own|小丑|笑丑照片", "across|own|蠢驴|春旅游季到了", "across|own|草包|操场包围圈",
    # (e) a contact cue before an app or an amount
    "cue|builtin|加微信|加微信运动排行", "cue|builtin|加qq|加qq邮箱附件", "cue|-|contact_id|攻击力加 30000",
    "cue|-|contact_id|血量 50000 了",
    # (f) a word of its own
    "word|own|草包|草包子好吃", "word|own|狗腿|狗腿蟹很肥", "word|own|猪头|猪头三是上海话",
    "word|own|小丑|小丑鱼的家在海葵里",
]

# Disguised banned lines of the same words and sounds: "kind|source|word|text".
DISGUISES = [
    "plain|builtin|傻逼|真傻逼这主播", "plain|builtin|傻逼|你真傻逼啊", "plain|builtin|杂种|杂种滚出直播间", "plain|builtin|杂种|你们这群杂种",
    "plain|builtin|畜生|畜生不如的东西", "plain|builtin|畜生|主播是畜生", "plain|builtin|bitch*|you dumb bitch", "plain|builtin|bitch*|the streamer is a bitch",
    "plain|own|狗腿|狗腿子又来舔了", "plain|own|狗腿|你就是老板的狗腿", "plain|own|猪头|猪头主播别播了", "plain|own|猪头|你这个猪头",
    "plain|own|小丑|小丑竟是我自己", "plain|own|小丑|主播像个小丑", "plain|own|饭桶|饭桶管理员", "plain|own|饭桶|一群饭桶",
    "plain|own|猪脑|你猪脑子吗", "plain|own|蠢驴|主播蠢驴一个", "plain|own|草包|草包一个", "plain|own|clown|you are a clown",
    "plain|own|clown|the streamer is a clown", "plain|own|pig|shut up pig", "homophone|own|狗腿|苟腿主播", "homophone|own|猪头|主播猪投",
    "homophone|own|小丑|你个小愁", "homophone|own|草包|你个曹包", "homophone|builtin|傻逼|沙币主播", "homophone|builtin|傻逼|你个傻币",
    "homophone|builtin|六合彩|六和彩开奖了", "homophone|builtin|六合彩|六禾彩内部资料", "homophone|builtin|色情|涩情直播", "homophone|builtin|赌博|读博平台上分",
    "spaced|own|猪头|猪 头 主播", "spaced|own|饭桶|饭.桶.一个", "spaced|builtin|杂种|杂 种 滚", "spaced|builtin|傻逼|傻 . 逼",
    "pinyin|own|草包|cao bao zhu bo", "pinyin|builtin|畜生|chu sheng zhu bo", "plain|builtin|六合彩|六合彩内幕", "plain|builtin|外挂|卖外挂的私聊",
]

# Contact details offered with the same cues: "kind|text"; blocked or scrubbed in chat.
CONTACTS = [
    "qq_num|加 qq 76543218", "wechat_id|加微信 mei_lily88", "phone_cue|电话 13876543219", "amount_id|加 96385274",
]
# fmt: on


def rows() -> list[tuple[str, list[str]]]:
    return alternate(DISGUISES, LOOKALIKES, CONTACTS, lambda kind, source: source)


def main() -> None:
    write("fresh5", rows())


if __name__ == "__main__":
    main()
