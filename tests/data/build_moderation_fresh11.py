"""Build the eleventh fresh labelled moderation sets: tests/data/moderation_fresh11_dev.tsv and
moderation_fresh11_heldout.tsv (``python -m tests.data.build_moderation_fresh11``).

Written by hand, before the code was scored on them, across many families of innocent
look-alikes (at most ~10 lines each): an entry's characters meeting across two words
(打赌|博士, 颜色|情侣, 平台|独家), ordinary words that sound like an entry (打码, 圆角, 态度,
纸张), entries used in an ordinary sense (杂种猪, 废物东西 as waste, 外挂字幕), game, food,
tech, English and brand senses (faggots and peas, NMB48, do sth for sb), numbers that look
like contacts (qq等级64级, 微信步数), text that holds an entry backwards (单刷, 挂外面), the
streamer's own words inside other words or in their plain sense (蔬菜鸡蛋, 投白票, 很带节奏)
and plain chat; disguises of the shipped entries (spacing, fillers, full width, traditional
characters, sound-alikes, pinyin, tone marks, initialisms, reversed text, leet) and of the
streamer's own words (a common character swapped for a same-sound one: 够策划, 代节奏; a space
inside a name: 蔡徐 坤牛). Columns: ``expect kind source word text``. Each family alternates
line by line between dev (tuned on) and held-out (scored once before and once after).
"""

from __future__ import annotations

from tests.support.fresh_split import DATA, alternate, write

# The streamer's own words (config banned_words).
OWN_WORDS = ["蔡徐坤", "小黑子", "菜鸡", "狗策划", "带节奏", "白嫖"]

# fmt: off
# Innocent look-alikes: "kind|source|word|text".
LOOKALIKES = [
    # entry characters meeting across words: abuse entries
    "cross_abuse|builtin|日你妈|今日你妈妈做了什么好吃的", "cross_abuse|builtin|死妈|这个跳脸吓死妈妈了",
    "cross_abuse|builtin|操你妈|练体操你妈妈同意吗", "cross_abuse|builtin|杂种|混杂种子不好发芽",
    "cross_abuse|builtin|操你|早操你做完了没有", "cross_abuse|builtin|你全家|你全家都是主播的粉丝吗",
    "cross_abuse|builtin|杀你全家|狼人杀你全家都会玩吗", "cross_abuse|builtin|你全家|过年祝你全家平平安安",
    # entry characters meeting across words: gambling, scam
    "cross_scam|builtin|赌博|打赌博士三年能毕业吗", "cross_scam|builtin|刷单|晚上刷单词书到十二点",
    "cross_scam|builtin|看片加|看片加载半天出不来", "cross_scam|builtin|代刷|手机支付替代刷卡了",
    "cross_scam|builtin|刷单|今晚刷单排冲一波王者", "cross_scam|builtin|刷单|一直刷单挑模式练手感",
    "cross_scam|builtin|加微信|这次参加微信读书打卡活动", "cross_scam|builtin|加v|剪辑完再加vlog片头",
    # entry characters meeting across words: drugs, porn, politics
    "cross_vice|builtin|大麻|这个大麻袋能装五十斤", "cross_vice|builtin|色情|颜色情侣款的手机壳",
    "cross_vice|builtin|援交|救援交通线已经恢复了", "cross_vice|builtin|麻古|芝麻古法压榨的香油",
    "cross_vice|builtin|溜冰妹|溜冰妹妹比我滑得快多了", "cross_vice|builtin|毒品|新冠病毒品系又变了",
    "cross_vice|builtin|台独|平台独家首发的皮肤", "cross_vice|builtin|藏独|收藏独家限定卡牌",
    "cross_vice|builtin|圣战|神圣战士的大招好帅", "cross_vice|builtin|外围女|操场外围女生在跑步",
    # ordinary words that sound like an abuse entry
    "sound_abuse|builtin|草泥马|这方案你来草拟吗", "sound_abuse|builtin|智障|打印纸张用完了",
    "sound_abuse|builtin|弱智|若只是平局也能接受", "sound_abuse|builtin|贱人|这角色性格很坚韧",
    "sound_abuse|builtin|傻逼|下沙比较远就不去了", "sound_abuse|builtin|去死吧|明天去寺吧烧个香",
    "sound_abuse|builtin|死妈|司马懿的台词好帅", "sound_abuse|builtin|贱货|先见货再付款比较放心",
    # ordinary words that sound like a gambling, drug, porn or political entry
    "sound_vice|builtin|大麻|视频里路人的脸记得打码", "sound_vice|builtin|大麻|下个月去大马旅游",
    "sound_vice|builtin|援交|这个按钮做成圆角好看", "sound_vice|builtin|援交|周末去远郊爬山",
    "sound_vice|builtin|台独|主播这态度我喜欢", "sound_vice|builtin|约炮|越跑越快根本追不上",
    "sound_vice|builtin|刷单|天这么冷还耍单容易感冒", "sound_vice|builtin|藏独|数据库脏读怎么解决",
    "sound_vice|builtin|海洛因|这个海螺音效挺好听", "sound_vice|builtin|大麻|大马士革玫瑰很香",
    # shipped entries in an ordinary, literal sense
    "literal|builtin|杂种|杂种猪长得比土猪快", "literal|builtin|杂种|这批杂种鸡下蛋多",
    "literal|builtin|加微信|我奶奶终于学会加微信了", "literal|builtin|废物东西|废物东西要分类扔",
    "literal|builtin|赌博|这波梭哈纯属赌博", "literal|builtin|智障|心智障碍的孩子需要耐心",
    "literal|builtin|加qq|以前大家都加qq现在都用微信", "literal|builtin|大麻|大麻纤维做的衣服很透气",
    "literal|builtin|弱智|我智力不弱智商还行",
    # cheats, game and feature senses
    "game|builtin|外挂|车顶外挂一个行李箱", "game|builtin|外挂|这字幕是外挂的不是内嵌的",
    "game|builtin|外挂|笔记本外挂显卡坞打游戏", "game|builtin|赌场|gta里的赌场抢劫任务好难",
    "game|builtin|充值返利|官方的充值返利活动几号结束", "game|builtin|大麻|弹弓打下来一只大麻雀",
    "game|builtin|外挂|主城外挂满了节日彩灯",
    # food
    "food|builtin|大麻|来一份大麻辣香锅", "food|builtin|大麻|凉面多放点大麻酱",
    "food|builtin|大麻|买了个大麻薯当早餐", "food|builtin|黄片|姜黄片泡水喝暖身子",
    "food|builtin|一夜情|两个人聊了一夜情话", "food|builtin|菠菜网站|菠菜炒鸡蛋怎么做不苦",
    # English and brand senses
    "english|builtin|faggot*|grandma cooked faggots and peas tonight",
    "english|builtin|retard|cold storage will retard the mold growth",
    "english|builtin|sb|英语里do sth for sb怎么用", "english|builtin|nmb|NMB48的新歌好听",
    "english|builtin|sb|SB19 concert was amazing last night",
    "english|builtin|cnm|she is a CNM, a certified nurse midwife",
    "english|builtin|sb|词典里give sb sth的sb是somebody",
    "english|builtin|bitch*|bitchute is another video site",
    # numbers that look like contacts
    "number|builtin|-|我的qq等级已经64级了", "number|builtin|-|微信步数今天走了23456步",
    "number|builtin|-|群里已经有326个人了", "number|builtin|-|高考考了612分",
    "number|builtin|-|价格从1999降到1599了", "number|builtin|-|这把打了12杀3死",
    "number|builtin|-|主播加油冲到10000粉", "number|builtin|-|衣服扣扣子扣了三颗",
    "number|builtin|-|第十八关到第二十三关最难", "number|builtin|-|再加一百块就能换新的",
    # text that holds an entry backwards
    "reversed|builtin|外挂|衣服挂外面晒一下", "reversed|builtin|刷单|这个副本我能单刷",
    "reversed|builtin|杂种|老家今年种杂粮", "reversed|builtin|嫖娼|娼妓制度在古代很常见",
    # the streamer's own words by sound inside ordinary words
    "own_sound|own|菜鸡|采集任务还差三个", "own_sound|own|菜鸡|我才记起来今天周五",
    "own_sound|own|白嫖|这次选举我投了白票", "own_sound|own|白嫖|窗外雪花白飘飘的",
    "own_sound|own|小黑子|屏幕下面那行小黑字是啥", "own_sound|own|蔡徐坤|这些菜需捆好再放冰箱",
    "own_sound|own|菜鸡|这个财季营收涨了", "own_sound|own|菜鸡|复活节画彩鸡蛋",
    # the streamer's own words across words or in their plain sense
    "own_literal|own|菜鸡|蔬菜鸡蛋饼当早餐", "own_literal|own|菜鸡|青菜鸡丝面好吃",
    "own_literal|own|带节奏|这首歌特别带节奏", "own_literal|own|带节奏|乐队里鼓手负责带节奏",
    "own_literal|own|小黑子|小黑子弹打光了快换枪", "own_literal|own|狗策划|遛狗策划了一条新路线",
    "own_literal|own|带节奏|跳操的时候教练会带节奏", "own_literal|own|白嫖|白嫖这个词是什么意思",
    # plain chat
    "plain|builtin|-|今天的bgm是什么歌", "plain|builtin|-|主播晚饭吃了吗",
    "plain|builtin|-|这个boss第二阶段怎么打", "plain|builtin|-|明天几点开播呀",
    "plain|builtin|-|刚下班就赶来看直播了", "plain|builtin|-|猫咪在键盘上睡着了",
    "plain|builtin|-|这个地图好大走半天", "plain|builtin|-|新皮肤多少钱啊",
    # tech, medical and places: an entry's characters across words
    "tech|builtin|刷单|这台机器要刷单独的系统", "tech|builtin|私聊加|私聊加密功能上线了吗",
    "tech|builtin|网赌|他上网赌气发了一堆帖子", "tech|builtin|外挂|服务器外挂了一块硬盘",
    "tech|builtin|色情|主播脸色情况不太好", "tech|builtin|一夜情|过了一夜情况就变了",
    "tech|builtin|约炮|大约炮弹还剩十发",
    "body|builtin|大麻|身上起了大麻疹好痒", "body|builtin|脑残|大脑残存的记忆碎片",
    "body|builtin|麻古|手脚发麻古怪得很", "body|builtin|大麻|过个大马路就到了",
    "body|builtin|疆独|新疆独山子的石化厂很大",
    "body|builtin|faggot*|tie a faggot of sticks for the campfire",
    "number|builtin|-|主播v5威武", "number|builtin|-|520快乐呀",
    "number|builtin|-|qq飞车车队排名第3",
    "own_cross|own|菜鸡|炒菜鸡精放多了", "own_cross|own|菜鸡|白菜鸡肉馅饺子",
    "own_cross|own|狗策划|宠物狗策划方案写好了", "own_cross|own|带节奏|带姐走吧求你了",
    "plain|builtin|-|下雨了记得带伞", "plain|builtin|-|这首歌前奏好熟悉",
    "plain|builtin|-|主播今天声音有点哑", "plain|builtin|-|周末一起打副本吗",
    "plain|builtin|-|这关存档点在哪", "plain|builtin|-|你那边几点了",
    "cue|builtin|-|电话号码别发弹幕里哦", "cue|builtin|-|加群要审核吗",
    "cue|builtin|-|扣扣空间现在还有人用吗", "cue|builtin|-|企鹅宝宝好可爱",
    "cue|builtin|-|微信支付还是支付宝", "cue|builtin|-|这个套餐加vivo耳机才199",
    "body|builtin|大麻|大麻风病以前很可怕", "game|builtin|大麻|这个大麻瓜又迷路了",
    "cross_scam|builtin|刷单|体力刷单人本最快", "literal|builtin|加微信|相亲对象非要加微信",
]

# Disguised banned lines: "kind|source|word|text".
DISGUISES = [
    # shipped entries
    "space|builtin|傻逼|傻 逼玩意儿滚", "filler|builtin|傻逼|傻灬逼东西",
    "width|builtin|sb|你就是个ＳＢ", "trad|builtin|赌博|賭博網站發給你",
    "trad|builtin|约炮|約炮嗎小姐姐", "trad|builtin|摇头丸|搖頭丸有貨",
    "trad|builtin|外挂|外掛便宜賣", "trad|builtin|法轮功|法輪功好",
    "trad|builtin|刷单|刷單兼職來", "sound|builtin|傻逼|煞比主播滚粗",
    "sound|builtin|脑残|脑惨主播", "sound|builtin|操你妈|操尼玛的主播",
    "sound|builtin|草泥马|草尼玛这什么操作", "sound|builtin|日你妈|日你吗的",
    "sound|builtin|狗日的|狗曰的主播", "sound|builtin|贱人|贱仁闭嘴",
    "sound|builtin|去死吧|去屎吧你", "pinyin|builtin|傻逼|sha bi zhu bo",
    "pinyin|builtin|赌博|du bo wang zhan jia wo", "pinyin|builtin|大麻|da ma you huo",
    "pinyin|builtin|约炮|yue pao ma mei nv", "pinyin|builtin|裸聊|luo liao jia wo",
    "tone|builtin|傻逼|shǎ bī zhǔ bō", "tone|builtin|外挂|wài guà dī jià",
    "reversed|builtin|傻逼|播主逼傻", "reversed|builtin|去死吧|吧死去快你",
    "initial|builtin|nmsl|nmsl 你个菜", "initial|builtin|cnm|cnm 下播吧",
    "initial|builtin|nmb|N M B 的", "initial|builtin|wcnm|w c n m 垃圾",
    "initial|builtin|tmd|t.m.d 又输了", "latin|builtin|fuck*|f u c k this stream",
    "latin|builtin|shit|what a sh!t game lol", "latin|builtin|bitch*|b1tch shut up",
    "latin|builtin|kill yourself|k!ll yourself noob", "latin|builtin|fuck*|ｆｕｃｋ off",
    "filler|builtin|操你妈|操の你の妈", "filler|builtin|赌博|赌丨博平台来",
    "filler|builtin|约炮|约灬炮吗", "filler|builtin|色情|色丶情网站",
    "filler|builtin|外挂|外丨挂出售", "space|builtin|加微信|加 微 信 送福利",
    "sound|builtin|加威信|加威信领红包", "sound|builtin|v信|v信 私我",
    "sound|builtin|薇信|薇信号多少私聊", "plain|builtin|进群领|进群领红包啦",
    "plain|builtin|日赚千元|日赚千元不是梦", "plain|builtin|代刷|代刷钻石便宜",
    "plain|builtin|低价代练|低价代练上王者", "sound|builtin|博彩|博才网站注册送",
    "sound|builtin|六合彩|六和彩今晚开几号", "sound|builtin|真人荷官|真人荷倌在线发牌",
    "sound|builtin|冰毒|冰du便宜出", "sound|builtin|摇头丸|摇头玩有货",
    "sound|builtin|一夜情|一夜晴约吗", "sound|builtin|嫖娼|嫖昌被抓",
    "plain|builtin|外围女|外围女上门服务", "sound|builtin|成人网站|成人网占免费看",
    "sound|builtin|法轮功|法仑功", "plain|builtin|颠覆国家|颠覆国家政权",
    # the streamer's own words
    "space|own|蔡徐坤|蔡 徐坤 滚出去", "space|own|蔡徐坤|蔡徐 坤牛啊",
    "sound|own|蔡徐坤|菜徐坤又来了", "sound|own|蔡徐坤|蔡需坤的粉丝",
    "pinyin|own|蔡徐坤|cai xu kun 滚", "filler|own|蔡徐坤|蔡丶徐丶坤",
    "sound|own|蔡徐坤|蔡徐堃打篮球", "space|own|蔡徐坤|蔡徐坤 牛逼",
    "sound|own|小黑子|小嘿子又来了", "sound|own|小黑子|你个小黑紫",
    "pinyin|own|小黑子|xiao hei zi 滚", "space|own|小黑子|小 黑 子 露出鸡脚",
    "sound|own|小黑子|晓黑子别说话", "trad|own|小黑子|你個小黒子",
    "sound|own|菜鸡|菜机主播", "sound|own|菜鸡|彩鸡下播吧",
    "pinyin|own|菜鸡|cai ji 一个", "space|own|菜鸡|菜 鸡 操作",
    "trad|own|菜鸡|主播真是菜雞", "sound|own|菜鸡|纯纯的才鸡",
    "filler|own|菜鸡|菜丶鸡下播", "sound|own|狗策划|狗测划出来挨打",
    "sound|own|狗策划|苟策划又改版", "space|own|狗策划|狗 策 划 去死",
    "pinyin|own|狗策划|gou ce hua 滚", "trad|own|狗策划|狗策劃不會做遊戲",
    "sound|own|狗策划|够策划又削了", "sound|own|带节奏|带结奏的出去",
    "sound|own|带节奏|别代节奏了", "pinyin|own|带节奏|dai jie zou 的滚",
    "space|own|带节奏|带 节 奏 狗", "trad|own|带节奏|又在帶節奏",
    "sound|own|带节奏|戴节奏的来了", "sound|own|白嫖|白漂怪出去",
    "pinyin|own|白嫖|bai piao 党", "space|own|白嫖|白 嫖 的滚",
    "sound|own|白嫖|百嫖一个", "sound|own|白嫖|白瞟党又来了",
    "sound|own|菜鸡|你就是个菜叽",
]
# A probe written after the rules were final, scored once and never tuned on
# (moderation_fresh11_probe.tsv): expect, kind, source, word, text.
PROBE = [
 ("kept","literal","builtin","赌场","我叔叔在赌场当保安"),
 ("kept","cross","builtin","刷单","这个副本能刷单人成就吗"),
 ("kept","cross","builtin","色情","特色情景剧挺好看"), ("kept","cross","builtin","大麻","这下可大麻烦了"),
 ("kept","literal","builtin","外挂","墙上外挂的花架掉了"),
 ("kept","sound","builtin","去死吧","去四川吧好吃的多"),
 ("kept","sound","builtin","死妈","司马光砸缸的故事"),
 ("kept","literal","builtin","大麻","这是大麻绳编的篮子"),
 ("kept","english","builtin","retard","I had to retard the ignition timing"),
 ("kept","literal","builtin","加qq","他们都加qq好友了"),
 ("kept","literal","builtin","加微信","我还没加微信呢"), ("kept","own","own","菜鸡","他才几岁就会打游戏"),
 ("kept","own","own","菜鸡","炒菜鸡精少放点"), ("kept","own","own","带节奏","鼓点很带节奏"),
 ("kept","plain","builtin","-","操场上人好多"), ("kept","number","builtin","-","第3关打了45分钟"),
 ("kept","cross","builtin","援交","救援交给消防队吧"),
 ("kept","cross","builtin","毒品","中毒品尝了一口就吐了"),
 ("kept","sound","builtin","台独","这个态度不太好吧"), ("kept","own","own","白嫖","白飘带挂在树上"),
 ("blocked","space","own","蔡徐坤","蔡 徐 坤 下播"), ("blocked","space","own","小黑子","小黑 子 滚"),
 ("blocked","space","own","菜鸡","菜 鸡主播"), ("blocked","plain","own","菜鸡","都是菜鸡"),
 ("blocked","sound","own","菜鸡","菜几一个"), ("blocked","sound","own","白嫖","白漂党"),
 ("blocked","sound","own","带节奏","带结凑的滚"), ("blocked","sound","own","狗策划","狗侧画"),
 ("blocked","space","builtin","操你妈","操 你 妈 的 垃圾"),
 ("blocked","latin","builtin","傻逼","傻B主播下播吧"),
 ("blocked","plain","builtin","草泥马","草泥马的主播"),
 ("blocked","space","builtin","去死吧","去 死 吧 主播"),
 ("blocked","space","builtin","赌博","赌 博 网 站"), ("blocked","sound","builtin","加微信","加维信送皮肤"),
 ("blocked","space","builtin","裸聊","裸 聊 私我看"), ("blocked","latin","builtin","网赌","网du平台注册"),
 ("blocked","pinyin","builtin","赌博","dubo wang zhan"),
 ("blocked","pinyin","builtin","你妈死了","ni ma si le"),
 ("blocked","sound","builtin","外挂","歪挂便宜卖"), ("blocked","plain","builtin","约炮","同城约炮私聊"),
]
# fmt: on


def rows() -> list[tuple[str, list[str]]]:
    return alternate(DISGUISES, LOOKALIKES, [], lambda kind, source: f"{source}-{kind}")


def main() -> None:
    write("fresh11", rows())
    lines = ["# expect\tkind\tsource\tword\ttext  (a probe written after the rules were final; scored once)"]
    lines += ["\t".join(row) for row in PROBE]
    (DATA / "moderation_fresh11_probe.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
