"""What a viewer's message may become before the brain sees it: the stateless filter.

``Moderator.check`` normalises, cuts, looks for banned words (as written, spaced out,
full-width, look-alike, pinyin and homophone spellings), scrubs contact details and
tags intent. ``Moderator.banned_in`` checks the bot's own sentences before they are
spoken or shown. Both are stateless and allocation-light: they run for every message
of a danmaku flood. The sentiment model loads in the background, in a worker process
(``start_loading``, ``wait_ready``, ``model_status``): until it is ready, and beyond
the caller's budget (``use_model=False``), sentiment is rule-based.

Lexicon files hold one entry per line, ``#`` starts a comment:

* ``傻逼``   banned as written and by sound (沙比, sha bi, 傻b...), 2+ syllables
* ``=网赌``  banned only as written (its sound collides with ordinary text: 向往独自)
* ``!读博``  allowed: a benign word that contains or sounds like a banned one; a match
  that overlaps it (and is not wholly around it) is ignored
* ``fuck*``  ASCII entries match whole words; a trailing ``*`` also takes suffixes (fucking)

Contact details (phone numbers, WeChat/QQ ids with their keyword) are replaced by a
placeholder in ``Verdict.text``; when ``block_contact_info`` is on, a message that
offers one is blocked with reason ``contact_solicit``: live rooms are where "加V"
ads and scams fish, and a co-host must never read an id aloud. Links are only
replaced by ``[链接]``: viewers share clips, and the placeholder is enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from agent.brain import normalize, sentiment, tags
from agent.config import BrainConfig, ConfigError

__all__ = ["BUILTIN_LEXICON", "LexiconError", "Moderator", "Verdict"]

BUILTIN_LEXICON = Path(__file__).resolve().parent.parent / "data" / "banned_words.txt"


@dataclass(frozen=True, slots=True)
class Verdict:
    kept: bool
    reason: str  # "" when kept; "empty", "too_long", "banned_word", "contact_solicit"
    rule: str  # the lexicon entry as written, or the rule name ("phone", "contact_id")
    text: str  # display form, cut and scrubbed: what the rest of the bot may use
    tags: frozenset[str]
    sentiment: float = 0.5


class LexiconError(ConfigError):
    """A lexicon file named in the config cannot be read. A ConfigError, so startup code
    that prints ``lines`` and exits already handles it."""

    def __init__(self, line: str) -> None:
        super().__init__([line])


@dataclass(frozen=True, slots=True)
class _Entry:
    rule: str  # as written in the lexicon, shown in verdicts
    kind: str  # "banned" | "exact" | "allow"


@dataclass(slots=True)
class _Lexicon:
    entries: list[_Entry] = field(default_factory=list)

    def add_lines(self, lines: list[str]) -> None:
        for raw in lines:
            line = raw.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            if line[0] == "!":
                self.entries.append(_Entry(line[1:].strip(), "allow"))
            elif line[0] == "=":
                self.entries.append(_Entry(line[1:].strip(), "exact"))
            else:
                self.entries.append(_Entry(line, "banned"))


def _read_lexicon(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise LexiconError(
            f"banned word file {path} does not exist (fix brain.banned_word_files in config.toml)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"banned word file {path} cannot be read as UTF-8 text: {exc}") from None


# --- contact details -----------------------------------------------------------


_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s\u3000-\u303f\uff01-\uff0f]+"
    r"|(?<![\w.@-])[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63})*"
    r"\.(?:com|cn|net|org|tv|cc|io|me|top|xyz|vip|club|site|link|live|gg|ly|co|info)\b(?:/[^\s]*)?",
    re.IGNORECASE,
)
_PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
_CONTACT_RE = re.compile(
    r"(?:微信|徽信|薇信|威信|维信|卫星|v信|wx|vx|weixin|wechat|qq|扣扣|企鹅|q群|群号|tg|telegram|电报|line)"
    r"(?:号|群|id)?\s*(?:[:：-]|是|为|号是|搜索?)?\s*"
    r"(?:[a-z][-_a-z0-9]{5,19}|\d(?:[\s-]?\d){4,11})(?![\w-])",
    re.IGNORECASE,
)
# Cheap gate in front of the three patterns above: most chat has none of these.
_MAYBE_CONTACT_RE = re.compile(
    r"\d{3}[\s-]?\d{2}|[a-z0-9][.:：]|[信扣企群号]|vx|wx|qq|tg|line|wechat|weixin|telegram",
    re.IGNORECASE,
)


def _scrub(text: str) -> tuple[str, str]:
    """(text with contact details replaced, "phone"/"contact_id"/"" for what was offered)."""
    offered = ""
    if _PHONE_RE.search(text):
        text, offered = _PHONE_RE.sub("[电话]", text), "phone"
    if _CONTACT_RE.search(text):
        text, offered = _CONTACT_RE.sub("[联系方式]", text), offered or "contact_id"
    if "." in text:
        text = _URL_RE.sub("[链接]", text)
    return text, offered


# --- the moderator -------------------------------------------------------------

_ASCII_WORD_RE = re.compile(r"[a-z0-9 ]+\*?")


class Moderator:
    """Stateless message filter built once from the lexicons; see the module docstring."""

    def __init__(
        self,
        entries: list[_Entry],
        *,
        max_chars: int = 200,
        drop_over_chars: int = 1000,
        bot_name: str = "",
        match_pinyin: bool = True,
        block_contact_info: bool = True,
        scrub_personal_info: bool = True,
        sentiment_model: bool = False,
    ) -> None:
        self._max_chars = max_chars
        self._drop_over = drop_over_chars
        self._match_pinyin = match_pinyin
        self._block_contact = block_contact_info
        self._scrub = scrub_personal_info
        self._tagger = tags.Tagger(bot_name, model=sentiment.shared() if sentiment_model else None)
        self._rules: list[str] = []
        self._cjk = ahocorasick.Automaton()  # compact form, substring match
        self._words = ahocorasick.Automaton()  # spaced form, whole ASCII words
        self._sound = ahocorasick.Automaton()  # joined pinyin, a cheap pre-filter
        self._syllables = ahocorasick.Automaton()  # "|sha|bi|", the real pinyin test
        self._allow_cjk = ahocorasick.Automaton()
        self._allow_words = ahocorasick.Automaton()
        for entry in entries:
            self._add(entry)
        for automaton in (
            self._cjk,
            self._words,
            self._sound,
            self._syllables,
            self._allow_cjk,
            self._allow_words,
        ):
            automaton.make_automaton()
        self._pinyin = normalize.pinyin_table() if match_pinyin else {}

    @classmethod
    def from_config(cls, cfg: BrainConfig) -> Moderator:
        """Load the built-in lexicon, the config's words and extra files once.

        Raises LexiconError (one line, naming the file) when a lexicon file is missing."""
        lexicon = _Lexicon()
        if cfg.builtin_lexicon:
            lexicon.add_lines(_read_lexicon(BUILTIN_LEXICON))
        for name in cfg.banned_word_files:
            lexicon.add_lines(_read_lexicon(Path(name).expanduser()))
        lexicon.entries += [_Entry(w.strip(), "banned") for w in cfg.banned_words if w.strip()]
        lexicon.entries += [_Entry(w.strip(), "allow") for w in cfg.allowed_words if w.strip()]
        return cls(
            lexicon.entries,
            max_chars=cfg.max_message_chars,
            drop_over_chars=cfg.drop_over_chars,
            bot_name=cfg.bot_name,
            match_pinyin=cfg.match_pinyin,
            block_contact_info=cfg.block_contact_info,
            scrub_personal_info=cfg.scrub_personal_info,
            sentiment_model=cfg.sentiment_model,
        )

    # -- the sentiment model --

    def start_loading(self) -> None:
        """Start loading the sentiment model in the background now, not on the first
        message that needs it; returns at once. Until it is ready sentiment is rule-based."""
        if self._tagger.model is not None:
            self._tagger.model.start_loading()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds for the sentiment model (for tools and tests that
        want its scores from the first message); True when ready or switched off."""
        return self._tagger.model is None or self._tagger.model.wait_ready(timeout)

    def model_status(self) -> str:
        """The sentiment model: ``off``, ``loading``, ``ready`` or ``failed: why``."""
        return "off" if self._tagger.model is None else self._tagger.model.status()

    # -- building --

    def _add(self, entry: _Entry) -> None:
        spaced = normalize.spaced_form(normalize.display_form(entry.rule.rstrip("*")))
        if not spaced:
            return
        index = len(self._rules)
        self._rules.append(entry.rule)
        allow = entry.kind == "allow"
        if _ASCII_WORD_RE.fullmatch(spaced + ("*" if entry.rule.endswith("*") else "")):
            prefix = entry.rule.endswith("*")
            target = self._allow_words if allow else self._words
            _add_value(target, spaced, (index, len(spaced), prefix))
            return
        compact = spaced.replace(" ", "")
        _add_value(self._allow_cjk if allow else self._cjk, compact, (index, len(compact), False))
        if allow or entry.kind == "exact" or not normalize.has_cjk(compact):
            return
        syllables = self._entry_syllables(compact)
        if syllables is not None and len(syllables) >= 2:
            _add_value(self._sound, "".join(syllables), (index, 0, False))
            _add_value(self._syllables, "|" + "|".join(syllables) + "|", (index, len(syllables), False))

    @staticmethod
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

    # -- checking --

    def check(self, text: str, *, use_model: bool = True) -> Verdict:
        """``use_model=False`` skips the sentiment model (rule-based sentiment only)."""
        raw_len = len(text)
        if raw_len > self._drop_over:
            display = normalize.display_form(text[: self._drop_over * 2], self._max_chars)
            return Verdict(False, "too_long", "", display, frozenset())
        forms = normalize.forms(text, self._max_chars)
        if not forms.display:
            return Verdict(False, "empty", "", "", frozenset())
        shown, offered = forms.display, ""
        if _MAYBE_CONTACT_RE.search(shown):
            scrubbed, offered = _scrub(shown)
            if self._scrub:
                shown = scrubbed
        rule = self._banned(forms.spaced, forms.compact)
        dropped = rule is not None or (bool(offered) and self._block_contact)
        found = self._tagger.tag(forms.display, forms.compact, use_model=use_model and not dropped)
        if rule is not None:
            return Verdict(False, "banned_word", rule, shown, found.tags, found.sentiment)
        if offered and self._block_contact:
            return Verdict(False, "contact_solicit", offered, shown, found.tags, found.sentiment)
        return Verdict(True, "", "", shown, found.tags, found.sentiment)

    def banned_in(self, text: str) -> str | None:
        """The lexicon entry a sentence of the bot's own reply contains, or None."""
        forms = normalize.forms(text)
        return self._banned(forms.spaced, forms.compact)

    def _banned(self, spaced: str, compact: str) -> str | None:
        if not compact:
            return None
        hits: list[tuple[int, int]] = []  # (length, rule index); the longest entry is reported
        for end, (index, length, _prefix) in self._cjk.iter(compact):
            if not self._allowed(self._allow_cjk, compact, end - length + 1, end + 1):
                hits.append((length, -index))
        if len(self._words) and _HAS_ASCII_RE.search(spaced):
            for end, (index, length, prefix) in self._words.iter(spaced):
                start = end - length + 1
                if not normalize.ascii_edge(spaced, start - 1):
                    continue
                if not prefix and not normalize.ascii_edge(spaced, end + 1):
                    continue
                if not self._allowed(self._allow_words, spaced, start, end + 1):
                    hits.append((length, -index))
        if not hits and self._match_pinyin and len(self._sound):
            joined = compact.translate(self._pinyin)
            if next(self._sound.iter(joined), None) is not None:
                hits = self._banned_by_sound(spaced, compact)
        return self._rules[-max(hits)[1]] if hits else None

    def _banned_by_sound(self, spaced: str, compact: str) -> list[tuple[int, int]]:
        """Slow path, only after the joined-pinyin pre-filter hit: match whole syllables
        and map each hit back to compact-form positions for the allow list."""
        stream, spans = _syllable_stream(spaced, self._pinyin)
        closing: dict[int, int] = {}  # stream offset of the "|" after syllable i -> i
        offset = 0
        for i, (syllable, _span) in enumerate(zip(stream[1:-1].split("|"), spans, strict=True)):
            offset += len(syllable) + 1
            closing[offset] = i
        hits: list[tuple[int, int]] = []
        for end, (index, count, _prefix) in self._syllables.iter(stream):
            last = closing[end]
            start, stop = spans[last - count + 1][0], spans[last][1]
            if not self._allowed(self._allow_cjk, compact, start, stop):
                hits.append((count, -index))
        return hits

    @staticmethod
    def _allowed(allow: ahocorasick.Automaton, text: str, start: int, stop: int) -> bool:
        """A banned match [start, stop) is void when an allowed word overlaps it without
        lying strictly inside it (其他妈妈 holds 他妈, but 其他 straddles it)."""
        if not len(allow):
            return False
        for end, (_index, length, _prefix) in allow.iter(text):
            a_start, a_stop = end - length + 1, end + 1
            overlaps = a_start < stop and start < a_stop
            inside = start <= a_start and a_stop <= stop and (a_start, a_stop) != (start, stop)
            if overlaps and not inside:
                return True
        return False


_HAS_ASCII_RE = re.compile(r"[a-z0-9]")
_TOKEN_PART_RE = re.compile(r"[a-z]+|[0-9]+|.")


def _add_value(automaton: ahocorasick.Automaton, key: str, value: tuple[int, int, bool]) -> None:
    if key not in automaton:  # the first entry wins; duplicates across files are common
        automaton.add_word(key, value)


def _syllable_stream(spaced: str, table: dict[int, str]) -> tuple[str, list[tuple[int, int]]]:
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
