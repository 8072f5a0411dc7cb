# ruff: noqa: E501  (long literal lists of test sentences)
"""Builds the FRESH labelled moderation sets (run: python -m tests.data.build_moderation_fresh).

Written before the second round of matcher changes, with words and sentences the first
sets (build_moderation_sets.py) never used, so the figures on them are not tuned ones:

* moderation_fresh_disguises.jsonl: a streamer's own words of every length (1, 2, 3 and
  4 characters, a pinyin word, English words) and some shipped-lexicon words, each in
  every disguise kind that applies; each line {"text", "expect": "blocked", "kind",
  "source", "word", "length", "split"};
* moderation_fresh_lookalikes.jsonl: innocent chat (hand-written) where a banned string
  or sound sits across word boundaries, inside longer words, or reads backwards;
  {"text", "expect": "kept", "kind", "near", "split"}.

``split`` is "tune" or "heldout" by a salted hash of the text (a different salt from the
first sets): rules are tuned on "tune" only; tests gate on "heldout".
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

HERE = Path(__file__).parent
# fmt: off
# The streamer's own words in these sets (config banned_words), by length.
OWN = {"1": ["猪"], "2": ["菜狗", "白嫖", "下头"], "3": ["带节奏", "云玩家"], "4": ["菜就多练", "狗都不玩"],
       "pinyin": ["laji"], "english": ["noob", "clown"]}  # fmt: skip
OWN_WORDS = [w for words in OWN.values() for w in words]
BUILTIN = [
    "傻逼",
    "外挂",
    "赌博",
    "约炮",
    "色情",
    "刷单",
    "加微信",
    "六合彩",
    "摇头丸",
    "一夜情",
    "真人荷官",
    "颠覆国家",
]
TEMPLATES = [
    "{}",
    "又是{}",
    "你这个{}",
    "{}吧你",
    "弹幕全是{}",
    "别{}了",
    "{}啊啊啊",
    "哈哈哈{}",
    "今天也很{}",
]
FILLERS = "丶灬の丨・~"
ZW = "\u200b\u200d\ufeff\u2060\u00ad"
GREEK = {"a": "α", "o": "ο", "i": "ι", "k": "κ", "v": "ν", "n": "η", "u": "υ", "e": "ε", "x": "χ", "t": "τ"}
CYRILLIC = {
    "a": "а",
    "o": "о",
    "i": "і",
    "e": "е",
    "c": "с",
    "p": "р",
    "x": "х",
    "y": "у",
    "j": "ј",
    "s": "ѕ",
}
ARMENIAN = {"o": "օ", "u": "ս", "h": "հ", "n": "ո", "g": "ց", "q": "զ"}
LEET = {"o": "0", "i": "1", "a": "4", "e": "3", "s": "5", "l": "1"}
CJK_KINDS = ["plain", "spaced", "symbols", "invisible", "filler", "traditional", "repeated", "pinyin",
             "pinyin_joined", "tone_marks", "tone_digits", "fullwidth_pinyin", "fullwidth_pinyin_spaced",
             "mixed_pinyin", "lookalike_pinyin", "homophone", "reversed", "reversed_alone"]  # fmt: skip
ONE_CHAR_KINDS = ["plain", "symbols", "invisible", "traditional", "repeated", "reversed"]
ASCII_KINDS = ["plain", "upper", "spaced", "dotted", "fullwidth", "greek", "cyrillic", "armenian", "leet",
               "invisible", "filler", "reversed", "tone_marks"]  # fmt: skip

# fmt: on


def split_of(text: str) -> str:
    return "heldout" if hashlib.sha256(("fresh:" + text).encode()).digest()[0] % 2 else "tune"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _homophone(word: str, index: int) -> str:
    """One character swapped for the most frequent other character read the same way."""
    import jieba

    jieba.initialize()
    from pypinyin.pinyin_dict import pinyin_dict

    target = lazy_pinyin(word[index])[0]
    same = [chr(cp) for cp, r in pinyin_dict.items() if lazy_pinyin(chr(cp))[0] == target and r]
    same = [c for c in same if c != word[index] and jieba.dt.FREQ.get(c, 0) > 0]
    best = max(same, key=lambda c: jieba.dt.FREQ.get(c, 0))
    return word[:index] + best + word[index + 1 :]


def cjk_disguise(word: str, how: str, n: int) -> str:
    pinyin = lazy_pinyin(word)
    if how == "plain":
        return word
    if how == "spaced":
        return " ".join(word)
    if how == "symbols":
        return "*-._/|!"[n % 7].join(word) if len(word) > 1 else f"*{word}*"
    if how == "invisible":
        return ZW[n % len(ZW)].join(word) if len(word) > 1 else word + ZW[n % len(ZW)]
    if how == "filler":
        return "".join(c + FILLERS[(n + i) % len(FILLERS)] for i, c in enumerate(word[:-1])) + word[-1]
    if how == "traditional":
        return OpenCC("s2tw").convert(word)
    if how == "repeated":
        return "".join(c * 4 for c in word)
    if how == "pinyin":
        return " ".join(pinyin)
    if how == "pinyin_joined":
        return "".join(pinyin)
    if how == "tone_marks":
        return " ".join(lazy_pinyin(word, style=Style.TONE))
    if how == "tone_digits":
        return "".join(lazy_pinyin(word, style=Style.TONE3))
    if how == "fullwidth_pinyin":
        return _fullwidth("".join(pinyin))
    if how == "fullwidth_pinyin_spaced":
        return _fullwidth(" ".join(pinyin).upper())
    if how == "mixed_pinyin":
        i = n % len(word)
        return word[:i] + pinyin[i] + word[i + 1 :]
    if how == "lookalike_pinyin":
        table = (GREEK, CYRILLIC, ARMENIAN)[n % 3]
        return "".join(table.get(c, c) for c in "".join(pinyin))
    if how == "homophone":
        return _homophone(word, n % len(word))
    raise ValueError(how)


def ascii_disguise(word: str, how: str, n: int) -> str:
    if how == "plain":
        return word
    if how == "upper":
        return word.upper()
    if how == "spaced":
        return " ".join(word)
    if how == "dotted":
        return ".".join(word.upper())
    if how == "fullwidth":
        return _fullwidth(word)
    if how in ("greek", "cyrillic", "armenian"):
        table = {"greek": GREEK, "cyrillic": CYRILLIC, "armenian": ARMENIAN}[how]
        return "".join(table.get(c, c) for c in word)
    if how == "leet":
        return "".join(LEET.get(c, c) if i % 2 else c for i, c in enumerate(word))
    if how == "invisible":
        return ZW[n % len(ZW)].join(word)
    if how == "filler":
        return FILLERS[n % len(FILLERS)].join(word)
    if how == "reversed":
        return word[::-1]
    if how == "tone_marks":  # accents dropped on letters: lājī, nóob
        marks = {"a": "ā", "i": "ī", "o": "ó", "u": "ǔ", "e": "é"}
        return "".join(marks.get(c, c) for c in word)
    raise ValueError(how)


def _row(text: str, how: str, source: str, word: str, length: str) -> dict[str, str]:
    return {"text": text, "expect": "blocked", "kind": how, "source": source, "word": word, "length": length}


def disguises() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    n = 0
    for length, words in OWN.items():
        for word in words:
            ascii_word = word.isascii()
            kinds = ASCII_KINDS if ascii_word else ONE_CHAR_KINDS if len(word) == 1 else CJK_KINDS
            for how in kinds:
                n += 1
                template = TEMPLATES[n % len(TEMPLATES)]
                if ascii_word:
                    body = ascii_disguise(word, how, n)
                    text = (f"you {body} lol", f"主播 {body}", f"{body}", f"again {body}!")[n % 4]
                elif how == "reversed":  # the whole message written backwards
                    text = template.format(word)[::-1]
                elif how == "reversed_alone":  # the word backwards, alone or after a space
                    text = ("{}", "弹幕：{}")[n % 2].format(word[::-1])
                else:
                    body = cjk_disguise(word, how, n)
                    pad = body if how in ("plain", "traditional", "homophone", "repeated") else f" {body} "
                    text = template.format(pad).strip()
                rows.append(_row(text, how, "own", word, length))
    for word in BUILTIN:
        for how in ["spaced", "filler", "traditional", "pinyin", "pinyin_joined", "tone_digits",
                    "fullwidth_pinyin", "lookalike_pinyin", "reversed"]:  # fmt: skip
            n += 1
            template = TEMPLATES[n % len(TEMPLATES)]
            if how == "reversed":
                text = template.format(word)[::-1]
            else:
                body = cjk_disguise(word, how, n)
                text = template.format(body if how == "traditional" else f" {body} ").strip()
            rows.append(_row(text, how, "builtin", word, str(len(word))))
    return rows


# Innocent chat, hand-written: (near, text). ``near`` names the entry it looks like.
# fmt: off
LOOKALIKES: dict[str, list[str]] = {
    # A banned string across word boundaries or inside a longer word.
    "boundary": [
        "色情|特色情歌很好听", "色情|夜色情调真美", "色情|他脸色情不自禁地变了", "色情|出色情商很高", "色情|本色情怀依旧",
        "色情|粉色情侣头像", "色情|红色情人节礼物", "色情|金色情缘", "外挂|国外挂号网站", "外挂|窗外挂满了星星",
        "加微信|追加微信红包", "刷单|刷单板滑雪", "脑残|电脑残留文件", "一夜情|一夜情歌不断", "色情|角色情绪饱满", "外挂|墙外挂着广告牌", "外挂|车外挂了个牌子", "外挂|室外挂钟坏了",
        "外挂|场外挂着横幅", "外挂|额外挂号费要多少", "外挂|那个老外挂着相机", "外挂|老外挂了电话", "刷单|刷单词卡片",
        "刷单|再刷单曲榜", "刷单|扫码刷单车", "加微信|增加微信小程序入口", "加微信|参加微信抽奖了", "加微信|附加微信支付选项",
        "大麻|大麻烦了", "大麻|楼下有个大麻将馆", "大麻|一大麻袋土豆", "大麻|她扎了个大麻花辫", "赌博|我赌博士毕业要五年",
        "赌博|打赌博主会回", "海洛因|海洛因斯坦是个乐队名", "脑残|大脑残留记忆", "脑残|电脑残骸", "六合彩|六合彩排完了",
        "约炮|相约炮台山", "一夜情|一夜情深", "操你|做操你去吗", "操你|体操你会吗", "日你妈|今日你妈妈来了吗",
        "看片加|看片加载好慢", "私聊加|私聊加油打气", "真人荷官|真人荷官方网站", "稳赚不赔|稳赚不赔率", "去死吧|跳过去死吧台那边",
        "稳赚不赔|稳赚不赔钱的理财不存在", "颠覆国家|颠覆国家地理的认知", "外围女|场外围女生很多",
        "百家乐|百家乐器行", "赌博|赌博物馆门票", "色情|景色情景交融",
    ],
    # Sounds like an entry (a word of its own, or ordinary words side by side).
    "sound": [
        "赌博|他在读博呢", "赌博|这部剧是独播", "赌博|读博好辛苦", "外挂|穿件外褂", "约炮|越跑越快", "约炮|越跑越远",
        "一夜情|一页情书", "海洛因|海螺音乐", "百家乐|百家了解一下", "百家乐|技能白加了", "六合彩|买了六盒菜",
        "摇头丸|他要偷玩手机", "去死吧|取四把椅子", "傻逼|啥比赛", "傻逼|沙壁画好看", "傻逼|傻比较好",
        "刷单|耍单儿", "傻逼|沙币不够了", "刷单|刷蛋糕", "赌博|杜博士来了", "菜狗|彩购节",
        "一夜情|一叶倾城", "百家乐|我白夹了半天娃娃", "六合彩|六合菜场",
    ],
    # A streamer's own word: its characters or sound inside ordinary chat.
    "own": [
        "猪|猪肉好贵", "猪|小猪佩奇", "猪|野猪林", "猪|诸葛亮", "猪|属猪的", "猪|猪八戒", "猪|猪蹄", "猪|蜘蛛侠",
        "菜狗|买菜狗跟着我", "菜狗|种菜狗刨坑", "菜狗|这才够劲", "菜狗|钱才够用", "菜狗|采购清单", "菜狗|野菜狗尾巴草",
        "菜狗|青菜狗都不吃", "菜狗|菜够吃吗", "白嫖|投了白票", "白嫖|雪白飘落", "白嫖|白飘带", "下头|戴一下头盔",
        "下头|楼下头顶上", "下头|剃一下头发", "下头|放下头发", "下头|低下头", "下头|吓头一跳", "带节奏|带节奏感的音乐",
        "带节奏|自带节奏感", "带节奏|附带节奏的歌", "云玩家|运完家具了", "云玩家|运完家电", "云玩家|云湾家园",
        "菜就多练|买菜就多练练砍价", "菜就多练|青菜就多练刀工", "狗都不玩|小狗都不玩球", "下头|乡下头一回", "下头|底下头目", "下头|一下头就疼", "猪|猪肝汤",
        "laji|lajiao好辣", "laji|Lajitas Texas", "noob|noodle", "noob|Snoopy", "clown|clownfish tank",
        "clown|Clownfish真好看", "laji|la ji ta", "白嫖|白漂了",
    ],
    # An entry reads backwards inside ordinary text.
    "backwards": [
        "下头|枕头下面有钱", "下头|石头下面有虫", "下头|码头下雨了", "下头|舌头下面", "菜狗|热狗菜单", "菜狗|狗菜市场",
        "云玩家|大家玩云顶", "云玩家|大家玩云游戏", "外挂|衣服挂外面", "外挂|挂外套", "色情|激情色调", "去死吧|酒吧死去活来",
        "加微信|短信微加密", "傻逼|快被逼傻了", "刷单|我单刷副本", "下头|头下脚上", "外挂|挂外墙上",
    ],
    # English: a banned word inside a longer innocent word.
    "english": [
        "fuck|fuchsia dress", "retard|fire retardant gel", "shit|shiitake soup",
        "bitch|bitcoin price", "cunt|Scunthorpe United", "slut|Slutsk city", "kys|Kyshtym", "whore|whorl pattern",
        "nigga|niggardly", "faggot|fagot bundle", "shit|Shittim wood",
    ],
}
# fmt: on


def lookalikes() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for kind, items in LOOKALIKES.items():
        for item in items:
            near, _, text = item.rpartition("|")
            rows.append({"text": text, "expect": "kept", "kind": kind, "near": near})
    return rows


def main() -> None:
    sets = {
        "moderation_fresh_disguises.jsonl": disguises(),
        "moderation_fresh_lookalikes.jsonl": lookalikes(),
    }
    for name, rows in sets.items():
        seen: set[str] = set()
        with (HERE / name).open("w", encoding="utf-8") as out:
            for row in rows:
                if row["text"] in seen:
                    continue
                seen.add(row["text"])
                out.write(json.dumps({**row, "split": split_of(row["text"])}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
