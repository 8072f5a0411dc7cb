# ruff: noqa: E501  (long literal lists of test sentences)
"""Build the fourth fresh labelled moderation sets, harder than the team's own:
tests/data/moderation_fresh4_dev.tsv and moderation_fresh4_heldout.tsv
(``python -m tests.data.build_moderation_fresh4``).

Written by hand, before the code was scored on them, after outsiders' sets showed where
look-alikes still get blocked: (a) a sound-alike formed across two ordinary words (the end
of one, the start of the next: 个月|跑步 sounds 约炮), (b) a banned string across a word
jieba's dictionary lacks (game, hobby and brand words: 预约|炮姐, 平台|独占), (c) a contact
cue before an app, a product or an amount, not an id (加 20000 金币, line friends), (d) an
insult word used literally about things (卤猪头肉, 杂种玉米), (e) a person's given name that
sounds like an entry (易烨卿, 范彤). Each family also has disguised lines of the same sounds
and strings used as real insults and contacts, so a rule that just stops matching shows.
Checked new with ``grep -F -x`` over tests/data. Same columns as the third sets:
``expect kind source word text``; each family alternates line by line between dev (tuned
on) and held-out (scored once, at the end).
"""

from __future__ import annotations

from tests.support.fresh_split import alternate, write

# The streamer's own words (config banned_words): none is in the older sets.
OWN_WORDS = ["饭桶", "猪头", "废柴", "死宅", "狗腿", "白痴", "蠢货", "小丑", "键盘侠", "clown"]

# fmt: off
# Innocent look-alikes: "kind|source|word|text".
LOOKALIKES = [
    # (a) a sound-alike across two ordinary words
    "across|builtin|约炮|这个月跑了三次马拉松", "across|builtin|约炮|上个月跑步减了五斤", "across|builtin|脑残|烦恼餐厅排队太久",
    "across|builtin|脑残|热闹餐馆人好多", "across|builtin|色情|画面颜色清晰多了", "across|builtin|色情|这件衣服颜色青一块",
    "across|builtin|傻逼|秒杀必须手快", "across|builtin|傻逼|抹杀必然的结局", "across|builtin|赌博|孤独搏斗的勇士",
    "across|builtin|裸聊|心情失落聊聊天吧", "across|builtin|裸聊|他忙着张罗聊天群", "across|builtin|百家乐|你明白家乐福在哪吗",
    "across|own|饭桶|吃完饭通宵打游戏", "across|own|饭桶|做饭同时听歌", "across|own|猪头|祝投票顺利",
    "across|own|猪头|下次住头等舱", "across|own|废柴|别浪费材料了", "across|own|废柴|交了学费才能进",
    "across|own|死宅|公司债券跌了", "across|own|死宅|我的意思摘要里写了", "across|own|狗腿|人手足够推塔了",
    "across|own|狗腿|钱足够退房吗", "across|own|白痴|他不明白吃亏是福", "across|own|白痴|讲明白迟早的事",
    "across|own|蠢货|青春火锅店开业", "across|own|蠢货|早春货架上新了", "across|own|小丑|借酒消愁愁更愁",
    "across|own|小丑|好笑臭豆腐真香", "across|own|键盘侠|看见盘下面有只猫",
    # (b) a banned string across a word jieba's dictionary lacks (jargon, brands)
    "jargon|builtin|约炮|预约炮姐手办", "jargon|builtin|约炮|预约炮塔皮肤", "jargon|builtin|外挂|在野外挂机一晚上",
    "jargon|builtin|外挂|额外挂载一块硬盘", "jargon|builtin|刷单|今天刷单抽还是十连", "jargon|builtin|刷单|别刷单刷了直接十连",
    "jargon|builtin|台独|这是平台独占游戏", "jargon|builtin|台独|后台独立进程", "jargon|builtin|藏独|宝藏独立游戏推荐",
    "jargon|builtin|藏独|收藏独角兽皮肤", "jargon|builtin|大麻|来份大麻薯", "jargon|builtin|大麻|买了根大麻花",
    "jargon|builtin|毒品|病毒品种变异了", "jargon|builtin|脑残|电脑残像一直闪", "jargon|builtin|脑残|电脑残血关机了",
    "jargon|builtin|外围女|场外围女生好多", "jargon|builtin|加微信|这能增加威信", "jargon|builtin|加薇|加薇娅粉丝团",
    "jargon|builtin|杂种|夹杂种子的面包", "jargon|builtin|操你|早操你去了吗", "jargon|builtin|操你|广播体操你会跳吗",
    "jargon|builtin|援交|声援交警同志", "jargon|builtin|色情|血色情缘是个老游戏", "jargon|builtin|色情|本色情深这首歌",
    # (c) a contact cue before an app, a product, an activity or an amount
    "cue|builtin|私聊加|私聊加密了吗", "cue|builtin|私聊加|私聊加载好慢", "cue|builtin|加微信|加微信读书会员",
    "cue|builtin|加qq|他给qq音乐加了歌单", "cue|builtin|加qq|加qq飞车车队", "cue|-|contact_id|line friends的布朗熊好可爱",
    "cue|-|contact_id|line webtoon上的漫画", "cue|-|contact_id|今晚玩v rising吗", "cue|-|contact_id|卫星 starlink 信号不错",
    "cue|-|contact_id|wechat moments里看到了", "cue|-|contact_id|我用qq browser看的", "cue|-|contact_id|加 20000 金币",
    "cue|-|contact_id|任务奖励加100000经验", "cue|-|contact_id|手机 10000 毫安充电宝", "cue|-|contact_id|粉丝群 10000 人了",
    "cue|-|contact_id|加 99999 攻击力", "cue|-|contact_id|电话 打了 12345 次都没通", "cue|-|contact_id|私聊功能被关了",
    # (d) an insult word used literally about things
    "literal|builtin|废物东西|把家里的废物东西清理一下", "literal|builtin|废物东西|废物东西要分类回收", "literal|builtin|杂种|杂种玉米产量高",
    "literal|builtin|杂种|这是杂种狗不是纯种", "literal|builtin|畜生|牧场的畜生要喂了", "literal|builtin|畜生|畜生也要打疫苗",
    "literal|builtin|bitch*|the bitch had six puppies", "literal|builtin|bitch*|our bitch won best in show", "literal|own|猪头|卤猪头肉真香",
    "literal|own|猪头|庙会上挂着猪头面具", "literal|own|饭桶|饭桶里没饭了", "literal|own|饭桶|食堂的饭桶很大",
    "literal|own|小丑|马戏团的小丑表演", "literal|own|小丑|小丑鱼好可爱", "literal|own|狗腿|狗腿骨折了去宠物医院",
    "literal|own|狗腿|狗腿上有块伤", "literal|own|clown|the circus clown juggled", "literal|own|clown|clown fish in the tank",
    # (e) a person's given name that sounds like an entry
    "name|builtin|一夜情|易烨卿今天来了", "name|builtin|一夜情|易叶青同学好", "name|builtin|六合彩|柳鹤才老师好",
    "name|builtin|六合彩|刘荷彩也来了", "name|builtin|百家乐|柏嘉乐今天生日", "name|builtin|百家乐|白佳丽和白嘉乐",
    "name|builtin|色情|瑟卿学姐好", "name|builtin|裸聊|洛廖同学来了", "name|builtin|傻逼|沙必良老师好",
    "name|builtin|赌博|杜博文同学好", "name|own|饭桶|范彤来了", "name|own|饭桶|范同学姐好",
    "name|own|废柴|费才老师好", "name|own|键盘侠|简盼霞也在看", "name|own|小丑|肖筹老板好",
    "name|own|白痴|白驰今天来了", "name|own|猪头|朱投老师讲课",
    # others: a word of its own, and grammar
    "word|own|死宅|私宅被盗了", "word|own|白痴|白吃白喝的人", "word|own|废柴|废材料回收",
    "word|own|蠢货|纯获利一百万", "word|own|狗腿|构图很好", "word|own|小丑|消愁的酒",
]

# Disguised banned lines of the same words, sounds and cues: "kind|source|word|text".
DISGUISES = [
    "plain|own|饭桶|你就是个饭桶", "plain|own|猪头|主播是猪头吧", "plain|own|废柴|废柴主播下播", "plain|own|死宅|死宅滚出去",
    "plain|own|狗腿|你个狗腿子", "plain|own|白痴|白痴主播", "plain|own|蠢货|蠢货闭嘴", "plain|own|小丑|这主播纯小丑",
    "plain|own|键盘侠|键盘侠又来了", "plain|own|clown|what a clown", "spaced|own|饭桶|饭 桶 一个", "spaced|own|白痴|白 痴 吧你",
    "pinyin|own|猪头|zhu tou zhu bo", "pinyin|own|蠢货|chun huo", "homophone|own|饭桶|你个饭筒", "homophone|own|键盘侠|键盘虾滚",
    "homophone|own|狗腿|苟腿子", "homophone|own|废柴|你个废材", "homophone|own|小丑|主播小仇",
    "homophone|builtin|约炮|同城月炮", "homophone|builtin|脑残|你真闹残", "homophone|builtin|色情|色青网站",
    "homophone|builtin|傻逼|杀币主播", "homophone|builtin|六合彩|六盒彩开奖", "homophone|builtin|百家乐|百佳乐平台",
    "homophone|builtin|一夜情|找一叶情", "homophone|builtin|赌博|堵博网站推荐", "homophone|builtin|裸聊|罗聊加我",
    "homophone|builtin|海洛因|海络因便宜卖", "homophone|builtin|外挂|外卦出售", "plain|builtin|约炮|这个月约炮三次",
    "plain|builtin|外挂|野外开外挂了", "plain|builtin|台独|支持台独", "plain|builtin|大麻|卖大麻的来了",
    "plain|builtin|杂种|你这个杂种", "plain|builtin|畜生|你个畜生", "plain|builtin|废物东西|主播真是个废物东西",
    "plain|builtin|bitch*|shut up bitch", "plain|builtin|私聊加|私聊加我", "plain|builtin|加微信|加微信领皮肤",
    "plain|builtin|加qq|加qq领福利", "plain|builtin|加薇|加薇领取", "plain|builtin|刷单|刷单兼职一单五十",
    "plain|builtin|操你|操你祖宗十八代", "plain|builtin|色情|色情直播间",
    "plain|builtin|赌博|孤独就去赌博", "plain|builtin|傻逼|秒杀你个傻逼", "plain|builtin|一夜情|求一夜情",
    "plain|builtin|援交|学生援交",
]

# Contact details offered with the same cues: "kind|text"; blocked or scrubbed in chat.
CONTACTS = [
    "line_id|line: kitty_520", "qq_num|加 qq 87654321", "v_id|v rising88 加我", "wechat_id|wechat moments_9981",
    "group_num|粉丝群 8765432", "phone_cue|手机 13987654321", "amount_id|加 85236974", "tg_id|tg: dealer_2025",
]
# fmt: on


def rows() -> list[tuple[str, list[str]]]:
    return alternate(DISGUISES, LOOKALIKES, CONTACTS, lambda kind, source: source)


def main() -> None:
    write("fresh4", rows())


if __name__ == "__main__":
    main()
