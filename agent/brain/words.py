"""Is a lexicon match a word of the message, or characters that meet across words?

The moderator finds banned entries as substrings (Aho-Corasick, fast). Most chat has
none, so the word check runs only on a candidate: the compact text is segmented by
jieba (the lexicon's entries loaded as user words at their lowest natural frequency, so
a real word next to them still wins: 角色|情感 keeps 色情 out, 稳赚不|赔率 keeps 稳赚不赔
out; jieba's own ``add_word`` would round that frequency up and let the entry swallow
the next word) and a match is void when a word of that segmentation crosses either of
its edges. A particle that a dictionary word joins to the match (玩|吧) does not cross
it, nor does a compound the match heads (色情网站), nor any word across a typed gap.
jieba's dictionary predates live streaming: agent/data/chat_words.txt adds the chat
words it lacks (微信, 主播, 博主, 读博...), so they can cross an entry or stand as
words of their own.

More rules, each for a way sound and characters meet by accident:

* a place followed by a direction character, the match's last character then a verb
  with its aspect (窗户外|挂了, 墙|外挂着): the direction character belongs to the noun
  before it (jieba's dictionary tags give the nouns; 王者外挂 has no aspect: cheats);
* a name: an entry that is a person's name beside a given-name part (扎西|尼玛, 尼玛|次仁),
  or heading a place's name (尼玛县); a match by sound that starts with a surname, heads
  the sentence and is followed by a verb or a title (杜博|也来了: ``name_at``);
* a dictionary word that runs on from a match's last characters (六合|彩排, 法轮|功课)
  and is far likelier than the match weighed as its pieces; when what it leaves of the
  match is a dictionary word too (一夜|情话, 小黑|子弹), likelier by a smaller margin. A
  run-on word that is itself an entry (同城|约炮) is no innocent reading;
* a match followed by 着 (its last character a verb) after a word that claims its first
  characters (场外|挂着);
* a match by sound that is ordinary words and grammar (``agent.brain.by_sound``).

jieba's word graph is also completed so that every character may stand alone (a|片区:
jieba left out a lone Latin letter that begins a user word).
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

from agent.brain.word_classes import CHAT_WORDS, NAME_PARTS, chat_words, name_start, nouns, tagged

__all__ = ["CHAT_WORDS", "TITLES", "WordJudge"]


# Localisers: after a noun they say where (窗户外, 屋里, 桌上), they do not start a word.
_DIRECTIONS = frozenset("外里内上下中前后边旁")
# Degree adverbs jieba joins to the adjective after them (真傻, 太蠢): 真|傻逼.
_DEGREE = frozenset("真太好超很最挺巨贼")
# A noun suffix jieba joins to the match's last character (苟腿|子 is 苟腿 with 子: 狗腿子).
_NOUN_SUFFIX = frozenset("子")
# A common single noun before a direction character is a place (墙|外挂了, 屋|外);
# the most frequent ones are more often something else (问 is tagged a noun: 问外挂).
_PLACE_MAX_FREQ = 20_000
# Grammatical particles: a dodge by sound never needs one, ordinary sentences always do.
PARTICLES = frozenset("了的地得着过吗吧呢啊呀哦嘛么哈啦咯呗嘞")
# Particles that end a sentence: 了头下别 starts with one, so it was written backwards.
_FINAL = frozenset("了吗吧呢啊呀嘛哦啦咯呗")
_LOCK = threading.Lock()
WINDOW = 6  # characters either side of a match that decide how it is segmented
# How much likelier (log, e^5 ~ 150 times) a word running on from a match's last
# characters must be than the match itself for the match not to count (see _runs_on).
RUN_ON_MARGIN = 5.0
# The margin when the run-on reading leaves a word of its own where the match began: 一夜|情话
# (2.5 likelier in log) and 小黑|子弹 (2.9) run on; 百家|乐官|网 (1.4) does not.
HEAD_WORD_MARGIN = 2.0
_PERSON_ENDS = frozenset("人者员女男")  # a run-on word naming a person: 一夜|情人


@lru_cache(maxsize=1)
def _tokenizer() -> object:
    """jieba's shared tokenizer (also the one the TTS front end uses), initialised once,
    with the live-chat words its dictionary lacks (agent/data/chat_words.txt)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.initialize()
    with _LOCK:
        for word, count in chat_words() + chat_words(NAME_PARTS):
            if jieba.dt.FREQ.get(word, 0) < count:  # absent, or far rarer than chat uses it
                jieba.dt.add_word(word, count)
    return jieba.dt


def _own_tokenizer() -> object:
    """A tokenizer of one's own over a copy of the shared one's dictionary (~15 ms, ~15 MB:
    the copy shares its words and counts): the lexicon's entries, a streamer's own words
    among them, go into the copy, so they never change how another moderator or the TTS
    front end (which segments with the shared one) cuts a sentence."""
    import jieba

    shared = _tokenizer()
    own = jieba.Tokenizer()
    with _LOCK:
        own.FREQ = dict(shared.FREQ)  # type: ignore[attr-defined]
        own.total = shared.total  # type: ignore[attr-defined]
    own.initialized = True
    return own


class WordJudge:
    """Segments candidate text and says whether a match stands as a word."""

    def __init__(self, words: list[str]) -> None:
        tokenizer = _own_tokenizer()
        freq: dict[str, float] = tokenizer.FREQ  # type: ignore[attr-defined]
        for word in words:
            if len(word) >= 2 and not freq.get(word):
                _add_natural(tokenizer, freq, word)
        self._tokenizer = tokenizer
        self._freq = freq
        self._entries = frozenset(words)
        tagged(), name_start("")  # read the tables now: never on a message's time

    @lru_cache(maxsize=2048)  # noqa: B019  (one judge per moderator, lives as long)
    def tokens(self, text: str) -> tuple[tuple[int, int], ...]:
        """[start, stop) of each word of ``text``: jieba's best path through its word graph
        (no HMM: stable across versions; called directly, without ``cut``'s block splitting)."""
        route: dict[int, tuple[float, int]] = {}
        self._tokenizer.calc(text, self._dag(text), route)  # type: ignore[attr-defined]
        spans: list[tuple[int, int]] = []
        start = 0
        while start < len(text):
            stop = route[start][1] + 1
            spans.append((start, stop))
            start = stop
        return tuple(spans)

    def _dag(self, text: str) -> dict[int, list[int]]:
        """jieba's word graph, where every character may also stand alone: jieba leaves a
        lone character out when a longer word starts there and the character is only a
        recorded prefix (a of a片), so a|片区 could not be read at all."""
        dag: dict[int, list[int]] = self._tokenizer.get_DAG(text)  # type: ignore[attr-defined]
        for k, ends in dag.items():
            if ends[0] != k:
                ends.insert(0, k)
        return dag

    def crossed(
        self,
        text: str,
        start: int,
        stop: int,
        *,
        gap_before: bool = False,
        gap_after: bool = False,
        heads: bool = False,
        entry: str = "",
    ) -> str:
        """Why the match ``text[start:stop]`` is not a word of ``text`` ("" when it is).
        Only a window around the match is segmented: words further away cannot cross it.
        No word runs across a gap the viewer typed (``gap_before``/``gap_after``: a space
        or symbol just outside the match: 弹幕: 下头). With ``heads`` (the entry as
        written), a dictionary compound that starts with it is still it: 色情网站, 赌博机,
        毒品走私 (jieba's dictionary has ~60 such compounds of the shipped entries; a few
        are innocent: 外挂字幕, 大麻哈鱼; a streamer can allow those with ``!``). When
        ``entry`` with 子 is a dictionary word (狗腿子, 猪脑子), a word ending in that 子
        is the entry's own suffix: 苟腿|子 is 狗腿子, not the word 腿子 (外褂子 stays 褂子)."""
        suffix = _NOUN_SUFFIX if entry and self._freq.get(entry + "子") else frozenset()
        if not (_cjk_at(text, start - 1) or _cjk_at(text, stop)):
            return ""  # nothing Chinese touches it: no word can run across its edges
        low = max(0, start - WINDOW)
        text, start, stop = text[low : stop + WINDOW], start - low, stop - low
        tokens = self.tokens(text)
        for a, b in tokens:
            if heads and a == start and b > stop and stop - start >= 2:
                if text[a:b] in tagged().places:
                    return f"part of the place name {text[a:b]}"  # 尼玛县 is a county
                continue  # a compound the match heads (色情网站 is one word): still the match
            if (not gap_before and a < start < b and not _particles(text[a:start], _DEGREE)) or (
                not gap_after
                and a < stop < b
                and not _particles(text[stop:b], suffix)
                and not _per(text, stop)
            ):
                return f"the word {text[a:b]} crosses it"
        name = _next_to_name(text, tokens, start, stop)
        if name:
            return f"part of the name {name}"
        if text[start] in _DIRECTIONS and start > 0 and not gap_before and _aspect_after(text, tokens, stop):
            place = next((text[a:b] for a, b in tokens if b == start), "")
            # 窗户外|挂了, 墙|外挂着: the direction goes with the noun (a place word with it:
            # 村外, 门外; or a common noun: 墙, 楼) when the match's last character is a verb
            # with its aspect (挂了, 挂满): 王者外挂, 游戏外挂 are cheats. Not after the most
            # frequent single nouns: jieba's tags for them are loose (问 is a noun: 问外挂了吗).
            if self._place(place, text[start]):
                return f"{text[start]} belongs to the place {place}"
        if gap_after:
            return ""
        return self._verb_after_word(text, start, stop) or self._runs_on(text, start, stop, suffix)

    def _place(self, place: str, direction: str) -> bool:
        known = nouns()
        if len(place) >= 2:
            return place in known
        things = tagged().things
        if not place:
            return False
        return place + direction in known or (place in things and self._freq.get(place, 0) < _PLACE_MAX_FREQ)

    def name_at(self, text: str, start: int, stop: int) -> str:
        """A person's name (柏佳乐, 杜博): ``text[start:stop]`` starts with a character
        jieba's name model readily starts a name with (a surname: ``_name_starts``), stands
        at the start of the message, and is followed by a title or a verb, adverb or time
        (杜博|也来, 刘禾彩|今天, 曹妮|来了, ...|老师): it is the subject of the sentence.
        "" when it is not."""
        if start != 0 or stop >= len(text) or not name_start(text[start]):
            return ""
        rest = text[stop : stop + WINDOW]
        after = rest[: self.tokens(rest)[0][1]]
        if after in TITLES or after in tagged().predicates or text[stop] in TITLES:
            return text[start:stop]
        return ""

    def _verb_after_word(self, text: str, start: int, stop: int) -> str:
        """场外|挂着, 老外|挂着: 着 follows only a verb, so the match's last character is
        one here, and a dictionary word before it claims its first characters."""
        if stop >= len(text) or text[stop] != "着":
            return ""
        for a in range(max(0, start - 3), start):
            for b in range(start + 1, stop):
                if self._freq.get(text[a:b]):
                    return f"{text[b:stop]}着 is a verb after the word {text[a:b]}"
        return ""

    def _runs_on(self, text: str, start: int, stop: int, suffix: frozenset[str]) -> str:
        """The match's last characters start a dictionary word that runs past it (六合|彩排,
        法轮|功课): the text runs on when that reading is far likelier (RUN_ON_MARGIN) than
        the match weighed as its pieces (its lowest natural frequency). jieba alone weighs
        a dictionary entry at its own count (六合彩 13), and a rare compound then swallows
        the word after it; a small margin would let ordinary run-ons (色情|网站 holds 情网,
        草泥马|来了 holds 马来) void real matches."""
        for k in range(start + 1, stop):
            for j in range(stop + 1, min(len(text), k + 6) + 1):
                word = text[k:j]
                if not self._freq.get(word) or _particles(text[stop:j], suffix) or word in self._entries:
                    continue  # an entry running on is no innocent word (同城约|约炮)
                # Both readings over the same text, two characters past the word: 色情|网站
                # holds 情网, but 网站 after 色情 reads far better than 色|情网|站.
                end = min(len(text), j + 2)
                ran_on = self._logp(text[start:k]) + self._logp(word) + self._logp(text[j:end])
                kept = self._pieces(text[start:stop]) + self._logp(text[stop:end])
                if ran_on > kept + self._margin(text[start:k], word):
                    return f"the word {word} runs on from it"
        return ""

    def _margin(self, head: str, word: str) -> float:
        """How much likelier the run-on reading must be: RUN_ON_MARGIN, or HEAD_WORD_MARGIN
        when what it leaves of the match is a dictionary word of two or more characters
        (一夜|情话, 小黑|子弹: two words of their own; 色|情网|站 leaves a lone character)
        and the word running on names no person (一夜情|人 is whom a lure offers)."""
        if len(head) >= 2 and self._freq.get(head) and word[-1] not in _PERSON_ENDS:
            return HEAD_WORD_MARGIN
        return RUN_ON_MARGIN

    def _logp(self, text: str) -> float:
        """Log-probability of jieba's best segmentation of ``text`` (0 for no text)."""
        if not text:
            return 0.0
        route: dict[int, tuple[float, int]] = {}
        self._tokenizer.calc(text, self._dag(text), route)  # type: ignore[attr-defined]
        return route[0][0]

    def _pieces(self, text: str) -> float:
        """Log-probability of ``text`` cut in at least two pieces: the match weighed at its
        lowest natural frequency, whatever count the dictionary gives it as a whole."""
        return max(self._logp(text[:m]) + self._logp(text[m:]) for m in range(1, len(text)))

    def naturalness(self, text: str) -> float:
        """Log-probability per character of jieba's best segmentation: text written
        backwards falls apart into rare single characters and scores lower. A sentence
        particle (了, 吧, 吗...) ends a sentence and never starts one: text that starts with
        one and does not end with one reads backwards (了头下别), so it loses a point."""
        if not text:
            return 0.0
        route: dict[int, tuple[float, int]] = {}
        dag = self._dag(text)
        self._tokenizer.calc(text, dag, route)  # type: ignore[attr-defined]
        score = route[0][0] / len(text)
        if text[0] in _FINAL and text[-1] not in _FINAL:
            score -= 1.0
        return score

    def single_word(self, text: str, start: int, stop: int) -> bool:
        """True when jieba keeps ``text[start:stop]`` as one word."""
        low = max(0, start - WINDOW)
        return (start - low, stop - low) in self.tokens(text[low : stop + WINDOW])

    def noun_after(self, text: str, start: int, stop: int) -> str:
        """The dictionary noun of two or more characters that jieba reads as the word right
        after the match ``text[start:stop]`` (加微信|读书, 加qq|飞车), or "". Segments the
        window ``crossed`` segmented (its words are cached)."""
        if not _cjk_at(text, stop):
            return ""
        low = max(0, start - WINDOW)
        window = text[low : stop + WINDOW]
        for a, b in self.tokens(window):
            if a == stop - low:
                return window[a:b] if b - a >= 2 and window[a:b] in nouns() else ""
        return ""

    def known(self, word: str, at_least: int) -> bool:
        """A word jieba's dictionary counts at least ``at_least`` times (湘菜 7, 沙比 6)."""
        return self._freq.get(word, 0) >= at_least

    def measure(self, char: str) -> bool:
        """A measure word (个, 盒, 碗): after a numeral it makes a quantity."""
        return char in tagged().measures

    def quantity(self, word: str) -> bool:
        """A two-character numeral word (一夜, 一页): a quantity by itself."""
        return word in tagged().quantities

    def function_char(self, char: str) -> bool:
        """A preposition, adverb, pronoun or conjunction (比, 够, 谁, 和)."""
        return char in tagged().function_chars

    def predicate(self, word: str) -> bool:
        """A verb or another predicate jieba's dictionary tags (聊, 笑, 来)."""
        return word in tagged().predicates

    def adjective(self, word: str) -> bool:
        """An adjective of one or two characters (细, 高, 多)."""
        return word in tagged().adjectives

    def rare(self, char: str) -> bool:
        """A character seldom used (嫖 163 in jieba's counts, 菜 8544): a sound-alike that
        keeps it is a dodge, not ordinary words that happen to sound alike."""
        return self._freq.get(char, 0) < 1_000

    def frequent_alone(self, char: str, at_least: int) -> bool:
        """A character jieba counts at least ``at_least`` times as a word on its own."""
        return self._freq.get(char, 0) >= at_least

    def common(self, char: str) -> bool:
        """A character frequent on its own (a poor disguise, an ordinary word: 像, 想)."""
        return self._freq.get(char, 0) >= 20_000


def _add_natural(tokenizer: object, freq: dict[str, float], word: str) -> None:
    """Add ``word`` to jieba at its lowest natural frequency: the product of the
    probabilities of the dictionary pieces it splits into, a hair above so that the word
    wins over its own pieces and loses to any real word that runs across its edge
    (真人|荷|官方, 稳赚不|赔率). jieba's ``add_word`` rounds that frequency up to a whole
    count of 1, which on a dictionary of 60 million counts outweighs most real words:
    the entry then swallowed the word after it (真人荷官|方). A float keeps it exact."""
    total = float(tokenizer.total)  # type: ignore[attr-defined]
    natural = total
    for piece in tokenizer.cut(word, HMM=False):  # type: ignore[attr-defined]
        natural *= (freq.get(piece) or 1) / total
    natural *= 1.01
    freq[word] = natural
    tokenizer.total = total + natural  # type: ignore[attr-defined]
    for end in range(1, len(word)):
        freq.setdefault(word[:end], 0)  # prefixes, as add_word records them for get_DAG


# What follows a person's name: a title or a form of address.
TITLES = frozenset(
    {"老师", "同学", "先生", "女士", "小姐", "哥", "姐", "老板", "学长", "学姐", "教授", "医生", "大佬"}
)
_ASPECTS = frozenset("了着满起")  # after a verb: 挂了, 挂着, 挂满, 挂起


def _aspect_after(text: str, tokens: tuple[tuple[int, int], ...], stop: int) -> bool:
    """An aspect or result character stands alone right after ``stop`` (挂|了, not 了解)."""
    return stop < len(text) and text[stop] in _ASPECTS and (stop, stop + 1) in tokens


def _next_to_name(text: str, tokens: tuple[tuple[int, int], ...], start: int, stop: int) -> str:
    """An entry that is itself a person's name (尼玛 is a common Tibetan name) next to a
    given-name part (扎西|尼玛, 尼玛|次仁): the two are one person's name. "" otherwise."""
    tags = tagged()
    if text[start:stop] not in tags.persons:
        return ""
    for a, b in tokens:
        if (b == start or a == stop) and text[a:b] in tags.name_parts:
            return text[min(a, start) : max(b, stop)]
    return ""


def _per(text: str, stop: int) -> bool:
    """A numeral after the match, then the match's last character again as its measure:
    刷单|一单|十块 is a price per order, so 单一 is no word there."""
    return text[stop : stop + 1] in _PER_NUMERALS and text[stop + 1 : stop + 2] == text[stop - 1]


_PER_NUMERALS = frozenset("一两二三四五六七八九十每")


def _particles(text: str, also: frozenset[str] = frozenset()) -> bool:
    """True when ``text`` is only grammatical particles (or characters of ``also``): a
    word that joins one to a match (玩|吧 in 狗都不玩吧你) does not run across it, the
    particle just follows it; a degree adverb just precedes it (真傻|逼 is 真 傻逼)."""
    return all(c in PARTICLES or c in also for c in text)


def _cjk_at(text: str, index: int) -> bool:
    return 0 <= index < len(text) and "\u3400" <= text[index] <= "\u9fff"
