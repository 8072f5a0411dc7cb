"""The streamer's knowledge file: Markdown where each ``## `` heading is a question (other
phrasings after `` | ``) and the text under it, up to the next heading, is the answer the
bot may say as it is.

    ## 这是什么游戏 | 玩的啥 | 什么游戏
    黑神话：悟空，国产单机动作游戏。

Text before the first ``## `` (a title, notes) and HTML comments ``<!-- ... -->`` are not
read. The file is the streamer's own, so it is trusted to be true; it is still checked by
``cohost knowledge check`` against the reply guard, like anything the bot says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEMO_KNOWLEDGE", "Entry", "KnowledgeError", "load_files", "parse"]

# The demo room's knowledge file: `cohost demo` answers its viewers from it.
DEMO_KNOWLEDGE = Path(__file__).resolve().parent.parent / "data" / "demo_knowledge.md"
# An answer is said aloud in one reply: longer than this is cut at a sentence end (and warned).
MAX_ANSWER_CHARS = 200
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")
_SENTENCE_END = "。！？!?.；;"


class KnowledgeError(Exception):
    """A knowledge file cannot be read; ``str()`` is one line saying what to do."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One question the streamer answered: ``phrasings[0]`` is its heading's first question."""

    phrasings: tuple[str, ...]
    answer: str
    source: str = ""  # "knowledge.md:12", or "room" for the live room's own facts

    @property
    def question(self) -> str:
        return self.phrasings[0]


def parse(text: str, source: str = "") -> tuple[list[Entry], list[str]]:
    """The entries of a knowledge file's ``text`` and one warning line per heading skipped."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text.replace("\r\n", "\n"))
    entries: list[Entry] = []
    warnings: list[str] = []
    heading: tuple[int, str] | None = None
    body: list[str] = []

    def close() -> None:
        if heading is None:
            return
        line, title = heading
        where = f"{source}:{line}" if source else f"line {line}"
        phrasings = tuple(dict.fromkeys(p.strip() for p in title.split("|") if p.strip()))
        answer = _answer(body)
        if not phrasings:
            warnings.append(f"{where}: a heading with no question: write the question after '## '")
        elif not answer:
            warnings.append(f"{where}: '{phrasings[0]}' has no answer: write it under the heading")
        else:
            entries.append(Entry(phrasings, answer, where))

    for number, line in enumerate(text.split("\n"), 1):
        match = _HEADING.match(line)
        if match:
            close()
            heading, body = (number, match.group(1)), []
        elif heading is not None:
            body.append(line)
    close()
    return entries, warnings


def _answer(lines: Iterable[str]) -> str:
    """The body as one line to say: Markdown list marks and emphasis dropped, lines joined."""
    parts = []
    for line in lines:
        line = re.sub(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|>\s*)", "", line).replace("**", "").strip()
        if line and not line.startswith("#"):
            parts.append(line)
    joined = ""
    for part in parts:
        # Chinese lines join without a space; a Latin word boundary keeps one.
        space = " " if joined and joined[-1].isascii() and part[0].isascii() else ""
        joined += space + part
    return cut(joined)


def cut(answer: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """``answer`` within ``limit`` characters, cut after the last sentence end that fits."""
    if len(answer) <= limit:
        return answer
    head = answer[:limit]
    end = max(head.rfind(mark) for mark in _SENTENCE_END)
    return head[: end + 1] if end > 0 else head


def load_files(paths: Sequence[str | Path]) -> tuple[list[Entry], list[str]]:
    """Every entry of ``paths`` in order, and the warnings; a file that cannot be read
    raises KnowledgeError naming it and the fix."""
    entries: list[Entry] = []
    warnings: list[str] = []
    for path in map(Path, paths):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise KnowledgeError(
                f"knowledge file {path} not found: create it (see `cohost config init`) "
                "or remove it from [knowledge] files"
            ) from None
        except UnicodeDecodeError:
            raise KnowledgeError(f"knowledge file {path} is not UTF-8 text: save it as UTF-8") from None
        except OSError as exc:
            raise KnowledgeError(f"knowledge file {path} cannot be read: {exc.strerror or exc}") from None
        found, problems = parse(text, path.name)
        entries += found
        warnings += problems
    return entries, warnings
