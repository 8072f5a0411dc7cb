"""Banned-word lexicons: the file format, reading files, and the entries they hold.

One entry per line, ``#`` starts a comment (a whole line, or after a space):

* ``傻逼``   banned as a word, as written and by sound (沙比, sha bi, 傻b...), 2+ syllables
* ``=网赌``  banned as written (its sound collides with ordinary text: 向往独自); by sound
  only where a name is called (你个砸种) or a seller's pitch follows (兵毒有货)
* ``!读博``  allowed: the streamer's escape hatch for a benign word the matcher still
  confuses with an entry; a match that overlaps it (and is not wholly around it) is ignored
* ``fuck*``  ASCII entries match whole words; a trailing ``*`` also takes English endings and
  insult compounds (fucking, fuckers, fuckface: ``matcher._ENDINGS``), not any letters (niggardly)
* ``你全家$``  a phrase of ordinary words that is an insult only on its own: it counts as
  the whole message (by characters or sound), never inside a longer one (祝你全家幸福);
  its insulting continuations are entries of their own (你全家死, 操你全家)
* ``^nmsl 你妈死了``  an initialism (Latin letters, matched as a whole word, also spelled
  n m s l or N.M.S.L) and what it stands for (shown by ``cohost moderate --explain``)
* ``~外挂 字幕 显卡``  an entry's everyday senses: words that, anywhere else in a message,
  show the entry is used in its ordinary sense there (外挂字幕, 外挂显卡坞 mount something
  outside, not a cheat); the entry itself is banned on a line of its own
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from agent.config import BrainConfig, ConfigError

__all__ = ["BUILTIN_LEXICON", "Entry", "Lexicon", "LexiconError", "load_entries"]

BUILTIN_LEXICON = Path(__file__).resolve().parent.parent / "data" / "banned_words.txt"


class LexiconError(ConfigError):
    """A lexicon file named in the config cannot be read. A ConfigError, so startup code
    that prints ``lines`` and exits already handles it."""

    def __init__(self, line: str) -> None:
        super().__init__([line])


@dataclass(frozen=True, slots=True)
class Entry:
    rule: str  # as written in the lexicon (without its mark), shown in verdicts
    kind: str  # "banned" | "exact" | "allow" | "initialism" | "sense" (its words in ``meaning``)
    own: bool = False  # the streamer's word (config or extra files), not the built-in list
    meaning: str = ""  # what an initialism stands for
    alone: bool = False  # ``$``: counts only as the whole message


@dataclass(slots=True)
class Lexicon:
    entries: list[Entry] = field(default_factory=list)

    def add_lines(self, lines: list[str], *, own: bool = False) -> None:
        for raw in lines:
            line = raw.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            mark = line[0]
            if mark == "!":
                self.entries.append(Entry(line[1:].strip(), "allow", own))
            elif mark == "=":
                self.entries.append(Entry(line[1:].strip(), "exact", own))
            elif mark == "~":
                word, _, senses = line[1:].strip().partition(" ")
                self.entries.append(Entry(word, "sense", own, senses.strip()))
            elif mark == "^":
                short, _, meaning = line[1:].strip().partition(" ")
                self.entries.append(Entry(short, "initialism", own, meaning.strip()))
            elif line.endswith("$") and len(line) > 1:
                self.entries.append(Entry(line[:-1].strip(), "banned", own, alone=True))
            else:
                self.entries.append(Entry(line, "banned", own))


def read_lexicon(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise LexiconError(
            f"banned word file {path} does not exist (fix brain.banned_word_files in config.toml)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"banned word file {path} cannot be read as UTF-8 text: {exc}") from None


def load_entries(cfg: BrainConfig) -> list[Entry]:
    """The built-in lexicon (unless switched off), extra files and inline words of ``cfg``.

    Raises LexiconError (one line, naming the file) when a lexicon file is missing."""
    lexicon = Lexicon()
    if cfg.builtin_lexicon:
        lexicon.add_lines(read_lexicon(BUILTIN_LEXICON))
    for name in cfg.banned_word_files:
        lexicon.add_lines(read_lexicon(Path(name).expanduser()), own=True)
    lexicon.entries += [Entry(w.strip(), "banned", True) for w in cfg.banned_words if w.strip()]
    lexicon.entries += [Entry(w.strip(), "allow", True) for w in cfg.allowed_words if w.strip()]
    return lexicon.entries + [v for e in lexicon.entries for v in look_alike_spellings(e)]


_LATIN_RE = re.compile(r"[a-z][a-z ]*\*?")
_SWAPS = {"i": "l", "l": "i", "m": "rn", "w": "vv"}


def look_alike_spellings(entry: Entry) -> list[Entry]:
    """An English entry spelled with the letters drawn like its own (issue 16): each i or
    l swapped for the other (idlot, 1oser read ioser), m as rn (rnoron), w as vv (vvhore).
    Each is an entry of its own that means ``entry.rule`` (``--explain`` shows it); at most
    six letters swap, and a spelling with a run of three letters is left out (the
    normaliser folds kiii to ki, which would then be a word of its own)."""
    word = entry.rule
    if entry.kind != "banned" or not _LATIN_RE.fullmatch(word):
        return []
    spots = [i for i, c in enumerate(word) if c in _SWAPS][:6]
    out: list[Entry] = []
    for chosen in itertools.product((False, True), repeat=len(spots)):
        if not any(chosen):
            continue
        swapped = dict(zip(spots, chosen, strict=True))
        spelled = "".join(_SWAPS[c] if swapped.get(i) else c for i, c in enumerate(word))
        if not re.search(r"(.)\1\1", spelled):
            out.append(Entry(spelled, "banned", entry.own, entry.rule, entry.alone))
    return out
