"""When a banned word found as written names a thing, not a person it insults.

An insult is a noun said of someone (你个饭桶, 白痴主播, 这主播纯小丑). The same noun used
of a thing has the grammar of a thing around it, which ``agent.brain.matcher`` asks about
for every match by characters:

* a localiser right after it, standing as its own word: 饭桶|里, 狗腿|上 (a thing has an
  inside and a top; a person insulted does not);
* a place or an institution owning it: 家里|的, 牧场|的, 马戏团|的, 农村|的 (jieba tags
  place words ``s`` and institutions ``nt``; a word ending in a place character such as
  场, 堂, 园, 村 is one too);
* a streamer's noun owned by a family (我们家|土狗: what a family keeps; not 你家), or 老
  and a numeral after 排行 (排行|老六: a sibling's rank);
* a streamer's own word heading a longer dictionary noun: 猪头肉, 小丑鱼 are other things
  (a person suffix keeps the insult: 狗腿子, 小丑们). Only the streamer's words: the
  built-in topics head compounds that are still the topic (色情网站, 赌博机);
* an insult word that modifies the noun right after it (杂种|玉米, 小丑|面具, 韭菜|盒子: a
  container in 子 is no person; not a person noun: 猪头|主播, 饭桶|管理员; not a verb
  with its aspect: 水军|刷屏|了), or
  the subject of a body's or an object's state (狗腿|骨折, 狗腿|肿), counted out by an animal's or a portion's
  measure word (这只|杂种, 那头|蠢驴, 一份|猪脑) or cooked (红烧|狗腿, 猪脑|炖), when no
  "you" comes before it (你这杂种狗 is still said of someone). Only the streamer's words
  and the built-in insults that also name animals (杂种, 畜生): a topic modifies nouns
  as itself (毒品交易, 赌博网站). The built-in animal insults also head dictionary nouns
  (杂种优势, 杂种狗) when no "you" comes before them;
* a noun handled as a thing: after a verb that feeds, cuts, peels, buys or herds (喂|畜生,
  剁|了|半个|猪头, 削|瓜皮, 赶着|畜生, 养|畜生) or before one that puts it somewhere (饭桶|放在,
  猪头|放进, 畜生|都|赶回) or holds what it was filled with (饭桶|装|的|米), or made of a material
  (不锈钢|饭桶);
* a streamer's word that ends in a verb of giving (白给), with a thing given: counted after
  it (白给|了|我们|一筐|桃子), described by it (白给|的|装备, 白给|的|东西) or its subject,
  ending the message or given to someone (鸡蛋|白给, 旧书|白给|你);
* (``thing_in_context``, on the whole message) a noun in a message set among circuses,
  costumes, farms, butchers or kitchens (马戏团请了三个小丑), with no "you" in it and no
  "is"/"like" before the noun.

English (``thing_named_en``): an insult noun after a determiner (the, our, a) in a
message about animals or objects (puppies, litter, circus, costume, farm), with no "you"
and no "is a" before it: "the bitch had six puppies", "the circus clown juggled".
"""

from __future__ import annotations

import re
from functools import lru_cache

from agent.brain.word_classes import name_start, tagged

__all__ = ["thing_in_context", "thing_named", "thing_named_en"]

_LOCALISERS = frozenset("里上内中")
# A word that ends in one of these is a place: 牧场, 食堂, 公园, 饭馆, 商店, 工厂, 医院, 农村.
_PLACE_ENDS = frozenset("场堂园馆店厂院室舍库村")
# Suffixes that make a person noun of a word: 狗腿子, 小丑们, 白痴儿.
_PERSON_SUFFIXES = frozenset("子们儿仔")
# Built-in entries that are insults and also name animals (a hybrid, livestock).
_ANIMAL_INSULTS = frozenset({"杂种", "畜生", "bitch*"})
# The last character of a noun naming a person (主播, 管理员, 作者, 老板, 大侠, 粉丝).
# 狗 after a word makes chat's name for a kind of person (舔狗, 剧透狗, 带节奏狗).
_PERSON_ENDS = frozenset("员者人手师长主播哥姐妹弟爷奶们民友粉丝官士王侠鬼货板儿子狗")
_PERSON_NOUNS = frozenset({"东西", "玩意", "玩意儿", "家伙", "一个", "样子"})
# Measure words of animals and of portions of food: 这只, 那头, 一份, 半斤.
_THING_MEASURES = frozenset("只头匹条份斤块盘碗串根")
_COUNTERS = frozenset("这那一二两三四五几半每")
# Cooking a word names food: 红烧狗腿, 卤猪头, 猪脑炖天麻.
_COOKING = frozenset({"红烧", "卤", "炖", "烤", "煮", "蒸", "炒", "清蒸", "凉拌", "酱", "烧"})
_YOU = ("你", "您", "尔", "主播")
# Predicates of a body or an object: 狗腿|骨折, 狗腿|肿, 饭桶|漏.
_BODY_STATES = frozenset(
    {"骨折", "受伤", "肿", "断", "断了", "瘸", "疼", "流血", "发炎", "化脓", "漏", "裂", "破"}
)
# After a word, these make it a verb with its aspect (水军|刷屏|了), not a noun modified.
_ASPECTS = frozenset("了着过")
# Verbs done to an animal, food or an object, never to a person insulted: 喂畜生, 削瓜皮.
_HANDLING = frozenset("喂养剁切削剥宰洗扔倒买卖搬拎端捡赶牵")
# What a thing is made of, right before it: 不锈钢|饭桶, 塑料|猪头 (a mask). A person is not.
_MATERIAL_ENDS = frozenset("钢铁铝铜锡木竹瓷")
_MATERIALS = frozenset({"塑料", "陶瓷", "玻璃", "木头", "石头", "橡胶", "硅胶"})
# Verbs that put a thing somewhere, with where it goes: 饭桶|放在桌上, 猪头|放进锅里, 废物|扔掉
# (not 猪头放屁: a verb alone says something of a person too).
_PUTTING = frozenset("放摆扔倒装赶")
_TO_A_PLACE = frozenset("在进到入掉满回")
# Adverbs between a thing and what is done with it: 把畜生|都|赶回圈里.
_ALL = frozenset({"都", "全", "全都", "也"})


def thing_named(
    text: str,
    tokens: tuple[tuple[int, int], ...],
    start: int,
    stop: int,
    own: bool,
    *,
    rule: str = "",
    gap_after: bool = False,
) -> str:
    """Why the match ``text[start:stop]`` of the entry ``rule`` names a thing ("" when it may
    name a person). ``tokens``: jieba's words of ``text``; ``gap_after``: the viewer typed a
    space or a symbol right after the match, so the word after it modifies nothing (蔡徐坤 牛逼)."""
    after = next(((a, b) for a, b in tokens if a == stop), None)
    if after == (stop, stop + 1) and text[stop] in _LOCALISERS:
        return f"{text[start:stop]}{text[stop]}: a thing with a place in it"
    before = next(((a, b) for a, b in tokens if b == start), None)
    if before is not None and text[before[0] : before[1]] == "的":
        owner = next((text[a:b] for a, b in tokens if b == before[0]), "")
        if len(owner) >= 2 and (owner[-1] in _PLACE_ENDS or owner in _places()):
            return f"{owner}的{text[start:stop]}: a place's thing"
    family = _family_or_rank(text, tokens, start, stop) if own else ""
    if family:
        return family
    animal = text[start:stop] in _ANIMAL_INSULTS and not any(y in text[:start] for y in _YOU)
    if own or animal:
        for a, b in tokens:
            head = a == start and b > stop
            if head and text[b - 1] not in _PERSON_SUFFIXES and text[a:b] in tagged().nouns:
                return f"{text[a:b]} is another thing"
    if text[start:stop] in _ANIMAL_INSULTS or (own and _names_things(rule or text[start:stop])):
        found = _said_of_a_thing(text, tokens, start, stop, gap_after) or _handled(text, tokens, start, stop)
        if found:
            return found
    # A streamer's word that is no noun of the language (a rival's name, a coined phrase)
    # never names a thing: 阿飞哥真菜, 吴小羊直播间 are said of the person.
    return _given(text, tokens, start, stop) if own else ""


# A name or a nickname ends in one of these: 阿飞哥, 鹏姐, 老王叔.
_KIN_ENDS = frozenset("哥姐妹弟爷叔姨")


@lru_cache(maxsize=256)
def _names_things(word: str) -> bool:
    """Whether a streamer's word can name a thing: a noun of the language (小丑, 韭菜), or a
    word ending in a noun (弱鸡, 狗东西). Not a person's word or name: one ending in a
    kinship title (阿飞哥), a short word starting like a name (吴小羊, 卢本伟) or
    ending in a name's character (光头龙), nor a coined phrase ending in a verb (鸭脖直播, 下饭主播):
    阿飞哥真菜 and 吴小羊直播间 are said of the person."""
    if word in tagged().nouns:
        return True
    if word[-1] in _KIN_ENDS or (len(word) <= 3 and name_start(word[0])):
        return False
    import jieba.posseg  # jieba's part-of-speech tags; once per streamer's word

    last = list(jieba.posseg.cut(word, HMM=False))[-1]
    return last.flag.startswith("n") and not (len(last.word) == 1 and last.flag == "nr")


# Before 家, these make it a family (我们家, 他家); 你家 is said to someone.
_FAMILIES = frozenset({"我", "我们", "他", "她", "他们", "她们", "咱", "咱们", "自己"})
# Before 老 and a numeral, these make it a sibling's rank: 排行|老六, 排|老三.
_RANKING = ("排行", "排")
_NUMERAL_WORDS = frozenset("一二三四五六七八九十")


def _family_or_rank(text: str, tokens: tuple[tuple[int, int], ...], start: int, stop: int) -> str:
    """Why a streamer's word names a family's animal or thing, or a sibling's rank ("" when
    it may name someone): a pronoun's 家 right before it (我们家|土狗: what a family keeps;
    not 你家), or 老 and a numeral after 排行 (排行|老六: the sixth child)."""
    word = text[start:stop]
    before = [text[a:b] for a, b in tokens if b <= start][-2:]
    if len(before) == 2 and before[1] == "家" and before[0] in _FAMILIES and word in tagged().nouns:
        return f"{before[0]}家{word}: a family's own animal or thing"
    if word[0] == "老" and word[1:] in _NUMERAL_WORDS and text[:start].endswith(_RANKING):
        return f"{text[:start][-2:]}{word}: a sibling's rank"
    return ""


# Who a thing is given to, between a verb of giving and what it gives: 白给|我们|一筐桃子.
_RECIPIENTS = frozenset({"我", "我们", "你", "你们", "他", "她", "他们", "她们", "大家"})
# Measures of an action, not of a thing given: 白给一次, 白给一把 (a round).
_ACTION_MEASURES = frozenset("次回下遍趟把局波轮")
_GIVING = frozenset("给送")  # the verbs of giving a streamer's word may end in (白给, 白送)


def _given(text: str, tokens: tuple[tuple[int, int], ...], start: int, stop: int) -> str:
    """Why a streamer's word that ends in a verb of giving (白给) is said of a thing ("" when
    it may be said of someone): a counted thing after it, its object (白给|了|我们|一筐|桃子,
    白给|一个|皮肤), a thing it describes (白给|的|装备), or a thing before it as its subject,
    ending the message (鸡蛋|白给). Not after "you" or the streamer, and never a person
    given (白给一个人头: a kill)."""
    word = text[start:stop]
    if word[-1] not in _GIVING or word in tagged().nouns or any(y in text[:start] for y in _YOU):
        return ""
    rest = [text[a:b] for a, b in tokens if a >= stop and text[a:b] not in _ASPECTS]
    if rest and rest[0] in _RECIPIENTS:
        rest = rest[1:]
    counted = len(rest[0]) >= 2 and all(c in _COUNTERS for c in rest[0][:-1]) if rest else False
    if counted and rest[0][-1] not in _ACTION_MEASURES and len(rest) >= 2 and _thing(rest[1], noun=False):
        return f"{word}…{rest[0]}{rest[1]}: a thing given"
    if rest[:1] == ["的"] and len(rest) >= 2 and (_thing(rest[1]) or rest[1] == "东西"):
        return f"{word}的{rest[1]}: a thing given"  # 白给的装备, 白给的东西; not 白给的主播
    before = next((text[a:b] for a, b in tokens if b == start), "")
    given_to = next((text[a:b] for a, b in tokens if a == stop), "") in _RECIPIENTS
    if (stop == len(text) or given_to) and _thing(before):
        return f"{before}{word}: a thing given"  # 鸡蛋白给, 旧书白给你
    return ""


def _thing(word: str, *, noun: bool = True) -> bool:
    """A word that names no person (皮肤; not 主播, 人头, 东西, 骗子); with ``noun``, a
    dictionary noun. Without it, the thing counted after a measure: any word, and a
    two-character one in 子 or 儿 too (两袋|米, 一袋|橘子; a counted 骗子 is rare)."""
    return (
        (word in tagged().nouns or not noun)
        and "\u4e00" <= word[0] <= "\u9fff"
        and (word[-1] not in _PERSON_ENDS or (not noun and len(word) == 2 and word[-1] in _NOUN_SUFFIXES))
        and word not in _PERSON_NOUNS
        and "人" not in word
    )


# Suffixes of two-character names of things (桃子, 橘子, 盒儿): a person suffix on longer words.
_NOUN_SUFFIXES = frozenset("子儿")


def _handled(text: str, tokens: tuple[tuple[int, int], ...], start: int, stop: int) -> str:
    """Why the word is the object or subject of handling a thing ("" when it is not):
    after a verb that feeds, cuts, washes, carries or buys (喂|畜生, 剁|了|半个|猪头,
    削|瓜皮), or before one that puts it somewhere (饭桶|放在, 猪头|放进, 把|饭桶|洗). People
    are not fed, chopped, peeled or put in a pot. Only a noun, and not after "you"."""
    if any(y in text[:start] for y in _YOU) or text[start:stop] not in tagged().nouns:
        return ""  # a phrase (菜就多练, 带节奏) is not handled like a thing
    words = [text[a:b] for a, b in tokens]
    at = next((i for i, (a, _b) in enumerate(tokens) if a == start), -1)
    if at < 0:
        return ""
    before = [w for w in words[:at] if w not in _ASPECTS and not _counted(w)]
    if before and before[-1][-1] in _ASPECTS and len(before[-1]) == 2:
        before[-1] = before[-1][0]  # 赶着, 喂了: jieba keeps the verb and its aspect as one word
    if before and before[-1] in _HANDLING:
        return f"{before[-1]}…{text[start:stop]}: a thing handled"
    after = words[at + 1] if at + 1 < len(words) and tokens[at][1] == stop else ""
    if after in _ALL and at + 2 < len(words):
        at, after = at + 1, words[at + 2]
    if after[:1] in _PUTTING and after[1:2] in _TO_A_PLACE:
        return f"{text[start:stop]}{after}: a thing put somewhere"
    held = words[at + 2] if after in _PUTTING and at + 2 < len(words) else ""
    if held == "的":
        return f"{text[start:stop]}{after}的: a container and what it holds"  # 饭桶装的米
    if after[:1] == "洗" and text[:start].endswith("把"):
        return f"把{text[start:stop]}{after}: a thing washed"
    return ""


def _counted(word: str) -> bool:
    """A counted measure (半个, 三个, 一套, 几只) between a verb and its object."""
    return (
        len(word) >= 2
        and all(c in _COUNTERS for c in word[:-1])
        and (word[-1] in _THING_MEASURES or word[-1] in "个套")
    )


def _said_of_a_thing(
    text: str, tokens: tuple[tuple[int, int], ...], start: int, stop: int, gap_after: bool = False
) -> str:
    """Why an insult word names an animal or a thing by the words around it ("" when
    it may name a person): the noun it modifies, a measure word or cooking. The noun it
    modifies is the word right after it, with no gap typed between them (蔡徐坤 牛逼 says
    something of 蔡徐坤); a noun that starts with a verb is a verb with its object (打|篮球)."""
    if any(y in text[:start] for y in _YOU):
        return ""  # 你这杂种狗, 你这头蠢驴: said to someone
    after = next((text[a:b] for a, b in tokens if a == stop), "")
    before = next((text[a:b] for a, b in tokens if b == start), "")
    word = text[start:stop]
    if after in _COOKING or before in _COOKING:
        cooked = f"{before}{word}" if before in _COOKING else f"{word}{after}"
        return f"{cooked}: cooked, it is food"
    if before and before[-1] in _THING_MEASURES and all(c in _COUNTERS for c in before[:-1]):
        return f"{before}{word}: counted as an animal or a portion"
    made = before in _MATERIALS or (len(before) >= 2 and before[-1] in _MATERIAL_ENDS)
    if made and word in tagged().nouns:
        return f"{before}{word}: made of {before}, a thing"
    if after in _BODY_STATES:
        return f"{word}{after}: a body or an object in this state"
    verb = text[stop + len(after) : stop + len(after) + 1] in _ASPECTS
    person = after[-1:] in _PERSON_ENDS and not _container(after)
    phrase = len(after) >= 3 and after[0] in tagged().predicates and after[1:] in tagged().nouns
    modified = not gap_after and not phrase
    if modified and after in tagged().nouns and not verb and after not in _PERSON_NOUNS and not person:
        return f"{word}{after}: it modifies the noun {after}"
    return ""


def _container(word: str) -> bool:
    """A noun in 子 whose first character measures things (盒子, 杯子, 袋子): a container,
    not a person (骗子, 疯子)."""
    return len(word) == 2 and word[1] == "子" and word[0] in tagged().measures


# Words that set a message among animals, farms, butchers, kitchens, circuses and costumes:
# an insult noun there names the animal, the food or the performer (马戏团请了三个小丑).
_THING_TEXT = (
    "马戏 万圣节 服装 戏服 面具 玩偶 道具 肉铺 菜市场 屠宰 养殖 牧场 农场 饲料 兽医 厨房 食堂 "
    "菜谱 猪圈 羊圈 草料 育种 品种"
)
_THING_WORDS = tuple(_THING_TEXT.split())
# Before the noun, these say it of someone: 他就是个马戏团小丑, 像个饭桶, 骂他猪头.
_SAID_OF_ZH = frozenset("是像叫骂")


def thing_in_context(text: str, start: int, stop: int, own: bool) -> str:
    """Why the insult noun ``text[start:stop]`` (the whole message's compact form) names an
    animal, food or a performer: a word of such a message elsewhere in it, no "you" or
    streamer in it, and no "is"/"like" before the noun. Only the streamer's words and
    the built-in insults that name animals, and only nouns."""
    word = text[start:stop]
    if not (own or word in _ANIMAL_INSULTS) or word not in tagged().nouns:
        return ""
    if any(y in text for y in _YOU) or _SAID_OF_ZH & set(text[:start]):
        return ""
    rest = text[:start] + " " + text[stop:]
    context = next((w for w in _THING_WORDS if w in rest), "")
    return f"{word}: an animal, food or a performer here ({context})" if context else ""


def _places() -> frozenset[str]:
    """Place words and institutions in jieba's dictionary (家里, 马戏团)."""
    return tagged().owners


_DETERMINERS = frozenset({"the", "a", "an", "our", "my", "his", "her", "their", "this", "that", "its"})
# Before the noun, these make it said of someone: "you ...", "is a clown", "what a clown".
_SAID_OF = frozenset(
    {"you", "your", "ur", "u", "is", "are", "was", "were", "be", "what", "such", "ya", "streamer"}
)
# A message about animals, breeding, shows, farms and the things a clown or a pig names.
_ANIMAL_TEXT = (
    "puppy puppies pup pups litter kennel breed breeder breeding heat vet retriever "
    "whelp whelped nursed show dog dogs fish loach tank aquarium reef anemone circus "
    "rodeo bull horse cage zoo car costume wig nose makeup balloon balloons juggled "
    "juggling juggler farm farms barn sty pen piglet piglets sow corn mud trough bacon "
    "pork ate born birth mask toy doll"
)
_ANIMAL_WORDS = frozenset(_ANIMAL_TEXT.split())
_EN_WORD_RE = re.compile(r"[a-z]+")


def thing_named_en(text: str, start: int, stop: int, rule: str, own: bool) -> str:
    """Why the English match ``text[start:stop]`` names an animal or a thing ("" when it
    may name a person): a determiner before it (one word may come between: the circus
    clown) in a message about animals or objects, nothing before it saying "you" or "is a";
    or a message that starts with it heading such a noun (clown fish in the tank). Only
    the streamer's words and the built-in insults that name animals (bitch)."""
    if not own and rule not in _ANIMAL_INSULTS:
        return ""
    before = _EN_WORD_RE.findall(text[:start].lower())
    after = _EN_WORD_RE.findall(text[stop:].lower())
    if _SAID_OF & set(before):
        return ""
    context = _ANIMAL_WORDS & set(before[-3:] + after)
    if not context:
        return ""
    word = text[start:stop]
    if any(d in _DETERMINERS for d in before[-2:]) or (not before and after and after[0] in _ANIMAL_WORDS):
        return f"{word}: an animal or a thing here ({sorted(context)[0]})"
    return ""
