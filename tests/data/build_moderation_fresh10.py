"""Build the tenth fresh labelled moderation sets: tests/data/moderation_fresh10_dev.tsv and
moderation_fresh10_heldout.tsv (``python -m tests.data.build_moderation_fresh10``).

Written by hand, before the code was scored on them: innocent chat that uses a banned entry
in its plain, literal sense (他妈的手机 = his mom's phone; 畜生 of farm animals; SB in a
sneaker line, TMD the jaw joint; "don't kill yourself over it"; ranked points 上分下分, an
in-game friend feature 加微信好友, 稳赚不赔 said of lemonade, 兼职日结 asked of a viewer's
job), and real abusive or scam uses of the same entries, plain and disguised, which must
stay blocked. Own words (config banned_words): 畜牲 and 牲口, insults said of a person and
livestock said of a farm. Columns: ``expect kind source word text``. Each family alternates
line by line between dev (tuned on) and held-out (scored once).
"""

from __future__ import annotations

from tests.support.fresh_split import alternate, write

OWN_WORDS = ["畜牲", "牲口"]

# fmt: off
# Innocent uses of an entry in its literal sense: "kind|source|word|text".
LOOKALIKES = [
    # (a) kinship: his/her mother's X
    "kinship|builtin|他妈的|我同学他妈的生日跟我同一天", "kinship|builtin|他妈的|小明他妈的店就开在学校门口",
    "kinship|builtin|他妈的|她妈的病好点了没有", "kinship|builtin|他妈的|他妈的老家在四川绵阳",
    "kinship|builtin|他妈的|我表哥他妈的工作是护士", "kinship|builtin|他妈的|他妈的手艺真不错饺子包得好",
    "kinship|builtin|他妈的|阿杰他妈的电话一直打不通", "kinship|builtin|他妈的|她妈的男朋友比她还年轻",
    # (b) livestock words of animals
    "animal|builtin|畜生|农村家家户户都养畜生", "animal|builtin|畜生|今天给村里的畜生打疫苗",
    "animal|builtin|畜生|下雨了把畜生都赶回圈里", "animal|builtin|畜生|我爷爷每天早上喂畜生",
    "animal|own|牲口|以前种地全靠牲口拉犁", "animal|own|牲口|集市上有人卖牲口",
    "animal|own|畜牲|老家养了几头畜牲过年杀", "animal|own|牲口|牲口棚漏雨了得修",
    # (c) Latin letters that are a brand, a product or a medical term here
    "latin|builtin|sb|nike sb dunk low 这双多少钱", "latin|builtin|sb|刚抢到一双sb dunk熊猫配色",
    "latin|builtin|tmd|my dentist says I have tmd, jaw clicks when I chew",
    "latin|builtin|tmd|tmd jaw pain is the worst when streaming long",
    "latin|builtin|sb|sb dunk联名款又涨价了",
    "latin|builtin|tmd|got a night guard for my tmd, jaw joint feels better",
    # (d) English self-harm phrases said supportively or negated
    "english|builtin|kill yourself|don't kill yourself over a video game lol",
    "english|builtin|kill yourself|dont kill yourself grinding, take a break",
    "english|builtin|kill yourself|please don't kill yourself over one bad run",
    "english|builtin|kill yourself|never kill yourself for a leaderboard spot",
    "english|builtin|kys|no need to kys over it, it's just ranked",
    "english|builtin|kill yourself|do not kill yourself trying to 100% this",
    # (e) chat and game terms that hold an entry
    "game|builtin|上分下分|排位上分下分全看队友", "game|builtin|加微信|游戏里怎么加微信好友啊",
    "game|builtin|上分下分|这赛季上分下分太折磨了一晚上原地踏步",
    "game|builtin|加微信|这个游戏怎么加微信好友一起组队",
    "game|builtin|兼职日结|你那个兼职日结吗", "game|builtin|稳赚不赔|卖柠檬水稳赚不赔哈哈",
    "game|builtin|兼职日结|你在奶茶店的兼职日结吗", "game|builtin|稳赚不赔|囤卫生纸稳赚不赔反正总要用",
]

# Abusive and scam uses of the same entries (must stay blocked): "kind|source|word|text".
DISGUISES = [
    "plain|builtin|他妈的|他妈的这关又死了", "plain|builtin|他妈的|主播他妈的会不会玩",
    "plain|builtin|他妈的|真他妈的菜", "plain|builtin|他妈的|你他妈的闭嘴吧",
    "plain|builtin|他妈的|他妈的垃圾游戏", "plain|builtin|他妈的|他妈的什么破操作",
    "space|builtin|他妈的|他 妈 的 滚", "space|builtin|他妈的|他.妈.的别播了",
    "plain|builtin|畜生|主播就是个畜生", "plain|builtin|畜生|你这个畜生",
    "plain|builtin|畜生|畜生不如的主播", "plain|builtin|畜生|楼上的是畜生吧",
    "sound|own|畜牲|你个畜牲", "sound|own|牲口|主播真是个牲口",
    "sound|own|牲口|你们这群牲口", "space|own|畜牲|畜 牲 主播",
    "sound|own|牲口|sheng kou 滚", "sound|own|畜牲|chu sheng 一个",
    "latin|builtin|sb|这主播真sb", "latin|builtin|sb|你是sb吗",
    "latin|builtin|sb|s b 一个", "latin|builtin|tmd|tmd 又掉线",
    "latin|builtin|tmd|你tmd会不会玩", "latin|builtin|tmd|t m d 什么鬼",
    "latin|builtin|kys|kys streamer", "latin|builtin|kill yourself|go kill yourself",
    "latin|builtin|kill yourself|you should kill yourself", "latin|builtin|kys|just kys already",
    "latin|builtin|kill yourself|why don't you kill yourself", "latin|builtin|kys|k y s noob",
    "latin|builtin|kill yourself|kill yourself loser", "latin|builtin|kill yourself|k1ll yourself rn",
    "plain|builtin|上分下分|上分下分秒到账", "plain|builtin|上分下分|微信上分下分24小时",
    "plain|builtin|加微信|加微信好友领福利", "plain|builtin|加微信|加微信好友送皮肤",
    "plain|builtin|兼职日结|兼职日结一天三百", "plain|builtin|兼职日结|招人兼职日结私聊",
    "plain|builtin|稳赚不赔|投资平台稳赚不赔", "plain|builtin|稳赚不赔|跟我买彩票稳赚不赔",
    "sound|builtin|兼职日结|兼值日结了解一下", "sound|builtin|稳赚不赔|稳赚不陪带你飞",
]
# fmt: on


def rows() -> list[tuple[str, list[str]]]:
    return alternate(DISGUISES, LOOKALIKES, [], lambda kind, source: source)


def main() -> None:
    write("fresh10", rows())


if __name__ == "__main__":
    main()
