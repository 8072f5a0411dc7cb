"""Finding lexicon entries in the normalised forms of a message, and judging each find.

Candidates come from Aho-Corasick automata (C speed; most chat has none): the compact
form for Chinese entries, the spaced form for whole ASCII words and initialisms, the
pinyin syllables for entries matched by sound (also inside a run of joined pinyin that
splits more than one way: tuiqiange holds tui|qian|ge), and the reversed text. Each
candidate is then judged (``agent.brain.words``): it counts only where it stands as a
word or phrase of the message. A match by sound also yields to ordinary grammar
(``agent.brain.by_sound``: a particle, a quantity like 六盒, the correlative 越…越, three
ordinary words none of whose characters is the entry's, a person's name); an entry
marked ``$`` counts only as the whole message (你全家$); a reversed match counts only where the whole message
reads better backwards; an entry ending in a Latin letter does not count inside a
longer Latin word (加vip); an entry that ends in a contact cue (加微信, 加qq) does not count
before a noun that names the app's product (加qq|飞车); an entry that names a thing where it
stands (饭桶|里, 马戏团|的|小丑: ``agent.brain.literal``) or is used in its plain sense
(阿杰他妈的电话, don't kill yourself over it: ``agent.brain.senses``) does not count.
``find(..., explain=True)`` also returns the candidates that did not count, each with why,
for ``cohost moderate --explain``.
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass

import ahocorasick

from agent.brain import normalize
from agent.brain.by_sound import exact_void, sound_void
from agent.brain.contacts import ID_NOUNS, ends_in_cue
from agent.brain.lexicon import Entry
from agent.brain.literal import thing_in_context, thing_named, thing_named_en
from agent.brain.readings import other_readings
from agent.brain.senses import listed_sense, plain_sense_en, plain_sense_zh
from agent.brain.typed_gaps import gap_inside, gaps, latin_runs_across
from agent.brain.words import WINDOW, WordJudge

__all__ = ["Hit", "Matcher"]

_ASCII_WORD_RE = re.compile(r"[a-z0-9 ]+\*?")
_HAS_ASCII_RE = re.compile(r"[a-z0-9]")
_TOKEN_PART_RE = re.compile(r"[a-z]+|[0-9]+|.")
# A lone digit read aloud (1 夜 情, 去 4 吧); a longer run is a number, not a word's syllable.
_DIGITS = ("ling", "yi", "er", "san", "si", "wu", "liu", "qi", "ba", "jiu")
_DIGIT_SOUNDS = {ord(str(digit)): sound for digit, sound in enumerate(_DIGITS)}


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str  # the lexicon entry as written
    detector: str  # "word" | "ascii_word" | "initialism" | "sound" | "reversed"
    form: str  # the normalised form it was found in: "compact" | "spaced" | "pinyin" | "reversed"
    start: int  # [start, stop) in that form (for "pinyin": in the compact form)
    stop: int
    matched: str
    void: str = ""  # why this candidate does not count; "" when it does
    size: int = 0  # characters or syllables matched: the longest hit is reported
    order: int = 0  # the entry's place in the lexicon: the first of equals is reported


class Matcher:
    def __init__(self, entries: list[Entry], *, match_pinyin: bool = True) -> None:
        self._entries: list[Entry] = []
        self._compact: list[str] = []
        self._cjk = ahocorasick.Automaton()  # compact form, substring match
        self._words = ahocorasick.Automaton()  # spaced form, whole ASCII words
        self._sound = ahocorasick.Automaton()  # joined pinyin, a cheap pre-filter
        self._syllables = ahocorasick.Automaton()  # "|sha|bi|", the real pinyin test
        self._allow_cjk = ahocorasick.Automaton()
        self._allow_words = ahocorasick.Automaton()
        self._cue_entries: set[int] = set()  # entries that end in a contact cue (加微信)
        self._heard_last: list[tuple[str, str, int]] = []  # exact entries' sounds: see _add
        self._senses = {e.rule: tuple(e.meaning.split()) for e in entries if e.kind == "sense"}
        for entry in entries:
            if entry.kind != "sense":
                self._add(entry)
        for joined, marked, index in self._heard_last:
            self._add_sound(joined, marked, index)
        automata = (self._cjk, self._words, self._sound, self._syllables, self._allow_cjk, self._allow_words)
        for automaton in automata:
            automaton.make_automaton()
        self._match_pinyin = match_pinyin
        self._own = any(entry.own for entry in self._entries)  # the streamer's words: other readings
        self._pinyin = {**normalize.pinyin_table(), **_DIGIT_SOUNDS} if match_pinyin else {}
        judged = [c for c, e in zip(self._compact, self._entries, strict=True) if e.kind != "allow"]
        self.judge = WordJudge([c for c in judged if normalize.has_cjk(c)])

    def meaning(self, rule: str) -> str:
        return next((e.meaning for e in self._entries if e.rule == rule and e.meaning), "")

    def _add(self, entry: Entry) -> None:
        spaced = normalize.spaced_form(normalize.display_form(entry.rule.rstrip("*")))
        if not spaced:
            return
        index = len(self._entries)
        compact = spaced.replace(" ", "")
        self._entries.append(entry)
        self._compact.append(compact)
        allow = entry.kind == "allow"
        prefix = entry.rule.endswith("*")
        if entry.kind == "initialism" or _ASCII_WORD_RE.fullmatch(spaced + ("*" if prefix else "")):
            words = self._allow_words if allow else self._words
            _add_value(words, spaced, (index, len(spaced), prefix))
            # The normaliser reads a 1 between letters as i (sh1t); it stands for l as often
            # (c1own): the entry is also found with its l's read as i.
            _add_value(words, spaced.replace("l", "i"), (index, len(spaced), prefix))
            _add_value(words, spaced.replace("u", "v"), (index, len(spaced), prefix))  # fvck: v for u
            return
        _add_value(self._allow_cjk if allow else self._cjk, compact, (index, len(compact), False))
        if not allow and ends_in_cue(compact):
            self._cue_entries.add(index)
        if allow or not normalize.has_cjk(compact):
            return  # an exact entry is heard by sound too, where ``exact_void`` lets it count
        syllables = _entry_syllables(compact)
        if syllables is not None and len(syllables) >= 2:
            # A sound is held by one entry: an exact entry's only where no other has it, so
            # =死妈 (a sound-alike counts only when called or sold) leaves si ma to 司马.
            sound = ("".join(syllables), "|" + "|".join(syllables) + "|", index)
            if entry.kind == "exact":
                self._heard_last.append(sound)
            else:
                self._add_sound(*sound)

    def _add_sound(self, joined: str, marked: str, index: int) -> None:
        _add_value(self._sound, joined, (index, len(joined), False))
        _add_value(self._syllables, marked, (index, marked.count("|") - 1, False))

    # -- finding --

    def find(self, spaced: str, compact: str, *, explain: bool = False) -> list[Hit]:
        """Counted hits (and with ``explain`` the void ones too), longest first."""
        if not compact:
            return []
        hits = self._by_characters(compact, spaced) + self._by_words(spaced, "spaced")
        if (explain or not _counted(hits)) and self._sounds_like(compact):
            hits += self._by_sound(spaced, compact)
        if explain or not _counted(hits):
            hits += self._by_other_reading(spaced, compact, hits)
        if explain or not _counted(hits):
            hits += self._reversed(spaced, compact)
        if not explain:
            hits = [h for h in hits if not h.void]
        return sorted(hits, key=lambda h: (bool(h.void), -h.size, h.order))

    def _sounds_like(self, compact: str) -> bool:
        """The cheap pre-filter: an entry's joined pinyin occurs in the message's."""
        if not self._match_pinyin or not len(self._sound):
            return False
        return next(self._sound.iter(compact.translate(self._pinyin)), None) is not None

    def _hit(self, index: int, detector: str, form: str, span: tuple[int, int], text: str, void: str) -> Hit:
        start, stop = span
        size = stop - start if detector != "sound" else len(self._compact[index])
        return Hit(
            self._entries[index].rule, detector, form, start, stop, text[start:stop], void, size, index
        )

    def _by_characters(self, compact: str, spaced: str) -> list[Hit]:
        hits: list[Hit] = []
        for end, (index, length, _prefix) in self._cjk.iter(compact):
            start, stop = end - length + 1, end + 1
            void = (
                self._allowed(self._allow_cjk, compact, start, stop)
                or _alone(self._entries[index], compact, start, stop)
                or latin_runs_across(spaced, compact, start, stop)
                or self.judge.crossed(
                    compact, start, stop, heads=True, entry=self._compact[index], **gaps(spaced, start, stop)
                )
                or self._product_after(index, compact, start, stop)
                or self._thing(index, compact, spaced, start, stop)
            )
            hits.append(self._hit(index, "word", "compact", (start, stop), compact, void))
        return hits

    def _product_after(self, index: int, compact: str, start: int, stop: int) -> str:
        """A contact cue entry (加微信, 加qq) before a noun names the app's product or
        feature (加微信|读书会员, 加qq|飞车车队), not an id to add; 加微信|好友 still offers."""
        if index not in self._cue_entries:
            return ""
        word = self.judge.noun_after(compact, start, stop)
        if word and word not in ID_NOUNS:
            return f"before {word}: the app's product or feature, not an id"
        return ""

    def _thing(self, index: int, compact: str, spaced: str, start: int, stop: int) -> str:
        """Why the match names a thing (``agent.brain.literal``), judged on the window of
        text the word check segmented already (its words are cached). Nothing Chinese
        touching it: no localiser, owner or compound around it, nothing to segment."""
        if (start == 0 and stop == len(compact)) or not normalize.has_cjk(compact[start:stop]):
            return ""  # the whole message, or written in pinyin (gou zhu bo): said of someone
        if not (normalize.has_cjk(compact[start - 1 : start]) or normalize.has_cjk(compact[stop : stop + 1])):
            return ""
        low = max(0, start - WINDOW)
        window = compact[low : stop + WINDOW]
        own = self._entries[index].own
        tokens = self.judge.tokens(window)
        # A gap typed after the match, not between all its characters (杂.种.玉.米 spaces all)
        gap_after = gap_inside(spaced, stop - 1, stop + 1) and not gap_inside(spaced, start, stop)
        rule = self._entries[index].rule
        found = thing_named(window, tokens, start - low, stop - low, own, rule=rule, gap_after=gap_after)
        found = found or plain_sense_zh(rule, window, tokens, start - low, stop - low, compact)
        found = found or listed_sense(rule, self._senses, compact, start, stop)
        return found or thing_in_context(compact, start, stop, own)

    def _by_words(self, spaced: str, form: str) -> list[Hit]:
        hits: list[Hit] = []
        if not len(self._words) or not _HAS_ASCII_RE.search(spaced):
            return hits
        for end, (index, length, prefix) in self._words.iter(spaced):
            start = end - length + 1
            if not normalize.ascii_edge(spaced, start - 1):
                continue
            if not prefix and not normalize.ascii_edge(spaced, end + 1):
                continue
            if prefix and not _ending(spaced, end + 1):
                continue  # niggardly, Slutsk: another word, not an ending of the entry
            entry = self._entries[index]
            if form == "reversed" and length < 4:
                continue
            void = self._allowed(self._allow_words, spaced, start, end + 1)
            if not void and form == "spaced":
                void = thing_named_en(spaced, start, end + 1, entry.rule, entry.own)
                void = void or plain_sense_en(spaced, start, end + 1, entry.rule)
            detector = "initialism" if entry.kind == "initialism" else "ascii_word"
            detector = "reversed" if form == "reversed" else detector
            hits.append(self._hit(index, detector, form, (start, end + 1), spaced, void))
        return hits

    def _by_other_reading(self, spaced: str, compact: str, seen: list[Hit]) -> list[Hit]:
        """A streamer's own word written with a rare character read by its other reading
        (呱皮: 呱 is read gū, and guā as in 瓜皮). A sentence uses such a character seldom,
        so its second reading brings in few look-alikes (not 了, 行, 还: common)."""
        swaps = other_readings(self.judge, compact) if self._match_pinyin and self._own else {}
        if not swaps:
            return []
        done = {(h.order, h.start, h.stop) for h in seen if h.detector == "sound"}
        hits = self._by_sound(spaced, compact, ChainMap(swaps, self._pinyin))
        return [h for h in hits if self._entries[h.order].own and (h.order, h.start, h.stop) not in done]

    def _by_sound(self, spaced: str, compact: str, table: Mapping[int, str] | None = None) -> list[Hit]:
        """Whole syllables of the pinyin stream, mapped back to the compact form."""
        stream, spans = _syllable_stream(spaced, self._pinyin if table is None else table)
        closing: dict[int, int] = {}  # stream offset of the "|" after syllable i -> i
        offset = 0
        for i, syllable in enumerate(stream[1:-1].split("|")):
            offset += len(syllable) + 1
            closing[offset] = i
        found: set[tuple[int, int, int]] = set()
        for end, (index, count, _prefix) in self._syllables.iter(stream):
            last = closing[end]
            found.add((index, spans[last - count + 1][0], spans[last][1]))
        found |= self._in_joined_pinyin(spaced)
        hits: list[Hit] = []
        for index, start, stop in sorted(found):
            void = self._sound_void(index, spaced, compact, start, stop)
            hits.append(self._hit(index, "sound", "pinyin", (start, stop), compact, void))
        return hits

    def _in_joined_pinyin(self, spaced: str) -> set[tuple[int, int, int]]:
        """Entries inside a run of joined pinyin however the run splits: ``tuiqiange`` splits
        longest-first as tui|qiang|e, yet holds tui|qian|ge (退钱哥). An entry counts where the
        letters before and after it are pinyin too. (entry, start, stop) in the compact form."""
        found: set[tuple[int, int, int]] = set()
        pos = 0
        for token in spaced.split(" "):
            for part in _TOKEN_PART_RE.findall(token):
                if len(part) >= 4 and part.isascii() and part.isalpha():
                    for end, (index, length, _prefix) in self._sound.iter(part):
                        start = end - length + 1
                        before, after = part[:start], part[end + 1 :]
                        if normalize.segment_pinyin(before) is not None and (
                            normalize.segment_pinyin(after) is not None
                        ):
                            found.add((index, pos + start, pos + end + 1))
                pos += len(part)
        return found

    def _sound_void(self, index: int, spaced: str, compact: str, start: int, stop: int) -> str:
        entry = self._entries[index]
        void = (
            self._allowed(self._allow_cjk, compact, start, stop)
            or _alone(entry, compact, start, stop)
            or self.judge.crossed(
                compact, start, stop, entry=self._compact[index], **gaps(spaced, start, stop)
            )
            or self._product_after(index, compact, start, stop)
            or self._thing(index, compact, spaced, start, stop)
        )
        void = void or sound_void(self.judge, self._compact[index], entry.own, spaced, compact, start, stop)
        return void or (exact_void(self.judge, compact, start, stop) if entry.kind == "exact" else "")

    def _reversed(self, spaced: str, compact: str) -> list[Hit]:
        backwards = compact[::-1]
        hits: list[Hit] = []
        for end, (index, length, _prefix) in self._cjk.iter(backwards):
            start, stop = end - length + 1, end + 1
            whole = (start, stop) == (0, len(backwards))
            void = "" if whole else self._backwards_void(compact, backwards, start, stop)
            if backwards == compact:
                void = "reads the same both ways"
            hits.append(self._hit(index, "reversed", "reversed", (start, stop), backwards, void))
        return hits + self._by_words(spaced[::-1], "reversed")

    def _backwards_void(self, compact: str, backwards: str, start: int, stop: int) -> str:
        """An entry read backwards inside a message counts when the whole message reads
        better backwards (it was written reversed: 了来六老) and the entry is a word of that
        reading; inside text that reads forwards (大家玩云顶, 快被逼傻了) it does not."""
        if self.judge.naturalness(backwards) <= self.judge.naturalness(compact):
            return "a word read backwards inside text that reads forwards"
        return self.judge.crossed(backwards, start, stop)

    @staticmethod
    def _allowed(allow: ahocorasick.Automaton, text: str, start: int, stop: int) -> str:
        """Why a banned match [start, stop) is void by an allowed word: one that overlaps
        it without lying strictly inside it (其他妈妈 holds 他妈, but 其他 straddles it)."""
        if not len(allow):
            return ""
        for end, (_index, length, _prefix) in allow.iter(text):
            a_start, a_stop = end - length + 1, end + 1
            overlaps = a_start < stop and start < a_stop
            inside = start <= a_start and a_stop <= stop and (a_start, a_stop) != (start, stop)
            if overlaps and not inside:
                return f"allowed word {text[a_start:a_stop]}"
        return ""


# What a trailing * takes after an ASCII entry: English endings and the compounds insults
# are made of (fucking, bitches, motherfuckers, sluttiest, fuckface). A whole-word table:
# no English morphology library is a dependency, and a stemmer reads niggardly as a form.
_ENDINGS = frozenset({
    "s", "es", "ed", "d", "er", "ers", "ing", "ings", "in", "ins", "y", "ie", "ies", "ier", "iest",
    "ish", "ty", "a", "as", "az", "z", "ery", "face", "faces", "head", "heads", "wit", "wits",
    "boy", "boys", "hole", "holes", "ass", "tard", "off", "up",
})  # fmt: skip
_ASCII_RUN_RE = re.compile(r"[a-z0-9]*")


def _ending(spaced: str, index: int) -> bool:
    """True when the letters of ``spaced`` from ``index`` to the word's end are nothing or
    an ending a prefix entry takes (its last letter may be doubled first: slut|ty)."""
    rest = _ASCII_RUN_RE.match(spaced, index)
    tail = rest.group() if rest else ""
    if not tail or tail in _ENDINGS:
        return True
    return index > 0 and tail[0] == spaced[index - 1] and tail[1:] in _ENDINGS


def _alone(entry: Entry, compact: str, start: int, stop: int) -> str:
    """An entry marked ``$`` (你全家$) counts only as the whole message."""
    if entry.alone and (start, stop) != (0, len(compact)):
        return "counts only as the whole message"
    return ""


def _counted(hits: list[Hit]) -> bool:
    return any(not h.void for h in hits)


def _add_value(automaton: ahocorasick.Automaton, key: str, value: tuple[int, int, bool]) -> None:
    if key not in automaton:  # the first entry wins; duplicates across files are common
        automaton.add_word(key, value)


def _entry_syllables(compact: str) -> tuple[str, ...] | None:
    table = normalize.pinyin_table()
    out: list[str] = []
    for run in re.findall(r"[a-z]+|.", compact):
        if run.isascii():
            part = normalize.segment_pinyin(run)
            if part is None:
                return None
            out += part
        elif ord(run) in table:
            out.append(table[ord(run)])
        else:
            return None
    return tuple(out)


def _syllable_stream(spaced: str, table: Mapping[int, str]) -> tuple[str, list[tuple[int, int]]]:
    """``|sha|bi|`` for ``傻 b``, with each syllable's [start, stop) in the compact form.
    Latin runs that do not split into pinyin, digits and other scripts become ``#``."""
    syllables: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for token in spaced.split(" "):
        for part in _TOKEN_PART_RE.findall(token):
            width = len(part)
            split = normalize.segment_pinyin(part) if part.isascii() and part.isalpha() else None
            if split:
                for syllable in split:
                    syllables.append(syllable)
                    spans.append((pos, pos + len(syllable)))
                    pos += len(syllable)
                continue
            syllables.append(table.get(ord(part), "#") if width == 1 else "#")
            spans.append((pos, pos + width))
            pos += width
    return "|" + "|".join(syllables) + "|", spans
