# ruff: noqa: E501  (long literal lists of test sentences)
"""Build the third fresh labelled moderation sets: tests/data/moderation_fresh3_dev.tsv and
moderation_fresh3_heldout.tsv (``python -m tests.data.build_moderation_fresh3``).

Written by hand, before the code was scored on them, with sentences, own words and
contacts the earlier sets never used (checked with ``grep -F -x`` over tests/data). Each
family below alternates line by line between the dev split (tuned on) and the held-out
split (scored once, at the end). Rows are tab-separated, the text last:
``expect kind source word text`` with expect ``blocked`` (a disguised banned word),
``kept`` (an innocent look-alike) or ``contact`` (blocked or scrubbed in chat, refused by
``Moderator.banned_in``); source ``builtin`` (the shipped lexicon) or ``own`` (OWN_WORDS in
config banned_words) or ``-``; word: the entry it is or looks like.
"""

from __future__ import annotations

from tests.support.fresh_split import alternate, write

# The streamer's own words (config banned_words): none is in the older sets.
OWN_WORDS = ["杠精", "舔狗", "水军", "狗托", "智商税", "剧透狗", "脑瘫", "喷子", "二五仔", "cringe", "toxic"]

# fmt: off
# Disguised banned words: "kind|source|word|text".
DISGUISES = [
    # the word in a sentence, plainly
    "plain|builtin|脑残|主播是个脑残吧", "plain|builtin|傻逼|这把又输了真傻逼", "plain|builtin|赌博|有没有一起赌博的",
    "plain|builtin|百家乐|想玩百家乐私我", "plain|builtin|稳赚不赔|稳赚不赔的项目了解一下", "plain|builtin|兼职日结|兼职日结三百块",
    "plain|builtin|摇头丸|卖摇头丸的又来了", "plain|builtin|裸聊|有人裸聊吗今晚", "plain|builtin|外挂|他肯定开了外挂",
    "plain|builtin|一夜情|寻一夜情的姐妹", "plain|own|杠精|又来个杠精", "plain|own|舔狗|主播的舔狗们来了",
    "plain|own|水军|弹幕全是水军", "plain|own|狗托|直播间一堆狗托", "plain|own|智商税|这玩意就是智商税",
    "plain|own|剧透狗|滚啊剧透狗", "plain|own|脑瘫|脑瘫主播下播吧", "plain|own|喷子|又是个喷子在叫",
    "plain|own|二五仔|你个二五仔", "plain|own|cringe|this is so cringe", "plain|own|toxic|such a toxic streamer",
    # spaced out
    "spaced|builtin|脑残|脑 残 主播", "spaced|builtin|百家乐|百 家 乐 开 了", "spaced|builtin|真人荷官|真 人 荷 官 在线发牌",
    "spaced|builtin|约炮|今晚 约 炮 吗 兄弟", "spaced|own|杠精|杠 精 退散", "spaced|own|舔狗|舔 狗 一个",
    "spaced|own|水军|水 军 刷屏了", "spaced|own|智商税|智 商 税 而已", "spaced|own|cringe|c r i n g e",
    "spaced|own|toxic|so t o x i c",
    # symbols between the characters
    "symbols|builtin|傻逼|傻#逼吧你", "symbols|builtin|六合彩|六/合/彩今晚开奖", "symbols|builtin|法轮功|法-轮-功好",
    "symbols|builtin|嫖娼|嫖~娼被抓了", "symbols|builtin|赌博|赌>博<网站", "symbols|own|狗托|狗.托滚出去",
    "symbols|own|二五仔|二-五-仔", "symbols|own|喷子|喷.子闭嘴", "symbols|own|toxic|t.o.x.i.c",
    "symbols|own|剧透狗|剧+透+狗",
    # filler characters, the known ones and others of the family
    "filler|builtin|色情|色の情片子", "filler|builtin|赌博|赌灬博网站", "filler|builtin|去死吧|去丶死丶吧",
    "filler|builtin|刷单|刷丨单兼职", "filler|builtin|外挂|外乄挂出售", "filler|builtin|约炮|约﹏炮吗",
    "filler|builtin|裸聊|裸ヅ聊", "filler|builtin|海洛因|海〆洛〆因", "filler|own|杠精|杠丶精",
    "filler|own|舔狗|舔の狗", "filler|own|水军|水丨军", "filler|own|狗托|狗灬托", "filler|own|脑瘫|脑乄瘫",
    "filler|own|智商税|智·商·税",
    # invisible characters
    "invisible|builtin|约炮|约\u200c炮", "invisible|builtin|赌博|来\u2063赌博", "invisible|builtin|色情|色\ufeff情主播",
    "invisible|builtin|傻逼|傻\u00ad逼", "invisible|own|水军|水\u200b军", "invisible|own|舔狗|舔\u2060狗",
    "invisible|own|二五仔|二\u200d五\u200d仔", "invisible|own|脑瘫|脑\u180e瘫",
    # traditional characters
    "traditional|builtin|赌博|賭博網站推薦", "traditional|builtin|百家乐|百家樂平臺", "traditional|builtin|外围女|外圍女上門",
    "traditional|builtin|恐怖袭击|恐怖襲擊", "traditional|builtin|兼职日结|兼職日結", "traditional|builtin|日赚千元|日賺千元不是夢",
    "traditional|own|杠精|槓精", "traditional|own|水军|全是水軍", "traditional|own|脑瘫|腦癱", "traditional|own|剧透狗|劇透狗",
    "traditional|own|喷子|噴子", "traditional|own|智商税|智商稅",
    # full-width letters
    "fullwidth|builtin|fuck*|ｆｕｃｋ ｙｏｕ", "fullwidth|builtin|kys|ｋｙｓ", "fullwidth|builtin|shit|ｓｈｉｔ ｇａｍｅ",
    "fullwidth|builtin|sb|ＳＢ主播", "fullwidth|own|cringe|ＣＲＩＮＧＥ", "fullwidth|own|toxic|ｔｏｘｉｃ",
    # homophones (entries matched by sound)
    "homophone|builtin|傻逼|纱比主播", "homophone|builtin|脑残|主播脑惨", "homophone|builtin|赌博|来堵博吗",
    "homophone|builtin|约炮|同城约泡", "homophone|builtin|色情|色晴视频", "homophone|builtin|裸聊|裸撩加我",
    "homophone|builtin|嫖娼|去嫖倡", "homophone|builtin|刷单|刷丹兼职", "homophone|builtin|法轮功|法轮攻好",
    "homophone|builtin|草泥马|草尼马的", "homophone|builtin|去死吧|主播去思吧", "homophone|builtin|海洛因|海洛音便宜",
    "homophone|builtin|摇头丸|卖摇头完", "homophone|builtin|稳赚不赔|稳赚不陪", "homophone|builtin|一夜情|一页情",
    "homophone|builtin|六合彩|六和彩开奖", "homophone|own|杠精|你个杠睛", "homophone|own|舔狗|添狗一个",
    "homophone|own|水军|全是睡军", "homophone|own|狗托|苟托滚", "homophone|own|智商税|交智商水",
    "homophone|own|剧透狗|巨透狗", "homophone|own|脑瘫|你个脑摊", "homophone|own|二五仔|二五崽",
    # pinyin, spaced, joined, with tone marks or tone digits, mixed with characters
    "pinyin|builtin|赌博|du bo wang zhan", "pinyin|builtin|去死吧|ni qu si ba", "pinyin|builtin|裸聊|luo liao ma",
    "pinyin|builtin|百家乐|bai jia le ping tai", "pinyin|own|杠精|ni shi gang jing", "pinyin|own|舔狗|tian gou yi ge",
    "pinyin|own|水军|dou shi shui jun", "pinyin|own|狗托|gou tuo gun", "pinyin_joined|builtin|脑残|naocan主播",
    "pinyin_joined|builtin|裸聊|luoliao加我", "pinyin_joined|builtin|嫖娼|piaochang", "pinyin_joined|own|杠精|gangjing滚",
    "pinyin_joined|own|舔狗|tiangou", "pinyin_joined|own|智商税|zhishangshui", "pinyin_joined|own|脑瘫|naotan",
    "tone_marks|builtin|赌博|dǔ bó wǎng zhàn", "tone_marks|builtin|约炮|yuē pào ma", "tone_marks|builtin|色情|sè qíng zhí bō",
    "tone_marks|builtin|外挂|kāi wài guà", "tone_marks|own|杠精|gàng jīng", "tone_marks|own|舔狗|tiǎn gǒu",
    "tone_marks|own|水军|shuǐ jūn", "tone_marks|own|二五仔|èr wǔ zǎi", "tone_digits|builtin|赌博|du3 bo2",
    "tone_digits|builtin|裸聊|luo3 liao2", "tone_digits|builtin|嫖娼|piao2 chang1", "tone_digits|builtin|脑残|nao3can2",
    "tone_digits|own|杠精|gang4jing1", "tone_digits|own|舔狗|tian3 gou3", "tone_digits|own|水军|shui3jun1",
    "tone_digits|own|脑瘫|nao3 tan1", "mixed_pinyin|builtin|约炮|有人约pao么", "mixed_pinyin|builtin|赌博|赌bo吗",
    "mixed_pinyin|builtin|色情|色qing网站", "mixed_pinyin|builtin|外挂|wai挂便宜", "mixed_pinyin|builtin|刷单|刷dan日结",
    "mixed_pinyin|builtin|脑残|nao残", "mixed_pinyin|own|杠精|杠jing", "mixed_pinyin|own|舔狗|tian狗",
    "mixed_pinyin|own|水军|水jun", "mixed_pinyin|own|狗托|狗tuo", "mixed_pinyin|own|剧透狗|剧透gou",
    "mixed_pinyin|own|脑瘫|脑tan",
    # reversed whole messages
    "reversed|builtin|去死吧|吧死去你", "reversed|builtin|百家乐|乐家百玩来", "reversed|builtin|六合彩|彩合六买",
    "reversed|builtin|裸聊|聊裸人有", "reversed|builtin|外挂|挂外开他", "reversed|builtin|赌博|博赌去起一",
    "reversed|own|杠精|精杠个是你", "reversed|own|舔狗|狗舔是就你", "reversed|own|水军|军水是都",
    "reversed|own|智商税|税商智是这",
    # repeated characters
    "repeated|builtin|赌博|赌赌赌博博", "repeated|builtin|约炮|约约约炮炮炮", "repeated|own|舔狗|舔舔舔狗狗",
    "repeated|own|杠精|杠杠杠精精精",
    # look-alike letters (Cyrillic, Greek, Armenian)
    "lookalike|builtin|shit|ѕһіt", "lookalike|builtin|fuck*|fυck this", "lookalike|builtin|bitch*|bіtch", "lookalike|builtin|cunt*|cυnt",
    "lookalike|builtin|whore*|whοre", "lookalike|builtin|kys|kуѕ", "lookalike|builtin|shit|sհit", "lookalike|own|toxic|τοxic",
    "lookalike|own|cringe|crιnge", "lookalike|own|toxic|tօxic", "lookalike|own|cringe|сringе",
    # initialisms
    "initialism|builtin|nmsl|这主播nmsl啊", "initialism|builtin|cnm|cnm主播", "initialism|builtin|tmd|tmd又掉分了",
    "initialism|builtin|wcnm|wcnm什么鬼", "initialism|builtin|nmb|N.M.B", "initialism|builtin|sb|s b 吧你",
    "initialism|builtin|nmsl|ｎｍｓｌ", "initialism|builtin|tmd|t m d 真卡",
    # leet digits
    "leet|builtin|shit|sh1t game", "leet|builtin|bitch*|ur a b1tch", "leet|builtin|slut*|$lut", "leet|builtin|whore*|wh0re",
    "leet|own|toxic|t0xic", "leet|own|cringe|cr1nge",
    # emoji between characters
    "emoji|builtin|赌博|赌🎲博", "emoji|builtin|约炮|约💕炮", "emoji|builtin|色情|色😍情", "emoji|own|舔狗|舔🐶狗",
    "emoji|own|水军|水💧军", "emoji|own|智商税|智商💰税",
    # English words with endings
    "english|builtin|fuck*|you fuckin bitch", "english|builtin|motherfuck*|shut up motherfucker", "english|builtin|retarded|retarded streamer",
    "english|builtin|kys|just kys bro",
]

# Innocent look-alikes: "kind|source|word|text", the entry they look or sound like.
LOOKALIKES = [
    # a banned string across the words of a sentence
    "inside|builtin|大麻|我买了一大麻袋土豆", "inside|builtin|大麻|门口堆着一大麻团", "inside|builtin|色情|特色情侣套餐",
    "inside|builtin|色情|景色情调都很好", "inside|builtin|色情|出色情节设计", "inside|builtin|赌博|一场豪赌博弈双方都输了",
    "inside|builtin|毒品|杀毒品牌哪家好", "inside|builtin|外挂|门外挂着对联", "inside|builtin|外挂|窗外挂满了彩灯",
    "inside|builtin|外挂|另外挂个机吧", "inside|builtin|外挂|天外挂着月亮", "inside|builtin|刷单|每天刷单词卡",
    "inside|builtin|刷单|循环刷单曲", "inside|builtin|刷单|今天刷单人本", "inside|builtin|加微信|参加微信抽奖活动",
    "inside|builtin|约炮|我们相约炮台山公园", "inside|builtin|一夜情|一夜情绪崩溃", "inside|builtin|一夜情|熬了一夜情况更糟",
    "inside|builtin|杂种|混杂种群", "inside|builtin|畜生|牲畜生病了", "inside|builtin|畜生|家畜生长很快",
    "inside|builtin|智障|心智障碍儿童", "inside|builtin|弱智|削弱智力", "inside|builtin|台独|这个平台独家首发新皮肤",
    "inside|builtin|台独|舞台独白很棒", "inside|builtin|藏独|收藏独家皮肤", "inside|builtin|藏独|西藏独特的风景",
    "inside|builtin|疆独|新疆独特美食", "inside|builtin|圣战|神圣战场开启", "inside|builtin|操你|体操你练了吗",
    "inside|builtin|日你妈|生日你妈妈来吗", "inside|builtin|代刷|替代刷新机制", "inside|builtin|看片加|这个看片加载好慢",
    "inside|builtin|表子|代表子女发言", "inside|builtin|援交|紧急救援交通受阻", "inside|builtin|援交|支援交流会",
    "inside|builtin|麻古|芝麻古法榨油", "inside|builtin|黄片|炸成金黄片状", "inside|builtin|脑残|大脑残留影像",
    "inside|builtin|大麻|一大麻将桌人", "inside|builtin|卖淫|买卖淫秽物品违法", "inside|builtin|赌场|打赌场上谁赢",
    "inside|own|杠精|体操单杠精彩", "inside|own|剧透狗|别剧透狗血剧情", "inside|own|狗托|我家狗狗托着下巴睡觉",
    "inside|own|水军|他是队里的风水军师", "inside|own|水军|淡水军港",
    "inside|builtin|shit|shiitake soup recipe", "inside|builtin|cunt*|Scunthorpe fans here", "inside|builtin|retard|fire retardant spray",
    "inside|builtin|nigger*|snigger at that", "inside|own|toxic|intoxicated again", "inside|own|cringe|fringe theory",
    # ordinary words that sound like an entry
    "sound|builtin|约炮|周末约跑步吗", "sound|builtin|傻逼|鲨比海豚大吗", "sound|builtin|傻逼|这里的沙比那边细",
    "sound|builtin|去死吧|周末一起去寺庙吧", "sound|builtin|一夜情|一页清单", "sound|builtin|脑残|这次闹惨了",
    "sound|builtin|赌博|他在读博后", "sound|builtin|百家乐|这波白加了", "sound|builtin|刷单|刷蛋糕奶油",
    "sound|builtin|六合彩|六个菜够吃了",
    "sound|own|杠精|港警在巡逻", "sound|own|杠精|我刚经过那里", "sound|own|舔狗|天狗吃月亮",
    "sound|own|舔狗|油填够了吗", "sound|own|水军|把水均匀洒上", "sound|own|狗托|这样够妥当吗",
    "sound|own|狗托|被狗拖着跑", "sound|own|智商税|你俩智商谁高", "sound|own|剧透狗|今天剧透够多了",
    "sound|own|喷子|盆子里有水", "sound|own|喷子|洗脸盆子", "sound|own|脑瘫|老谈这个话题",
    "sound|own|二五仔|二五在一起算", "sound|own|水军|谁军训了", "sound|own|舔狗|甜够了就不吃了",
    "sound|own|杠精|刚进门", "sound|own|脑瘫|闹摊子",     # people's and places' names
    "name|builtin|尼玛|格桑尼玛来了", "name|builtin|尼玛|央金尼玛唱歌真好听", "name|builtin|百家乐|白佳乐同学好",
    "name|builtin|赌博|杜波老师来了", "name|builtin|六合彩|刘和才今天来了", "name|builtin|傻逼|沙碧娜是谁",
    "name|own|杠精|钢京老板好", "name|own|舔狗|田苟来了", "name|builtin|约炮|岳鹏也在看",
    "name|builtin|色情|瑟琴老师", "name|own|喷子|彭子也来了", "name|builtin|裸聊|罗辽是哪里人",
    # everyday and game chat near the entries
    "everyday|builtin|外挂|外套挂门后了", "everyday|own|水军|我们喝水去军训", "everyday|own|舔狗|舔一口冰淇淋狗狗就来了",
    "everyday|builtin|赌博|博物馆今天开门", "everyday|builtin|傻逼|逼真的画面傻眼了", "everyday|own|杠精|抬杠也要讲道理",
    "everyday|own|智商税|交税的时候看智商", "everyday|own|剧透狗|狗不剧透",
    "everyday|builtin|约炮|放炮仗约好了", "everyday|own|脑瘫|大脑一片瘫软", "everyday|builtin|大麻|麻辣烫大份的",
    "game|builtin|外挂|这游戏外观挂件真好看", "game|builtin|刷单|刷副本单挑boss", "game|own|狗托|托管给狗队友",
    "game|builtin|约炮|约好一起打炮塔", "game|own|水军|水系军团太强了", "game|builtin|赌博|赌一把博一博",
    "game|own|喷子|喷火兵子弹不够", "game|builtin|代刷|代打刷不了分", "game|own|杠精|精英怪杠上了",
    "game|builtin|百家乐|百人家族乐园", "game|builtin|上分下分|今天上了分又掉分",
    # numbers that are not contacts
    "number|builtin|-|比分三比二", "number|builtin|-|我等了一百二十分钟", "number|builtin|-|2025年12月7日开播",
    "number|builtin|-|排名第一二三名都是谁", "number|builtin|-|价格188元包邮", "number|builtin|-|伤害打了1234567",
    "number|builtin|-|一二三四五六七八九十报数", "number|builtin|-|血量还剩九千八百", "number|builtin|-|第2️⃣局开始",
    "number|builtin|-|加油加油冲冲冲", "number|builtin|-|版本号是3.12.1", "number|builtin|-|群里的人都在吗",
]

# Contact details and links: "kind|text"; blocked or scrubbed in chat, refused in output.
CONTACTS = [
    "qq_financial|加我扣扣 伍陆柒捌玖叁贰壹", "qq_yao|qq 幺二三四五六七八九", "wechat_id|V: abc_12345",
    "wechat_id|薇 xin8899kk", "qq_cn|企鹅号 拐八六五四三二", "group_circled|加群 ⑧⑦⑥⑤④③②",
    "phone_spaced|电话 138 1234 5678", "phone_financial|打 壹叁玖 捌捌捌捌 柒柒柒柒", "wechat_id|wx: kk520999",
    "keycap|私聊我 2️⃣8️⃣3️⃣9️⃣0️⃣1️⃣7️⃣", "link_dian|网址 www点abc123点com", "link_dot|去 xyz dot top 看",
    "link_fullstop|看片 abc。cc", "short_link|t.cn/A6bcdEF", "short_link|https://bit.ly/3xYzAb",
    "link_spaced|w w w . k a n p i a n . c o m", "wechat_id|加我 威信 zhang_san_88", "phone_cn|我手机一三九零零一三九零零零",
    "group|QQ群 987654321", "qq_circled|扣扣 ⑨⑧⑦⑥⑤④③②", "wechat_id|wechat: lily_9527",
    "wechat_id|Ⅴ信 aaa111bbb", "phone_fullwidth|１５８８７６５４３２１", "phone_mixed|1三9贰3肆5陆7捌9",
    "link_dian|pornhub点com", "link_plain|xxx.vip", "link_spaced|abc . xyz", "link_plain|bilibili.com/video/BV1xx411",
    "link_fullwidth|https：//abc。com/x", "qq_dodge|扣 扣 七 七 八 八 九 九 零", "phone_dash|联系 186-0000-1111",
    "wechat_dodge|vx同号 15912345678", "qq_two|q q 3 3 4 4 5 5 6 6", "link_dot|kanpian dot com",
    "link_dian|www．baidu．com", "link_cn|百度一下 kanpian点cn", "group_cn|进群 七八九六五四三二一",
    "phone_reversed|87654321031打", "qq_letters|QQ：eight seven six five four three two", "link_at|tg @abc_dealer",
    "wechat_id|加vx：qwe_778899", "qq_mixed|企鹅 3③3③4④4", "link_plain|www.qq.com/abc", "phone_spaced_cn|一 八 六 二 二 三 三 四 四 五 五",
    "link_short|dwz.cn/abcd", "link_shop|淘宝搜 abc123.taobao.com",
]
# fmt: on


def rows() -> list[tuple[str, list[str]]]:
    return alternate(DISGUISES, LOOKALIKES, CONTACTS, lambda kind, source: f"{kind}-{source}")


def main() -> None:
    write("fresh3", rows())


if __name__ == "__main__":
    main()
