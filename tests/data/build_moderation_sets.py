# ruff: noqa: E501  (long literal lists of test sentences)
"""Builds the labelled moderation sets once (run: python -m tests.data.build_moderation_sets).

Three kinds, each line {"text", "expect", "kind", "split", ...}:
* moderation_disguises.jsonl: banned words (the shipped lexicon's and a streamer's own)
  in every disguise the filter claims to undo, inside chat-like sentences;
* moderation_lookalikes.jsonl: innocent chat where a banned string or sound sits inside
  other words (hand-written);
* moderation_contacts.jsonl: contacts and links however written, and ordinary chat with
  numbers, dots and cue words that offers nothing.
``split`` is "tune" or "heldout" (a fixed hash of the text): rules are tuned on "tune"
only; tests report and gate on "heldout". The output is committed; rerunning with the same
seed rewrites the same files.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

HERE = Path(__file__).parent
BUILTIN = ["傻逼", "脑残", "草泥马", "操你妈", "外挂", "赌博", "百家乐", "六合彩", "约炮", "裸聊", "色情", "嫖娼",
           "一夜情", "海洛因", "摇头丸", "刷单", "加微信", "稳赚不赔", "真人荷官", "法轮功", "颠覆国家", "去死吧"]  # fmt: skip
OWN = ["香菜", "老六", "菠萝披萨", "退钱哥", "黑子", "阴阳师"]
TEMPLATES = ["{}", "主播{}", "你就是个{}吧", "有没有{}啊", "真的{}", "{}来了", "这里{}哈哈", "说{}的出来"]
FILLERS = "丶灬の丨・~"
ZW = "\u200b\u200d\ufeff\u2060"
GREEK = {"a": "α", "o": "ο", "i": "ι", "k": "κ", "v": "ν", "e": "е", "c": "с", "p": "р", "s": "ѕ", "u": "υ"}
ARMENIAN = {"o": "օ", "u": "ս", "h": "հ", "n": "ո", "g": "ց", "w": "ա", "q": "զ"}


def split_of(text: str) -> str:
    return "heldout" if hashlib.sha256(text.encode()).digest()[0] % 2 else "tune"


def disguise(word: str, how: str, rng: random.Random) -> str:
    if how == "plain":
        return word
    if how == "spaced":
        return " ".join(word)
    if how == "symbols":
        return rng.choice(["*", ".", "-", "_", "/", "|", "!"]).join(word)
    if how == "invisible":
        return rng.choice(ZW).join(word)
    if how == "filler":
        return "".join(c + rng.choice(FILLERS) for c in word[:-1]) + word[-1]
    if how == "traditional":
        return OpenCC("s2t").convert(word)
    if how == "pinyin":
        return " ".join(lazy_pinyin(word))
    if how == "pinyin_joined":
        return "".join(lazy_pinyin(word))
    if how == "tone_marks":
        return " ".join(lazy_pinyin(word, style=Style.TONE))
    if how == "tone_digits":
        return " ".join(lazy_pinyin(word, style=Style.TONE3))
    if how == "fullwidth_pinyin":
        return "".join(chr(ord(c) + 0xFEE0) if c.isalpha() else c for c in "".join(lazy_pinyin(word)))
    if how == "mixed_pinyin":
        i = rng.randrange(len(word))
        return word[:i] + lazy_pinyin(word[i])[0] + word[i + 1 :]
    if how == "lookalike_pinyin":
        table = rng.choice([GREEK, ARMENIAN])
        return "".join(table.get(c, c) for c in "".join(lazy_pinyin(word)))
    raise ValueError(how)


HOWS = ["plain", "spaced", "symbols", "invisible", "filler", "traditional", "pinyin", "pinyin_joined",
        "tone_marks", "tone_digits", "fullwidth_pinyin", "mixed_pinyin", "lookalike_pinyin"]  # fmt: skip


def disguises(rng: random.Random) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for source, words in (("builtin", BUILTIN), ("own", OWN)):
        for word in words:
            for how in [*rng.sample(HOWS, 7), "reversed"]:
                template = rng.choice(TEMPLATES)
                if how == "reversed":
                    text = template.format(word)[::-1]
                else:
                    body = disguise(word, how, rng)
                    text = template.format(
                        body if how == "plain" or not template.strip("{}") else f" {body} "
                    )
                rows.append(
                    {"text": text.strip(), "expect": "blocked", "kind": how, "source": source, "word": word}
                )
    english = ["fuck", "shit", "bitch", "asshole", "retard", "whore"]
    for word in english:
        for how in ["greek", "armenian", "spaced", "leet", "reversed", "dotted"]:
            if how == "greek":
                text = "".join(GREEK.get(c, c) for c in word)
            elif how == "armenian":
                text = "".join(ARMENIAN.get(c, c) for c in word)
            elif how == "spaced":
                text = " ".join(word)
            elif how == "leet":
                text = word.replace("i", "1").replace("s", "$").replace("o", "0").replace("a", "@")
            elif how == "reversed":
                text = word[::-1]
            else:
                text = ".".join(word.upper())
            rows.append(
                {
                    "text": f"you {text} lol",
                    "expect": "blocked",
                    "kind": how,
                    "source": "builtin",
                    "word": word,
                }
            )
    for short in ["nmsl", "sb", "cnm", "tmd", "wcnm"]:
        for text in [short, " ".join(short), ".".join(short.upper()), f"主播{short}", f"{short}啊"]:
            rows.append(
                {"text": text, "expect": "blocked", "kind": "initialism", "source": "builtin", "word": short}
            )
    return rows


CONTACT_TEMPLATES = ["加我{}", "扣扣 {}", "企鹅{}", "v {}", "薇 {}", "群号 {}", "电话{}", "私聊我{}", "qq:{}",
                     "{} 是我qq", "想要资源的加 {}", "联系方式 {}"]  # fmt: skip
CN = "零一二三四五六七八九"
FIN = "零壹贰叁肆伍陆柒捌玖"
CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"


def digit_form(number: str, how: str, rng: random.Random) -> str:
    if how == "ascii":
        return number
    if how == "chinese":
        return "".join(CN[int(d)] for d in number).replace("一", rng.choice(["一", "幺"]))
    if how == "financial":
        return "".join(FIN[int(d)] for d in number)
    if how == "circled":
        return "".join(CIRCLED[int(d)] for d in number)
    if how == "keycap":
        return "".join(d + "\ufe0f\u20e3" for d in number)
    if how == "fullwidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in number)
    if how == "mixed":
        return "".join(rng.choice([d, CN[int(d)], FIN[int(d)], chr(ord(d) + 0xFEE0)]) for d in number)
    if how == "spaced":
        return " ".join(number)
    if how == "filler":
        return "".join(d + rng.choice(FILLERS) for d in number[:-1]) + number[-1]
    raise ValueError(how)


DIGIT_HOWS = ["ascii", "chinese", "financial", "circled", "keycap", "fullwidth", "mixed", "spaced", "filler"]
LINKS = ["abc点com", "xyz dot top", "kk。cc", "b 2 3 . t v/x7", "www . vip888 . com", "http://t.cn/Rx9", "bit.ly/3abc",
         "hao123点net", "yy88 dot xyz", "pan点baidu点com/s/1", "w w w.sese.vip", "t。cn/abc", "qun88 点 top",
         "mm (dot) club", "HTTPS://ABC.COM", "ａｂｃ．ｃｏｍ", "dy5 [.] cn", "vip9。com", "666 dot cc", "sex点tk"]  # fmt: skip
CLEAN_NUMBERS = ["今天得了100000分", "第12345678位观众", "1234567890 数数", "已经2024年了", "票房23亿", "3.14159",
                 "版本1.2.3更新了", "node.js好用吗", "i love you. me too", "11点下播吗", "一点都不好玩", "加油加油",
                 "主播微信多少", "vx是什么", "v我50", "qq飞车好玩吗", "群里说了", "电话响了", "私聊不回",
                 "攒了88888金币", "一二三四五六七", "九八七六五四三", "买了3个", "打了5局", "加了20分", "等级99",
                 "点赞666", "这一点com也说过", "一点半开播", "他说ok.", "e.g. 这个", "a.m.十点", "扣扣搜搜的",
                 "企鹅好可爱", "群星闪耀", "电话卡", "加我一个", "v社游戏", "2333333", "哈哈哈哈哈",
                 "他考了98分", "排名第1024", "我的uid是123", "今天星期3", "时间是12:30", "房间号 233", "直播间6688",
                 "百分之99", "1v1单挑", "5v5团战"]  # fmt: skip


def contacts(rng: random.Random) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for _ in range(110):
        if rng.random() < 0.3:
            number = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
            template = rng.choice(["{}", "电话{}", "打{}", "call {}", "{}找我"])
            kind = "phone"
        else:
            number = str(rng.randint(10**4, 10**10))
            template = rng.choice(CONTACT_TEMPLATES)
            kind = "id"
        how = rng.choice(DIGIT_HOWS)
        rows.append(
            {
                "text": template.format(digit_form(number, how, rng)),
                "expect": "blocked",
                "kind": f"{kind}_{how}",
            }
        )
    for handle in ["abc12345", "wo8888a", "xx_520ab", "love1314x"]:
        for template in ["vx {}", "wx：{}", "薇 {}", "微信 {}", "加v {}", "tg @{}"]:
            rows.append({"text": template.format(handle), "expect": "blocked", "kind": "handle"})
    for link in LINKS:
        for template in ["{}", "来{}看", "福利在 {} 哦"]:
            rows.append({"text": template.format(link), "expect": "blocked", "kind": "link"})
    rows += [{"text": t, "expect": "kept", "kind": "clean"} for t in CLEAN_NUMBERS]
    return rows


def main() -> None:
    rng = random.Random(16)
    sets = {"moderation_disguises.jsonl": disguises(rng), "moderation_contacts.jsonl": contacts(rng)}
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
