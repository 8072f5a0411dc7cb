"""When a lexicon match by sound is a dodge, and when it is ordinary words that sound alike.

``agent.brain.matcher`` finds entries by their pinyin syllables (沙比, sha bi, 约pao) and
asks ``sound_void`` whether the find counts. A dodge is a word: written in pinyin, spaced
out, the whole message, one made-up word jieba keeps together, or keeping one of the
entry's characters. Ordinary text that merely sounds alike is made of ordinary words and
grammar: a word of its own (读博), a particle (白加了), a quantity (六盒菜, unless the entry
holds one: 一页情 is 一夜情), the correlative 越…越, a function word with its predicate
(沙比那边细: 比 compares; 剧透够多了: 够 grades), a function word before the rest of the
entry (钱够|主播买), three ordinary words none of whose characters is the entry's (取四把),
words that each swap one of its characters (海螺|音), a person's name at the head of a
sentence (杜博也来了, 柏佳乐同学) or introduced as one (叫孙晓川, 孙小川同学), and, where
none of the entry's characters is kept, a verb with its aspect (月跑|了), a counted unit
of time (这个|月) or a name with a title (瑟卿|学姐, 沙必良|老师). A streamer's own
two-syllable word is the hardest case: its sound-alikes are everywhere (我想猜一下 is not
香菜), so only a clear dodge counts: the forms above, the word's rare character kept
(拜嫖), one character kept and the other swapped for a character seldom written on its
own (菜苟, 彩狗: an ordinary sentence would use 够 or 才, not 苟) and not followed by a
particle (白漂了), one character kept and the other swapped for a character that is no
function word nor a common one, standing alone (九菜, 娘泡, 弱机: a made-up word; not 像菜,
吓|头, 老刘, 娘跑|了), or any sound-alike right after 你个 (你个费物, 你个才狗: a name called)
or right before 主播 (饭筒主播, 诸头主播: the streamer named by it; not 才够|主播吃, where a
function word swapped in last grades what follows). A name at the head of a sentence is
no name when a seller's pitch follows it (柏家乐|稳赚); a familiar name (老罗|聊了) is one,
and a sound-alike before 虫 or 菌 names a living thing (沙比|虫). An own word is also heard
in a rare character's second reading (呱 is gū, and guā: 呱皮), never a common one's (了).
An entry banned only as written (=杂种, =冰毒) is heard by sound only where the sentence says
what it is (``exact_void``): a name called (你个砸种), ordered about (贱仁|闭嘴) or a thing
sold (兵毒有货, da ma you huo). Grammar that no sentence has makes a dodge of what would
otherwise read as ordinary words: an adverb before a bare noun (纯纯的|才鸡), a question
particle before 的 (日你吗的), a word of its own before a pitch (耍单|日结). A streamer's
longer word heard in an adjective and a dictionary word holding the swapped character is
ordinary words (小|黑字 is not 小黑子; 云|万家 has no adjective: still 云玩家).
"""

from __future__ import annotations

from functools import lru_cache

from agent.brain import normalize
from agent.brain.contacts import starts_with_cue
from agent.brain.typed_gaps import gap_inside
from agent.brain.word_classes import name_start, nouns
from agent.brain.words import PARTICLES, TITLES, WINDOW, WordJudge

__all__ = ["exact_void", "sound_void"]

_NUMERALS = frozenset("一二两三四五六七八九十几半")
# A character swapped into a word by a dodge is one a sentence seldom uses on its own: jieba
# counts 苟 312, 彩 2318, 访 1446; the ordinary words near an own word's sound use 够 4088,
# 才 55415, 菜 8544. Below this count the swap is a spelling, not a word choice.
SWAP_MAX_FREQ = 3_000


def sound_void(
    judge: WordJudge, entry: str, own: bool, spaced: str, compact: str, start: int, stop: int
) -> str:
    """Why the match by sound ``compact[start:stop]`` of ``entry`` (its compact form) does
    not count ("" when it does). The crossing-words check has been made already. A function
    word swapped in last grades what follows (才够|主播吃); first, it is no adverb (诸头主播)."""
    span = compact[start:stop]
    if len(span) != len(entry) or span.isascii():
        return ""  # pinyin in it: nobody writes an ordinary sentence that way
    differ = [c for c, e in zip(span, entry, strict=True) if c != e]
    # 你个饭筒, 诸头主播: what someone is called, or the streamer named by it (not 才够|主播吃:
    # a function word swapped in last grades what follows)
    grading = span[-1] != entry[-1] and judge.function_char(span[-1])
    streamer = own and compact.startswith(_STREAMER, stop) and not grading
    called = compact[:start].endswith(_CALLING) or streamer
    word = judge.single_word(compact, start, stop) and judge.known(span, 1 if own else 11)
    if word and not called and not compact.startswith(_PITCH, stop):
        return f"{span} is a word of its own"  # not before a pitch: 耍单|日结 sells 刷单
    if any(c in PARTICLES for c in differ) and not _final_then_de(compact, differ, stop):
        return "a grammatical particle in it: an ordinary sentence"
    grammar = _grammar(compact, start, stop, judge, entry) or _predicate(judge, entry, spaced, compact, stop)
    if grammar:
        return grammar
    pitched = starts_with_cue(compact[stop:]) or compact.startswith(_PITCH, stop)
    if span[0] != entry[0] and judge.name_at(compact, start, stop) and not pitched:
        return f"{span} is a person's name: a surname at the head of the sentence"
    swapped_first = span[0] != entry[0]
    named = _named(compact, start, stop) or (
        _home_or_nickname(judge, compact, start, stop) if swapped_first else ""
    )
    if named:
        return named
    whole = (start, stop) == (0, len(compact))  # nothing for a function word to grade
    if len(entry) >= 3 and not (called or whole) and _function_word_first(judge, entry, compact, start, stop):
        return f"{span[0]} is a function word before {span[1:]}: ordinary grammar"
    if len(differ) == len(entry):
        ordinary = _ordinary_words(judge, compact, start, stop)
        if ordinary:
            return ordinary
    clear = whole or gap_inside(spaced, start, stop) or judge.single_word(compact, start, stop)
    if len(entry) >= 3 and len(differ) == len(entry) and not clear:
        # 取四把 is not 去死吧: three ordinary words in a row that sound like an entry,
        # none of its characters kept, is chance; a dodge keeps one (去四吧) or is one word.
        return "sounds like it, but is ordinary words with none of its characters"
    if len(entry) >= 3 and not clear and _each_word_changed(judge, entry, compact, start, stop):
        # 海螺|音 is not 海洛因: a dictionary word and the word after it, each with a
        # character of its own; a dodge keeps a word of the entry whole (一页|情, 嘉|微信).
        return "sounds like it, but each word in it is another word"
    if own and len(entry) >= 3 and not clear:
        inner = _swapped_into_word(judge, entry, compact, start, stop)
        if inner:
            return f"{inner} is a word of its own in it: ordinary words"  # 小|黑字 is not 小黑子
    if not own or len(entry) != 2 or clear:
        return ""  # clear: the whole message, spaced out, or one made-up word jieba keeps (沙比)
    called = (
        streamer or compact[:start].endswith(_CALLING[:2])
    ) and not grading  # 你个, 你这个: a noun follows
    return _own_pair(judge, entry, compact, start, stop, called)


def _own_pair(judge: WordJudge, entry: str, compact: str, start: int, stop: int, called: bool) -> str:
    """Why a sound-alike of a streamer's own two-syllable word, not a word of its own nor
    crossed, is ordinary words ("" when it is a dodge). ``called``: right after 你个 or
    你这个, or right before 主播, and no function word swapped in last to grade what follows."""
    span = compact[start:stop]
    kept = [c for c, e in zip(span, entry, strict=True) if c == e]
    differ = [c for c, e in zip(span, entry, strict=True) if c != e]
    if any(judge.rare(c) for c in kept):
        return ""  # 拜嫖: the rare character of the word kept, the other swapped
    followed = compact[stop : stop + 1]
    if called and followed not in PARTICLES:
        # 你个费物, 你这个朱头, 你个才狗: a name called; no adverb follows 个 (你这个菜够吗
        # asks with 够, which grades what follows)
        return ""
    if kept and all(not judge.frequent_alone(c, SWAP_MAX_FREQ) for c in differ) and followed not in PARTICLES:
        # 菜苟, 彩狗: one character kept, the other swapped for a seldom-used one. Not before
        # a particle: 白漂了 is a verb with its aspect particle, ordinary grammar.
        return ""
    if len(differ) != 1:
        return "sounds like your two-syllable word, but is ordinary words"
    return _made_up(judge, compact, start, stop, entry)


# After a word, these bind it into a sentence's grammar: a verb's aspect (白漂|了), a
# modifier (娘泡|的), a complement (白给|得); a final 啊 or 吧 does not.
_BINDING = frozenset("了着过的得地")


def _made_up(judge: WordJudge, compact: str, start: int, stop: int, entry: str) -> str:
    """A streamer's two-syllable word with one character kept and the other swapped for one
    that is no function word, standing alone: jieba found no word across it and it is none
    itself, so the pair is a made-up word (九菜, 娘泡, 弱机), a dodge; "" then. Ordinary
    text near the sound uses a function word or a common character (才够, 若是, 像菜), a verb
    first with its object (吓|头), binds the pair into grammar (娘跑|了), or is a familiar
    name (老刘: 老 and a surname)."""
    ordinary = "sounds like your two-syllable word, but is ordinary words"
    swapped = next(c for c, e in zip(compact[start:stop], entry, strict=True) if c != e)
    if compact[stop : stop + 1] in _BINDING or swapped in PARTICLES:
        return ordinary
    if swapped == compact[start] and swapped in _ADVERBS and _noun_only(judge, compact[start + 1 : stop]):
        return ""  # 才鸡: an adverb before a bare noun is no grammar, the pair is a word
    if judge.function_char(swapped) or judge.common(swapped):
        return ordinary
    if swapped == compact[start] and judge.predicate(swapped):
        return f"{swapped} is a verb and {compact[start + 1 : stop]} its object: ordinary grammar"
    if compact[start] in _FAMILIAR and name_start(compact[start + 1]):
        return f"{compact[start:stop]} is a familiar name: {compact[start]} and a surname"
    return ""


def _swapped_into_word(judge: WordJudge, entry: str, compact: str, start: int, stop: int) -> str:
    """A dictionary word jieba reads inside a sound-alike of a streamer's longer word that
    holds a swapped character, the rest of it adjectives that modify it (小|黑字 for 小黑子):
    ordinary text, where a dodge's swapped character stands alone (小|嘿|子) or the rest
    is no modifier (云|万家 for 云玩家). "" when there is none."""
    low = max(0, start - WINDOW)
    window = compact[low : stop + WINDOW]
    inside = [(a + low, b + low) for a, b in judge.tokens(window) if start <= a + low and b + low <= stop]
    found = ""
    for a, b in inside:
        swapped = any(compact[i] != entry[i - start] for i in range(a, b))
        if b - a >= 2 and swapped and judge.known(compact[a:b], 11):
            found = compact[a:b]
        elif not judge.adjective(compact[a:b]):
            return ""  # 云|万家: not a modifier and its noun, so no phrase of ordinary words
    return found


# Adverbs that grade or time a predicate, never a bare noun: 才鸡 is no grammar (像菜 is:
# 像 takes a noun).
_ADVERBS = frozenset("才就都也还又再很太更挺真")


# Particles that end a question or a sentence: nothing but punctuation follows them.
_FINAL_PARTICLES = frozenset("吗吧呢嘛")


def _final_then_de(compact: str, differ: list[str], stop: int) -> bool:
    """A sentence-final particle swapped in and 的 right after it (日你吗的, 去你吗的): no
    sentence ends there, so the particle stands for the entry's character (妈)."""
    return compact[stop : stop + 1] == "的" and all(c in _FINAL_PARTICLES for c in differ)


def _noun_only(judge: WordJudge, word: str) -> bool:
    """A noun that is no predicate, adjective, numeral or measure (鸡; not 记, 急, 几)."""
    return (
        word in nouns()
        and not judge.predicate(word)
        and not judge.adjective(word)
        and not judge.measure(word)
        and not judge.function_char(word)
        and word not in _NUMERALS
    )


def exact_void(judge: WordJudge, compact: str, start: int, stop: int) -> str:
    """Why a sound-alike of an entry banned only as written (=杂种, =冰毒) does not count
    ("" when it does). Its sound is ordinary text (见人, 病毒, 大妈), so it counts only where
    the sentence says what it is: a name called right after 你个 or 你这个 (你个砸种), or a
    thing sold, a seller's pitch right after it (兵毒|有货); never a dictionary word."""
    span = compact[start:stop]
    if judge.known(span, 1):
        return f"{span} is a word of its own"
    if compact[:start].endswith(_CALLING[:2]) or compact.startswith(_PITCH + _ORDERS, stop):
        return ""
    if compact.startswith(_pitch_in_pinyin(), stop) and compact[start:stop].isascii():
        return ""  # da ma you huo: the pitch written in pinyin too
    return "banned only as written: a sound-alike here is ordinary text"


# What calls someone a name right before it: 你个饭筒, 你这个..., 你这...
_CALLING = ("你个", "你这个", "你这")
# The streamer, named right after a sound-alike of a streamer's own insult: 诸头|主播.
_STREAMER = ("主播", "播主", "up主")
# Before 家, these make it someone's home or family (我们家, 你家, 他家), not a swapped 加.
_PRONOUNS = ("我", "你", "他", "她", "咱", "我们", "你们", "他们", "她们", "咱们")
# What a seller's pitch puts right after the thing sold (柏家乐|稳赚, 陆合彩|开奖): the
# sound-alike at the head is the product, not a person's name.
_PITCH = (
    "稳赚",
    "稳赢",
    "包赢",
    "必赢",
    "开奖",
    "下注",
    "开户",
    "特码",
    "返利",
    "充值",
    "有货",
    "出货",
    "上门",
    "同城",
    "便宜",
    "日结",
)
# Orders given to whoever is named right before them (贱仁|闭嘴, 砸种|滚): a name called.
_ORDERS = ("闭嘴", "滚", "爬", "去死")


@lru_cache(maxsize=1)
def _pitch_in_pinyin() -> tuple[str, ...]:
    """The pitch words in joined toneless pinyin (youhuo, kaihu)."""
    table = normalize.pinyin_table()
    return tuple("".join(table.get(ord(c), c) for c in word) for word in _PITCH)


# Where a sound-alike that keeps none of the entry's characters names a kind of living
# thing: 沙比|虫, …|菌 (an insult kept in a character is not this: 傻逼虫).
_KINDS = frozenset("虫菌藻蛙")
# Aspect particles: after a verb (跑了, 跑着, 跑过), ordinary grammar, never a dodge's word.
_ASPECT = frozenset("了着过")


# What names a person right before the name: 我表弟叫孙晓川, 她名叫….
_NAMING = ("叫", "名叫", "叫做", "名字是")


def _named(compact: str, start: int, stop: int) -> str:
    """A sound-alike of three or more characters that is a person's name ("" when it is
    not): it starts with a surname and a naming verb comes before it (叫孙晓川) or a title
    after it (孙小川同学). An insult is not introduced as a name."""
    if stop - start < 3 or not name_start(compact[start]):
        return ""
    if compact[:start].endswith(_NAMING) or compact.startswith(tuple(TITLES), stop):
        return f"{compact[start:stop]} is a person's name"
    return ""


# Before a surname, these make a familiar name of it: 老罗, 小王, 阿强.
_FAMILIAR = frozenset("老小阿")


def _home_or_nickname(judge: WordJudge, compact: str, start: int, stop: int) -> str:
    """我们家|微信群 is not 加微信: 家 after a pronoun is someone's home or family. Else a
    familiar name and what they do (``_nickname``)."""
    if compact[start] == "家" and compact[:start].endswith(_PRONOUNS):
        return "家 after a pronoun is someone's home: ordinary grammar"
    return _nickname(judge, compact, start, stop)


def _nickname(judge: WordJudge, compact: str, start: int, stop: int) -> str:
    """老罗|聊了 is not 裸聊: a familiar name (老, 小 or 阿 and a surname) heads the sentence
    and the rest of the match is the verb it does (聊; not a function word: 小沙比 is no
    one comparing). "" when it is not."""
    if start != 1 or compact[0] not in _FAMILIAR or not name_start(compact[1]):
        return ""
    rest = compact[2 : 2 + WINDOW]
    a, b = judge.tokens(rest)[0]
    verb = rest[a:b]
    if b != stop - 2 or not judge.predicate(verb) or any(judge.function_char(c) for c in verb):
        return ""
    return f"{compact[:2]} is a person's familiar name, {verb} what they do"


def _function_word_first(judge: WordJudge, entry: str, compact: str, start: int, stop: int) -> bool:
    """钱够|主播买 is not 狗主播: the entry's first character swapped for a function word
    (够 grades, 才 limits) before the rest of the entry standing as a word of its own. A
    dodge swaps in a character that names something (苟主播)."""
    span = compact[start:stop]
    if span[0] == entry[0] or span[1:] != entry[1:] or not judge.function_char(span[0]):
        return False
    return judge.single_word(compact, start + 1, stop)


def _each_word_changed(judge: WordJudge, entry: str, compact: str, start: int, stop: int) -> bool:
    """The match splits into words (one of them a dictionary word of two or more
    characters), each of which swaps a character of the entry."""
    low = max(0, start - WINDOW)
    words = [(a + low, b + low) for a, b in judge.tokens(compact[low : stop + WINDOW])]
    inside = [(a, b) for a, b in words if start <= a and b <= stop]
    if sum(b - a for a, b in inside) != stop - start or not any(b - a >= 2 for a, b in inside):
        return False
    return all(compact[a:b] != entry[a - start : b - start] and compact[a:b] not in entry for a, b in inside)


def _ordinary_words(judge: WordJudge, compact: str, start: int, stop: int) -> str:
    """A sound-alike that keeps none of the entry's characters and reads as ordinary words
    of a sentence: its last character a verb with its aspect (月跑|了), its first a unit of
    time counted by the measure or numeral before it (这个|月, 三|天), or a person's name
    with a title after it, at the head of the sentence (瑟卿|学姐, 沙必良|老师)."""
    if compact[stop : stop + 1] in _KINDS:
        return f"{compact[start:stop]}{compact[stop]} names a kind of living thing"
    if stop < len(compact) and compact[stop] in _ASPECT:
        return f"{compact[stop - 1]}{compact[stop]} is a verb with its aspect: an ordinary sentence"
    if start > 0 and judge.measure(compact[start - 1]) and judge.measure(compact[start]):
        return f"{compact[start - 1]}{compact[start]} counts {compact[start]}: a quantity"
    if start == 0 and any(compact.startswith(t, k) for k in (stop, stop + 1) for t in TITLES):
        return f"{compact[:stop]} is a person's name: a title follows it"
    return ""


def _grammar(compact: str, start: int, stop: int, judge: WordJudge, entry: str) -> str:
    """A construction of ordinary grammar inside a match by sound: a dodge is a word,
    never a quantity (六盒菜: a numeral and a measure word) or the correlative 越…越
    (越跑越远 is not 约炮). An entry that holds a quantity itself (一夜情) is still
    sounded by one (一页情)."""
    span = compact[start:stop]
    for i, c in enumerate(span[:-1]):
        if c in _NUMERALS and judge.measure(span[i + 1]) and not judge.quantity(entry[i : i + 2]):
            return f"{c}{span[i + 1]} is a number and a measure word: a quantity"
    at = span.find("越")
    if at >= 0 and "越" in compact[start + at + 2 : start + at + 5]:
        return "越…越 is grammar (the more..., the more...)"
    return ""


def _predicate(judge: WordJudge, entry: str, spaced: str, compact: str, stop: int) -> str:
    """沙比那边细, 剧透够多了: the match ends in a function word swapped in for the entry's
    character (比 compares, 够 grades, 谁 asks) and its predicate ends the clause: an
    adjective right after it, or after one word (比|那边|细, 够|多|了). A dodge names
    something; this is a sentence's grammar. A comparison takes a bare adjective: one
    character, not a degree word and an adjective (沙比主播好烂 is no comparison)."""
    last = compact[stop - 1]
    if last == entry[-1] or not judge.function_char(last):
        return ""
    end = stop
    while end < len(compact) and end - stop < 8 and not gap_inside(spaced, end - 1, end + 1):
        end += 1  # the clause runs to the next gap the viewer typed
    clause = compact[stop:end]
    words = [clause[a:b] for a, b in judge.tokens(clause)] if clause else []
    while words and all(c in PARTICLES for c in words[-1]):
        words.pop()
    if 1 <= len(words) <= 2 and len(words[-1]) == 1 and judge.adjective(words[-1]):
        return f"{last} is grammar: its predicate {''.join(words)} ends the sentence"
    return ""
