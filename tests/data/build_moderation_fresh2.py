# ruff: noqa: E501  (long literal lists of test sentences)
"""Builds the SECOND FRESH labelled moderation sets (run: python -m tests.data.build_moderation_fresh2).

Written before the third round of matcher changes (issue 16 items 1-2: words, not
strings), by hand, with sentences and own words the earlier sets never used, so the
figures on their held-out part are not tuned ones:

* moderation_fresh2_lookalikes.jsonl: innocent chat where a banned string or sound sits
  inside other words, in names of people and places, in game terms and in everyday
  phrases, or near a streamer's own word; {"text", "expect": "kept", "kind", "near", "split"};
* moderation_fresh2_disguises.jsonl: shipped-lexicon and own words in every disguise kind,
  most of them inside a sentence; {"text", "expect": "blocked", "kind", "source", "word", "split"}.

``split`` is "tune" or "heldout" by a salted hash of the text (salt "fresh2:"): rules are
tuned on "tune" only; tests gate on "heldout". A text already in an older set is left out.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

HERE = Path(__file__).parent
# The streamer's own words in these sets (config banned_words): none is in the older sets.
OWN_WORDS = ["蠢", "菜狗", "憨批", "破防", "狗策划", "低能儿", "主播好菜", "sima", "loser", "trash"]

# fmt: off
# Innocent chat: "near|text", near naming the entry (shipped or own) it looks like.
LOOKALIKES: dict[str, list[str]] = {
    # A banned string inside other words (across a word boundary or inside a longer word).
    "inside": [
        "大麻|这下可有大麻烦了", "大麻|老板来个大麻花", "大麻|树上一只大麻雀", "大麻|扛着个大麻包",
        "毒品|病毒品种又变了", "毒品|这款消毒品牌不错", "杂种|复杂种类太多了", "杂种|混杂种子发芽慢",
        "畜生|家畜生病要隔离", "畜生|牲畜生长周期", "援交|救援交通管制", "援交|支援交给我",
        "台独|舞台独白好感人", "台独|电台独家专访", "藏独|收藏独立游戏", "藏独|西藏独特的风光",
        "疆独|新疆独库公路自驾", "表子|列表子元素对齐", "表子|代表子公司发言", "色情|景色情意绵绵",
        "色情|物色情报人员", "赌博|打赌博物馆开门", "一夜情|一夜情绪全崩了", "日你妈|生日你妈妈送了啥",
        "操你|早操你做了没", "你全家|替我向你全家问好", "你全家|你全家福拍了吗", "你全家|祝你全家新年快乐",
        "你全家|你全家都来看直播了呀", "脑残|电脑残影好严重", "泥马|水泥马路修好了", "泥马|泥马路不好走",
        "外挂|墙外挂了一排灯", "外挂|门外挂了把锁", "外挂|院外挂着红灯笼", "外挂|楼外挂满了彩旗",
        "外挂|城外挂起了大旗", "外挂|屋外挂着腊肉", "外挂|村外挂了块牌子", "外挂|意外挂科了", "你全家|迷你全家桶多少钱", "台独|后台独立运行", "外挂|郊外挂满红叶", "杂种|复杂种植技术",
        "赌场|打赌场上谁进球", "刷单|牙刷单价多少", "加微信|添加微信表情包教程", "智障|心智障碍科普讲座",
        "a片|a片区停车场满了", "a片|b片区和a片区都停电了", "圣战|神圣战场副本",
    ],
    # A banned sound inside ordinary words.
    "sound": [
        "约炮|周末约跑步吗兄弟", "约炮|约跑团明早集合", "摇头丸|他摇头完就走了", "真人荷官|真人和官方一起直播",
        "傻逼|今晚打啥比赛", "傻逼|啥比例合适", "赌博|独播剧更新了",
        "一夜情|一夜晴天", "刷单|耍单口相声",
        "操你|超逆天的操作", "傻逼|现在啥比分", "约炮|晚上约泡澡吗", "外挂|歪瓜裂枣", "一夜情|一叶轻舟", "加微信|他在家威信很高", "摇头丸|票要投完了", "傻逼|沙比利木门", "憨批|葡萄含皮吃",
        "外挂|外褂子穿上",
    ],
    # Names of people and places.
    "name": [
        "尼玛|尼玛顿珠是我同学", "尼玛|扎西尼玛唱得真好", "尼玛|我去过尼玛县", "尼玛|尼玛拉姆今天来了",
        "尼玛|达瓦尼玛老师好", "尼玛|次仁尼玛是藏族名字", "尼玛|尼玛卓嘎生日快乐", "尼玛|尼玛次旦在吗", "尼玛|索朗尼玛在直播", "尼玛|尼玛县的牦牛", "sima|司马迁写史记", "sima|司马相如的赋",
        "赌博|杜博文老师讲得好", "赌博|杜博也来看直播了", "百家乐|柏佳乐同学生日快乐", "六合彩|刘禾彩今天来了吗",
        "一夜情|易烨卿演得好", "一夜情|伊叶青是谁", "台独|烟台独特的海景", "台独|邢台独居老人",
        "色情|色达县风景", "傻逼|沙碧娜唱歌", "约炮|岳鹏是我表哥",
        "sima|司马懿是我最喜欢的角色", "sima|司马光砸缸", "sima|Sima Qian wrote history", "憨批|韩丕是我朋友",
        "菜狗|蔡国庆唱的歌", "操你|曹妮来了吗", "破防|坡坊村", "狗策划|苟策华先生", "低能儿|狄能尔是外国人",
        "loser|Los Eros band", "trash|Trashigang district",
    ],
    # Game terms.
    "game": [
        "外挂|外挂式装备栏的设计", "刷单|刷单机成就", "刷单|刷单挑排行榜", "台独|平台独占游戏", "台独|平台独家首发", "色情|角色情感线做得好",
        "色情|角色情报界面", "色情|角色情缘任务", "大麻|大麻将牌局",
        "圣战|圣战士转职", "毒品|解毒品质高",
        "菜狗|菜够多了快合成", "破防|破防御塔", "破防|突破防线",
        "破防|打破防守阵型", "狗策划|够策划一场赛事", "主播好菜|主播做好菜了吗",
        "loser|losers bracket final", "trash|trash talk is part of the game", "loser|closer to the boss",
        "蠢|蠢蠢欲动的boss", "低能儿|低能耗模式", "憨批|含批注的攻略",
        "trash|thrash metal bgm", "loser|the closer wins",
    ],
    # Everyday phrases.
    "everyday": [
        "操你|体操你几岁开始练的", "日你妈|昨日你妈妈打电话了", "你全家|你全家去旅游了吗",

        "菜狗|刚才狗叫了", "外挂|空调外挂机坏了", "你全家|我给你全家带了特产", "疆独|出差去新疆独自开车", "藏独|在西藏独自旅行",
        "菜狗|蔬菜狗能吃吗", "菜狗|饭菜够吃吗", "菜狗|我去采购了", "菜狗|这才够味",
        "憨批|憨憨批评了我", "破防|破房子漏雨",
        "sima|Simon says", "loser|loose rope",
        "trash|trashcan icon", "狗日的|狗日常vlog", "智障|机智障碍赛",
        "大麻|老大麻烦你了", "操你|别操你那份心了", "他妈的|吉他妈妈送的", "麻古|芝麻古早味", "黄片|枸杞姜黄片泡水", "赌场|打赌场面很尴尬",
    ],
}

# Disguises: "kind|source|word|text". source "builtin" (the shipped lexicon) or "own".
DISGUISES: list[str] = [
    # plain, inside a sentence
    "plain|builtin|外挂|这人开了外挂吧", "plain|builtin|傻逼|你就是个傻逼", "plain|builtin|色情|别发色情图片",
    "plain|builtin|大麻|哪里能买大麻", "plain|builtin|约炮|同城约炮吗", "plain|builtin|赌博|一起去赌博啊",
    "plain|builtin|尼玛|尼玛的什么玩意", "plain|builtin|你全家|你全家都死了", "plain|builtin|a片|求a片资源",
    "plain|own|菜狗|主播真是菜狗一个", "plain|own|憨批|这憨批又死了", "plain|own|破防|主播破防了哈哈",
    "plain|own|狗策划|狗策划出来挨打", "plain|own|低能儿|你是低能儿吗", "plain|own|主播好菜|主播好菜啊",
    "plain|own|蠢|主播真蠢", "plain|own|sima|ni sima le", "plain|own|loser|what a loser",
    "plain|own|trash|this streamer is trash",
    # spaced / symbols / invisible / filler
    "spaced|builtin|约炮|有人 约 炮 吗", "spaced|own|憨批|你 憨 批 吧", "spaced|own|狗策划|狗 策 划 滚",
    "symbols|builtin|傻逼|傻*逼主播", "symbols|builtin|刷单|刷-单日结", "symbols|own|菜狗|菜.狗滚",
    "symbols|own|低能儿|低/能/儿", "invisible|builtin|赌博|线上\u200b赌\u200d博", "invisible|own|破防|破\u2060防了吧",
    "invisible|own|主播好菜|主播\u200b好\u200b菜", "filler|builtin|色情|色丶情直播", "filler|builtin|外挂|外灬挂便宜卖",
    "filler|own|憨批|憨の批", "filler|own|狗策划|狗丨策丨划", "filler|builtin|一夜情|一・夜・情",
    # traditional, repeated, fullwidth
    "traditional|builtin|赌博|線上賭博", "traditional|builtin|外挂|開外掛", "traditional|own|狗策划|狗策劃",
    "traditional|own|低能儿|低能兒", "repeated|own|菜狗|菜菜菜狗狗狗", "repeated|builtin|傻逼|傻傻傻逼逼",
    "fullwidth|own|loser|ＬＯＳＥＲ", "fullwidth|own|trash|ｔｒａｓｈ ｓｔｒｅａｍ",
    # pinyin, joined, tone marks, tone digits, fullwidth pinyin, mixed
    "pinyin|builtin|约炮|yue pao ma", "pinyin|builtin|外挂|kai wai gua le", "pinyin|own|憨批|ni shi han pi",
    "pinyin|own|狗策划|gou ce hua", "pinyin_joined|builtin|色情|seqing网站", "pinyin_joined|own|菜狗|caigou滚",
    "pinyin_joined|own|破防|pofang了", "tone_marks|builtin|赌博|dǔ bó", "tone_marks|own|菜狗|cài gǒu",
    "tone_marks|own|低能儿|dī néng ér", "tone_digits|builtin|傻逼|sha3bi1", "tone_digits|own|憨批|han1pi1",
    "tone_digits|own|破防|po4 fang2 le", "fullwidth_pinyin|own|菜狗|ｃａｉｇｏｕ", "fullwidth_pinyin|builtin|刷单|ＳＨＵＡ ＤＡＮ",
    "mixed_pinyin|builtin|约炮|约pao吗", "mixed_pinyin|own|憨批|han批", "mixed_pinyin|own|狗策划|狗ce划",
    "mixed_pinyin|builtin|外挂|wai挂", "mixed_pinyin|own|破防|破fang了",
    # look-alike letters (Greek, Cyrillic, Armenian) and leet
    "lookalike|own|loser|lοser", "lookalike|own|trash|trаsh", "lookalike|own|sima|ѕіma",
    "lookalike|builtin|色情|ѕеqіng", "lookalike|own|菜狗|caіgօu", "leet|own|loser|l0s3r",
    "leet|own|trash|tr4sh", "leet|builtin|fuck|f*ck off",
    # homophones, inside a sentence and alone
    "homophone|own|菜狗|你就是个菜苟", "homophone|own|菜狗|彩狗主播", "homophone|own|憨批|主播憨皮",
    "homophone|own|憨批|这个酣批", "homophone|own|破防|主播迫防了", "homophone|own|狗策划|苟策划",
    "homophone|own|低能儿|你个低能尔", "homophone|builtin|傻逼|主播沙比", "homophone|builtin|约炮|有没有约泡的",
    "homophone|builtin|赌博|一起堵博", "homophone|builtin|色情|涩情直播间", "homophone|builtin|外挂|开外卦了",
    "homophone|builtin|刷单|耍单日结", "homophone|own|菜狗|菜苟滚出去", "homophone|builtin|去死吧|你去四吧", "homophone|builtin|脑残|你个闹残",
    "homophone|own|破防|这波真的破访了", "homophone|builtin|一夜情|一夜晴服务", "plain|builtin|加微信|加微信看福利",
    "plain|builtin|刷单|招刷单兼职", "plain|builtin|法轮功|法轮功好", "plain|builtin|毒品|卖毒品的来了",
    "spaced|builtin|加微信|加 微 信 领红包", "symbols|builtin|加微信|加-微-信", "pinyin|builtin|傻逼|ni ge sha bi",
    "tone_digits|own|狗策划|gou3ce4hua4", "lookalike|own|破防|pοfang", "repeated|own|狗策划|狗狗策策划划",
    # reversed, whole message and the word alone
    "reversed|own|菜狗|吧狗菜是你", "reversed|own|破防|了防破播主", "reversed|builtin|外挂|吧挂外开你",
    "reversed|own|憨批|批憨", "reversed|builtin|约炮|吗炮约", "reversed|own|狗策划|划策狗",
    # initialisms
    "initialism|builtin|sb|主播sb", "initialism|builtin|nmsl|主播nmsl", "initialism|builtin|cnm|cnm滚",
    "initialism|builtin|tmd|tmd又输了", "initialism|builtin|wcnm|W C N M",
]
# fmt: on


def split_of(text: str) -> str:
    return "heldout" if hashlib.sha256(("fresh2:" + text).encode()).digest()[0] % 2 else "tune"


def _older_texts() -> set[str]:
    seen: set[str] = set()
    for path in HERE.glob("moderation_*.jsonl"):
        if "fresh2" not in path.name:
            seen |= {json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()}
    return seen


def lookalikes() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for kind, items in LOOKALIKES.items():
        for item in items:
            near, _, text = item.partition("|")
            rows.append({"text": text, "expect": "kept", "kind": kind, "near": near})
    return rows


def disguises() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for item in DISGUISES:
        kind, source, word, text = item.split("|", 3)
        rows.append({"text": text, "expect": "blocked", "kind": kind, "source": source, "word": word})
    return rows


def main() -> None:
    older = _older_texts()
    for name, rows in (("lookalikes", lookalikes()), ("disguises", disguises())):
        seen: set[str] = set(older)
        with (HERE / f"moderation_fresh2_{name}.jsonl").open("w", encoding="utf-8") as out:
            for row in rows:
                if row["text"] in seen:
                    continue
                seen.add(row["text"])
                out.write(json.dumps({**row, "split": split_of(row["text"])}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
