"""Reply text: cut a streamed reply into sentences as tokens arrive, and join them back.

Cutting lets TTS start on the first sentence (or, with ``first_clause``, on the
first clause of it) while the model is still writing; ``join_sentences`` is the
one place sentences become reply text again (memory, OBS, the log).

Pure and synchronous: ``feed`` the text pieces a reply engine yields, get back the
sentences that are complete; ``flush`` at the end for the rest. The cuts do not
depend on how the text was chunked: a boundary is only decided once the
character after it has arrived (is the "。" followed by a closing "」"? is the "."
followed by a space?), and long sentences are cut using only text already seen.
"""

from __future__ import annotations

from typing import Any

# Always end a sentence (a run of them, e.g. "！？" or "……", ends it once).
TERMINATORS = frozenset("。！？!?；;…\n")
# Kept with the sentence they close: `他说："好。"` ends after the quote.
CLOSERS = frozenset("”’」』》〉）】〕］｝)]}\"'")
# Where an over-long sentence may be cut so TTS can start early.
SOFT_BREAKS = frozenset("，,、：:")
WHITESPACE = frozenset(" \t\r\n\u3000\u00a0")

# A "." after these is not a sentence end ("Mr. Li", "e.g. this").
ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "no", "approx", "fig"}
)


class SentenceSplitter:
    """Streaming sentence splitter for Chinese and Latin text.

    ``min_chars``: a sentence shorter than this ("嗯。") is joined to the next one,
    since TTS reads a lone syllable choppily. ``max_chars``: past this length a
    sentence is cut at its last comma; ``hard_max_chars``: with no comma either, cut
    at the last space (or right there, for Chinese) so one sentence never holds
    up the voice for long.
    """

    def __init__(
        self,
        *,
        min_chars: int = 4,
        max_chars: int = 60,
        hard_max_chars: int = 100,
        first_clause: bool = False,
    ) -> None:
        if not 1 <= min_chars <= max_chars <= hard_max_chars:
            raise ValueError("need 1 <= min_chars <= max_chars <= hard_max_chars")
        self.min_chars = min_chars
        self.max_chars = max_chars
        self.hard_max_chars = hard_max_chars
        # Cut the reply's first sentence at its first clause ("大家好，") so speech starts
        # after a few characters; the rest is cut at sentence ends as usual.
        self.first_clause = first_clause
        self._first = first_clause
        self._buf = ""

    def feed(self, piece: str) -> list[str]:
        """Add a streamed piece; return the sentences it completed (possibly none)."""
        self._buf += piece
        return self._drain(final=False)

    def flush(self) -> str | None:
        """End of the reply: return what is left as the last sentence, or None if nothing is."""
        out = self._drain(final=True)
        self._buf = ""
        # With final=True every boundary is decided, so at most the tail is left;
        # join in case a pathological tail was cut more than once.
        text = "".join(out).strip() if len(out) <= 1 else " ".join(out)
        return text or None

    def reset(self) -> None:
        """Drop buffered text (the reply was interrupted)."""
        self._buf = ""
        self._first = self.first_clause

    # --- internals ---------------------------------------------------------

    def _drain(self, *, final: bool) -> list[str]:
        out: list[str] = []
        buf = self._buf
        start = _skip_space(buf, 0)
        while start < len(buf):
            end = self._next_cut(buf, start, final)
            if end is None:
                break
            sentence = buf[start:end].strip()
            if sentence:
                out.append(sentence)
                self._first = False
            start = _skip_space(buf, end)
        self._buf = buf[start:]
        return out

    def _next_cut(self, buf: str, start: int, final: bool) -> int | None:
        """End index of the next sentence starting at ``start``, or None to wait for more text."""
        boundary = self._next_boundary(buf, start, final)
        if self._first:
            clause = self._first_clause_end(buf, start, final)
            if clause is not None and (boundary is None or clause < boundary):
                return clause
        if boundary is not None and boundary - start <= self.max_chars:
            return boundary
        region_end = len(buf) if boundary is None else boundary
        if region_end - start > self.max_chars:
            comma = self._soft_break(buf, start, region_end, final)
            if comma is not None:
                return comma
        if region_end - start > self.hard_max_chars:
            limit = start + self.hard_max_chars
            space = max((i for i in range(start + self.min_chars, limit) if buf[i] in WHITESPACE), default=-1)
            return space if space > 0 else limit
        if boundary is not None:
            return boundary
        if final:
            return len(buf)
        return None

    def _next_boundary(self, buf: str, start: int, final: bool) -> int | None:
        """End (after closers) of the first sentence end at or after ``start`` long enough to stand alone."""
        i = start
        n = len(buf)
        while i < n:
            c = buf[i]
            if c == ".":
                if i + 1 == n and not final:
                    return None  # a space may follow, or a digit ("3.5")
                if not self._period_ends_sentence(buf, start, i):
                    i += 1
                    continue
            elif c not in TERMINATORS:
                i += 1
                continue
            end = i + 1
            while end < n and (buf[end] in TERMINATORS or buf[end] == "."):
                end += 1
            end = self._skip_closers(buf, start, end)
            if end == n and not final:
                return None  # more "！" or a closing quote may still come
            if len(buf[start:end].strip()) >= self.min_chars:
                return end
            i = end
        return None

    def _period_ends_sentence(self, buf: str, start: int, i: int) -> bool:
        after = buf[i + 1] if i + 1 < len(buf) else " "
        if after not in WHITESPACE and after not in CLOSERS and after != ".":
            return False  # "3.5", "example.com", "a.b"
        word_start = i
        while word_start > start and (buf[word_start - 1].isalpha() or buf[word_start - 1] == "."):
            word_start -= 1
        word = buf[word_start:i].lower()
        if word in ABBREVIATIONS:
            return False
        # A single Latin capital is an initial ("J. K. Rowling").
        return not (len(word) == 1 and word.isascii() and buf[word_start].isupper())

    @staticmethod
    def _skip_closers(buf: str, start: int, end: int) -> int:
        while end < len(buf) and buf[end] in CLOSERS:
            c = buf[end]
            # A straight quote closes only if one was opened in this sentence;
            # otherwise it opens the next one: `好。"下一句"`.
            if c in "\"'" and buf.count(c, start, end) % 2 == 0:
                break
            end += 1
        return end

    def _soft_break(self, buf: str, start: int, region_end: int, final: bool) -> int | None:
        """Where to cut an over-long sentence: the last comma within ``max_chars``, else the first one after.

        None when there is none yet (or the first one after the limit is not decided yet).
        """
        limit = start + self.max_chars
        for i in range(limit - 1, start - 1, -1):
            end = self._soft_break_end(buf, start, i, final)
            if end is not None and end <= limit:
                return end
        for i in range(limit, min(region_end, start + self.hard_max_chars)):
            if buf[i] not in SOFT_BREAKS:
                continue
            if i + 1 == len(buf) and not final:
                return None  # "1," may become "1,000"
            end = self._soft_break_end(buf, start, i, final)
            if end is not None:
                return None if end == len(buf) and not final else end
        return None

    def _first_clause_end(self, buf: str, start: int, final: bool) -> int | None:
        """End of the first clause long enough to stand alone, once it is decided."""
        for i in range(start, min(len(buf), start + self.max_chars)):
            if buf[i] not in SOFT_BREAKS:
                continue
            if i + 1 == len(buf) and not final:
                return None  # "1," may become "1,000"
            end = self._soft_break_end(buf, start, i, final)
            if end is not None and (end < len(buf) or final):
                return end
        return None

    def _soft_break_end(self, buf: str, start: int, i: int, final: bool) -> int | None:
        c = buf[i]
        if c not in SOFT_BREAKS:
            return None
        if c in ",:" and 0 < i < len(buf) - 1 and buf[i - 1].isdigit() and buf[i + 1].isdigit():
            return None  # "1,000" or "12:30"
        end = i + 1
        while end < len(buf) and buf[end] in SOFT_BREAKS:
            end += 1
        end = self._skip_closers(buf, start, end)
        if len(buf[start:end].strip()) < self.min_chars:
            return None
        return end


def _skip_space(buf: str, i: int) -> int:
    while i < len(buf) and buf[i] in WHITESPACE:
        i += 1
    return i


def split_sentences(text: str, **options: Any) -> list[str]:
    """Split a whole text at once (the same cuts as streaming it)."""
    splitter = SentenceSplitter(**options)
    out = splitter.feed(text)
    tail = splitter.flush()
    return [*out, tail] if tail else out


def _needs_space(left: str, right: str) -> bool:
    """Chinese sentences join directly; Latin ones need a space between them."""
    if not left or not right:
        return False
    return left[-1].isascii() and not left[-1].isspace() and right[0].isascii() and not right[0].isspace()


def join_sentences(parts: list[str]) -> str:
    """The reply as one text: "大家好，" + "欢迎！" -> "大家好，欢迎！", "Hi." + "Bye." -> "Hi. Bye."."""
    out = ""
    for part in parts:
        out += (" " if _needs_space(out, part) else "") + part
    return out
