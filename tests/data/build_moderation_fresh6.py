"""Build the sixth fresh labelled moderation sets: tests/data/moderation_fresh6_dev.tsv and
moderation_fresh6_heldout.tsv (``python -m tests.data.build_moderation_fresh6``).

Written by hand, before the code was scored on them, for the disguises outsiders still got
through (issue 16): (a) English words with look-alike letters that survive lowercasing
(capital I for l: kiII; l, 1 or | for i; 0 for o; rn for m; vv for w), (b) homophones
written with a financial digit (陆合彩, 贰佰伍, 壹夜情), (c) contact ids spelled letter by
letter after a cue (有薇 直接搜 a b c 1 2 3) and WeChat-style ids after cue words. Each
family has innocent lines of the same shapes: English words with I/l/1, money amounts in
陆/柒/贰, spaced letters that are not ids. Same columns as the fourth sets:
``expect kind source word text``; each family alternates line by line between dev (tuned
on) and held-out (scored once, at the end).
"""

from __future__ import annotations

from tests.support.fresh_split import alternate, write

# The streamer's own words (config banned_words).
OWN_WORDS = ["kill", "moron", "loser", "idiot", "creep", "二百五", "三八婆"]

# fmt: off
# Innocent look-alikes: "kind|source|word|text".
LOOKALIKES = [
    # (a) English words with I, l, 1, 0, rn, vv
    "latin|own|kill|I killed the boss in one try", "latin|own|kill|skill issue lol",
    "latin|own|kill|Kiln fired pottery looks nice", "latin|own|kill|a kilo of rice please",
    "latin|own|loser|I lost 1 round only", "latin|own|loser|we are closer to the end",
    "latin|own|loser|I lose again lol", "latin|own|moron|more on that later",
    "latin|own|moron|Moroni is a city", "latin|own|moron|Mormon history documentary",
    "latin|own|idiot|idiom of the day", "latin|own|idiot|Idle hands tonight",
    "latin|builtin|shit|shift key is broken", "latin|builtin|shit|I shipped it today",
    "latin|builtin|slut*|Sloth is so cute", "latin|builtin|bitch*|pitch black map",
    "latin|builtin|whore*|who re-ran the map", "latin|builtin|kill yourself|skill yourself up first",
    "latin|builtin|fuck*|Fuchsia colour is nice", "latin|own|creep|Creek water is cold",
    "latin|-|-|Iol that was close", "latin|-|-|I Iike it a lot",
    "latin|own|kill|Iil Wayne concert", "latin|own|loser|C1OSE the door pls",
    # (b) money amounts and numbers in financial digits
    "digit|own|二百五|发票金额贰佰伍拾元整", "digit|own|二百五|贰佰伍拾块的会员",
    "digit|own|三八婆|叁拾捌元的票", "digit|own|三八婆|三八妇女节快乐",
    "digit|builtin|六合彩|大陆和彩虹", "digit|builtin|六合彩|陆陆续续来了",
    "digit|builtin|六合彩|收款陆佰元整", "digit|builtin|一夜情|壹佰元整",
    "digit|builtin|一夜情|壹周刊出新刊", "digit|builtin|百家乐|佰元大钞",
    "digit|builtin|百家乐|柒佰块买的", "digit|-|-|柒仟伍佰元工资",
    "digit|own|二百五|二百五十个粉丝了", "digit|own|二百五|两百五十块钱",
    "digit|own|二百五|第贰佰伍拾期", "digit|builtin|六合彩|陆地合成彩蛋",
    # (c) spaced letters and digits that are not ids
    "spaced|-|contact_id|a b c d 是字母", "spaced|-|contact_id|g g",
    "spaced|-|contact_id|w w w 好快", "spaced|-|contact_id|打 a b c 三个键",
    "spaced|-|contact_id|x y z 轴都错了", "spaced|-|contact_id|按 q w e r 放技能",
    "spaced|-|contact_id|选 a 还是 b", "spaced|-|contact_id|加 b u f f 了吗",
    "spaced|-|contact_id|1 2 3 木头人", "spaced|-|contact_id|加 1 2 3 分",
    "spaced|-|contact_id|o k 没问题", "spaced|-|contact_id|h a h a 笑死",
    "spaced|-|contact_id|第 1 2 3 关好难", "spaced|-|contact_id|加油 a b c 组",
    "spaced|-|contact_id|q q 飞车 好玩", "spaced|-|contact_id|l o l 太逗了",
    "spaced|-|contact_id|直接搜 攻略 就有", "spaced|-|contact_id|搜 a b c 的歌",
]

# Disguised banned lines of the same words and sounds: "kind|source|word|text".
DISGUISES = [
    "latin|builtin|shit|what a sh|t stream", "latin|builtin|bitch*|shut up b|tch",
    "latin|builtin|slut*|she is a s|ut", "latin|builtin|slut*|such a s1ut",
    "latin|builtin|whore*|vvhore go home", "latin|builtin|whore*|attention wh0re",
    "latin|builtin|asshole*|you are an assho1e", "latin|builtin|asshole*|what an a$$hoIe",
    "latin|builtin|kill yourself|just kiII yourself", "latin|builtin|kill yourself|go ki1l yourself",
    "latin|builtin|shitty|sh|tty stream", "latin|builtin|motherfuck*|rnotherfucker",
    "latin|own|kill|I will kiII you", "latin|own|kill|ΚiII the streamer",
    "latin|own|moron|what a rnoron", "latin|own|moron|you m0r0n",
    "latin|own|loser|1oser streamer", "latin|own|loser||oser go home",
    "latin|own|idiot||diot streamer", "latin|own|idiot|such an idlot",
    "latin|own|creep|what a cr33p", "latin|own|kill|kiIl them all",
    "digit|builtin|六合彩|陆合彩开奖了", "digit|builtin|六合彩|买陆合菜稳赚",
    "digit|builtin|六合彩|陸合彩包中", "digit|builtin|六合彩|今晚陆和彩几号",
    "digit|own|二百五|你个贰佰伍", "digit|own|二百五|主播真是二佰伍",
    "digit|own|三八婆|叁捌婆闭嘴", "digit|own|三八婆|这个叁八婆",
    "digit|builtin|一夜情|壹夜情约吗", "digit|builtin|一夜情|找个壹夜晴",
    "digit|builtin|百家乐|佰家乐官网", "digit|builtin|百家乐|佰佳乐平台",
]

# Contact details offered after a cue: "kind|text"; blocked or scrubbed in chat.
CONTACTS = [
    "spaced_id|有薇 直接搜 a b c 1 2 3", "spaced_id|加v：x y z 8 8 8", "spaced_id|vx 搜 q w e 5 2 0",
    "spaced_id|微 信 号 m i a o 6 6 8", "spaced_id|加我薇 l u c k y 9 9", "spaced_id|扣扣 8 7 6 5 4 3 2 1",
    "spaced_id|wx: t a n g 1 2 3 4", "spaced_id|私我 v x：k k 2 3 3", "spaced_id|q q 号 2 3 4 5 6 7 8 9",
    "spaced_id|加 v x：a i 5 2 0", "spaced_id|搜薇 z h a n g 8 8", "spaced_id|有薇直接搜 h a o 6 6 6",
    "wechat_id|加薇 tangtang0521", "wechat_id|薇信 xiaomei_888", "wechat_id|v我 abc12345",
    "wechat_id|有事找我 wx lucky2024", "wechat_id|加微 jiejie_1314 私聊", "wechat_id|威信号 kkd9527",
    "wechat_id|主页有v hanhan886", "wechat_id|联系 vx yy5201314", "wechat_id|薇：dd8866 加了送福利",
    "wechat_id|+v sweet_girl99", "wechat_id|加我 wechat mei2088", "wechat_id|微❤ xixi8899",
]
# fmt: on


def rows() -> list[tuple[str, list[str]]]:
    return alternate(DISGUISES, LOOKALIKES, CONTACTS, lambda kind, source: kind)


def main() -> None:
    write("fresh6", rows())


if __name__ == "__main__":
    main()
