"""What a line of chat or speech may become before it is training data.

The brain's own filters decide (``Moderator.check``: banned words, contact
details, tags, sentiment), so the dataset keeps out what the live bot keeps out.
On top of that: chat-template control strings, control characters and HTML tags
are removed, viewer names become pseudonyms (观众A, 观众B: names, so the model
still learns to copy the name from the prompt), attacks are dropped, and
prompt-injection attempts (the brain's ``instruction`` tag) are marked so they
become refusal examples.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import ahocorasick

from agent.brain.moderation import Moderator
from agent.config import BrainConfig
from agent.reply.prompt import strip_controls

BannedPolicy = Literal["drop", "mask"]

PLACEHOLDERS = ("[电话]", "[联系方式]", "[链接]")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
# Complaints about the stream itself are feedback worth answering, not attacks.
_TECHNICAL = re.compile(r"卡|声音|听不|看不|没声|延迟|掉帧|画质|糊|黑屏|lag", re.IGNORECASE)
# The brain's tags for attacks: never answered, never trained on.
ATTACK_TAGS = frozenset({"insult", "accusation"})


@dataclass(frozen=True, slots=True)
class Cleaned:
    """``text`` is None when the line is dropped, and ``reason`` says why."""

    text: str | None
    reason: str = ""
    tags: frozenset[str] = frozenset()
    sentiment: float = 0.5
    instruction: bool = False
    contact: bool = False
    masked: int = 0


def sanitize(text: str) -> str:
    """No template control strings, control characters or HTML tags; whitespace folded."""
    stripped = strip_controls(text)
    if stripped != unicodedata.normalize("NFKC", text):  # it held template control strings
        text = stripped
    text = _HTML_TAG.sub("", text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


class Cleaner:
    """Cleans viewer messages and answers with the configured lexicon; counts what it did."""

    def __init__(
        self, brain: BrainConfig, *, banned: BannedPolicy = "drop", abuse_below: float = 0.25
    ) -> None:
        # The dataset always scrubs contact details, whatever the live room does with them.
        strict = brain.model_copy(update={"block_contact_info": True, "scrub_personal_info": True})
        self.moderator = Moderator.from_config(strict)
        self.banned = banned
        self.abuse_below = abuse_below
        self.bot_name = brain.bot_name
        self.counts: Counter[str] = Counter()

    def clean(self, raw: str, *, viewer: bool = True) -> Cleaned:
        """A viewer's message (``viewer=True``) or an answer (the streamer's or the bot's words)."""
        text = sanitize(raw)
        verdict = self.moderator.check(text)
        if verdict.reason in ("empty", "too_long"):
            return Cleaned(None, "too_short" if verdict.reason == "empty" else "too_long")
        contact = any(p in verdict.text and p not in text for p in PLACEHOLDERS)
        if contact:
            text = verdict.text
        masked = 0
        if verdict.reason == "banned_word":
            if self.banned == "drop":
                return Cleaned(None, "banned_word")
            text, masked = self._mask(text)
            if not masked:
                return Cleaned(None, "banned_word")  # matched by sound or a variant: no span to mask
        instruction = viewer and ("instruction" in verdict.tags or verdict.reason == "instruction")
        attack = bool(ATTACK_TAGS & verdict.tags) or (
            verdict.sentiment < self.abuse_below and not _TECHNICAL.search(text)
        )
        if attack and not instruction:
            return Cleaned(None, "abusive", verdict.tags, verdict.sentiment)
        return Cleaned(text, "", verdict.tags, verdict.sentiment, instruction, contact, masked)

    def _mask(self, text: str, rounds: int = 8) -> tuple[str, int]:
        """Star out banned words written as they are; (text, 0) when one cannot be found as written."""
        for masked in range(rounds):
            rule = self.moderator.banned_in(text)
            if rule is None:
                return text, masked
            word = rule.rstrip("*").lstrip("=")
            found = re.search(re.escape(word), text, re.IGNORECASE) if word else None
            if found is None:
                return text, 0
            text = text[: found.start()] + "*" * len(found.group()) + text[found.end() :]
        return text, 0

    def note(self, cleaned: Cleaned) -> None:
        """Count what cleaning did to a line that went into the data."""
        if cleaned.contact:
            self.counts["contact details replaced"] += 1
        if cleaned.masked:
            self.counts["banned words masked"] += cleaned.masked


class Names:
    """Viewer names seen in a stream, replaced by pseudonyms in the order they appear in a pair."""

    def __init__(self, names: Iterable[str], keep: Iterable[str] = ()) -> None:
        kept = {k for k in keep if k}
        self._automaton = ahocorasick.Automaton()
        for name in {sanitize(n) for n in names}:
            if len(name) >= 2 and name not in kept:
                self._automaton.add_word(name, name)
        self._ready = len(self._automaton) > 0
        if self._ready:
            self._automaton.make_automaton()

    def replace(self, texts: list[str], first: str = "") -> tuple[list[str], list[int]]:
        """``texts`` with every known name replaced (``first`` becomes 观众A); and how many in each."""
        aliases: dict[str, str] = {}
        if first:
            aliases[sanitize(first)] = pseudonym(0)
        out: list[str] = []
        replaced: list[int] = []
        for text in texts:
            spans = self._spans(text)
            pieces: list[str] = []
            last = 0
            for start, stop, name in spans:
                alias = aliases.setdefault(name, pseudonym(len(aliases)))
                pieces += [text[last:start], alias]
                last = stop
            out.append("".join(pieces) + text[last:])
            replaced.append(len(spans))
        return out, replaced

    def _spans(self, text: str) -> list[tuple[int, int, str]]:
        """Longest non-overlapping name matches, left to right."""
        if not self._ready or not text:
            return []
        found = sorted(
            ((end - len(name) + 1, end + 1, name) for end, name in self._automaton.iter(text)),
            key=lambda span: (span[0], -(span[1] - span[0])),
        )
        spans: list[tuple[int, int, str]] = []
        for span in found:
            if not spans or span[0] >= spans[-1][1]:
                spans.append(span)
        return spans


def pseudonym(index: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "观众" + (letters[index] if index < len(letters) else str(index + 1))
