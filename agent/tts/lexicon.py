"""The pronunciation lexicon: how Latin letters, abbreviations and platform words inside Chinese are said.

Chinese voices (Baker, Kokoro's Mandarin G2P, espeak's pinyin voice) either drop
Latin letters or read them as English: "SC", "B站", the G of "64G" vanish. The
lexicon turns them into characters every Mandarin voice can say: whole terms
first (``BOSS = 波斯``), then any other short or upper-case run letter by letter
(``OBS`` → 欧比艾斯). The defaults ship in ``lexicon.txt`` beside this module;
the streamer's own file (``[tts] lexicon``) is read after it and wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_FILE = Path(__file__).with_name("lexicon.txt")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_RUN = re.compile(r"[A-Za-z]+")
# A lower-case word this long is English the engine may know; shorter ones are spelled.
_SPELL_UP_TO = 3


class LexiconError(ValueError):
    """A lexicon file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Lexicon:
    terms: dict[str, str] = field(default_factory=dict)  # casefolded ASCII term or CJK term -> reading
    letters: dict[str, str] = field(default_factory=dict)  # upper-case letter -> reading
    _pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def pattern(self) -> re.Pattern[str] | None:
        if self._pattern is not None or not self.terms:
            return self._pattern
        parts = []
        for term in sorted(self.terms, key=len, reverse=True):
            escaped = re.escape(term)
            # An ASCII-only term is a whole word: "ms" must not match inside "teams".
            parts.append(escaped if _CJK.search(term) else rf"(?<![A-Za-z]){escaped}(?![A-Za-z])")
        compiled = re.compile("|".join(parts), re.IGNORECASE)
        object.__setattr__(self, "_pattern", compiled)
        return compiled

    def merged(self, other: Lexicon) -> Lexicon:
        return Lexicon({**self.terms, **other.terms}, {**self.letters, **other.letters})

    def apply(self, text: str) -> str:
        """Terms replaced, then the remaining Latin spelled (long lower-case words are kept)."""
        found = self.pattern()
        if found is not None:
            text = found.sub(lambda m: self.terms.get(m.group(0).casefold(), m.group(0)), text)
        return _LATIN_RUN.sub(self._spell, text)

    def _spell(self, match: re.Match[str]) -> str:
        word = match.group(0)
        if len(word) > _SPELL_UP_TO and word.islower():
            return f" {word} "
        return "".join(self.letters.get(letter.upper(), letter) for letter in word)


def parse(text: str, source: str = "lexicon") -> Lexicon:
    """Lines of ``term = reading``; ``#`` starts a comment. A broken line is one error naming it."""
    terms: dict[str, str] = {}
    letters: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        term, sep, reading = (part.strip() for part in line.partition("="))
        if not sep or not term or not reading:
            raise LexiconError(f"{source} line {number}: {raw.strip()!r} is not `term = reading`")
        if len(term) == 1 and term.isascii() and term.isalpha():
            letters[term.upper()] = reading
        else:
            terms[term.casefold()] = reading
    return Lexicon(terms, letters)


def load(path: str | Path | None = None) -> Lexicon:
    """The shipped defaults, with the streamer's file (if any) on top."""
    base = parse(DEFAULT_FILE.read_text(encoding="utf-8"), DEFAULT_FILE.name)
    if not path:
        return base
    own = Path(path).expanduser()
    try:
        text = own.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f'tts.lexicon: no file at {own} (create it or set lexicon = "")') from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"tts.lexicon: cannot read {own} as UTF-8 text ({exc})") from None
    return base.merged(parse(text, str(own)))
