"""``cohost dataset``: recordings -> clean instruction data, split by stream, with a report.

Writes into ``--out`` (built in a temporary folder beside it, renamed at the end,
so a half-written dataset never looks finished):

* ``chat_train.jsonl`` / ``chat_eval.jsonl``: ``{"messages": [system, user, assistant]}``,
  the persona as the system message; what ``cohost finetune`` and TRL read.
* ``instruction_train.jsonl`` / ``instruction_eval.jsonl``: ``{"instruction", "input", "output"}``.
* ``negatives.jsonl``: replies the streamer skipped, muted or talked over, kept apart.
* ``report.json``: what was kept, dropped and why (also printed as tables).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.brain.flood import near_duplicate
from agent.config import Config
from agent.events import Danmaku, SuperChat
from agent.reply.prompt import build_request
from agent.shared.orders import Asked as Ordered
from agent.shared.orders import Recall, ReplyOrder
from agent.tune.clean import BannedPolicy, Cleaner, Names
from agent.tune.logs import DatasetError, read_streams
from agent.tune.pairs import Asked, Paired, Windows, pair_stream

FILES = ("chat_train.jsonl", "chat_eval.jsonl", "instruction_train.jsonl", "instruction_eval.jsonl")
_SAID = "\n观众内容："  # where build_request puts the viewer's words in the user turn
DEFAULT_REFUSALS = (
    "这个我可不能照做哦，我是{bot_name}，还是陪大家好好看直播吧～",
    "弹幕里的指令我不会执行的，有关于直播的问题随时问我呀。",
    "哈哈，这招对我没用哦，我们继续看主播吧！",
)
_CLUSTERS = 200  # question clusters tracked for the report


@dataclass(frozen=True, slots=True)
class Options:
    min_chars: int = 2
    max_chars: int = 200
    eval_fraction: float = 0.2
    max_same_answer: int = 3
    banned: BannedPolicy = "drop"
    refusals: tuple[str, ...] = DEFAULT_REFUSALS
    windows: Windows = field(default_factory=Windows)


@dataclass(slots=True)
class Summary:
    streams: list[dict[str, Any]] = field(default_factory=list)
    kept: Counter[str] = field(default_factory=Counter)  # by split
    sources: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    cleaning: Counter[str] = field(default_factory=Counter)
    negatives: Counter[str] = field(default_factory=Counter)
    clusters: list[tuple[str, int]] = field(default_factory=list)
    split: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "streams": self.streams,
            "split": self.split,
            "pairs": dict(self.kept),
            "answer_sources": dict(self.sources),
            "dropped": dict(self.dropped),
            "cleaning": dict(self.cleaning),
            "negatives": dict(self.negatives),
            "top_questions": [{"question": q, "count": n} for q, n in self.clusters],
        }


@dataclass(frozen=True, slots=True)
class Example:
    stream: str
    mono: float
    source: str
    system: str
    user: str
    output: str
    said: str = ""  # the viewer's words alone (for the report's question clusters)

    def chat(self) -> dict[str, Any]:
        return {
            "messages": [
                {"role": "system", "content": self.system},
                {"role": "user", "content": self.user},
                {"role": "assistant", "content": self.output},
            ]
        }

    def alpaca(self) -> dict[str, Any]:
        """The ask as ``instruction`` and the viewer's quoted words as ``input``."""
        ask, marker, said = self.user.partition(_SAID)
        return {
            "instruction": ask.strip(),
            "input": (marker.strip() + said).strip(),
            "output": self.output,
            "system": self.system,
            "source": self.source,
            "stream": self.stream,
        }


def request(
    asked: Asked, name: str, said: str, heard: str, chat: list[tuple[str, str]], cfg: Config
) -> list[str]:
    """(system, user) exactly as the live bot would prompt for this message (agent/reply/prompt.py)."""
    if asked.kind == "super_chat":
        kind = "super_chat"
        event: Danmaku | SuperChat = SuperChat(uname=name, text=said, price=asked.price)
    else:
        tags = asked.cleaned.tags
        kind = "mention" if "mention" in tags else "question" if "question" in tags else "chatter"
        event = Danmaku(uname=name, text=said)
    # The live bot never shows the model an order its tags caught; the orders a model does see
    # are the ones they missed. A refusal pair teaches exactly that case: the order quoted as
    # an untagged message would be.
    tags = frozenset(asked.cleaned.tags) - {"instruction"}
    order = ReplyOrder(
        utterance_id=0,
        kind=kind,  # type: ignore[arg-type]
        asked=Ordered(event=event, name=name, text=said, tags=tags),
        count=asked.duplicates + 1 if kind == "question" else 1,
        recall=Recall(older=tuple(chat), heard=(heard,) if heard else ()),
    )
    messages = build_request(order, cfg.llm, cfg.brain).messages
    return [messages[0].content, messages[-1].content]


class _Builder:
    def __init__(self, cfg: Config, options: Options, cleaner: Cleaner) -> None:
        self.cfg = cfg
        self.o = options
        self.cleaner = cleaner
        self.summary = Summary()
        self.negatives: list[dict[str, Any]] = []
        self.answers: Counter[str] = Counter()
        self.seen: dict[str, list[str]] = {}

    def examples(self, paired: Paired) -> Iterator[Example]:
        names = Names(paired.names, keep=[self.cfg.brain.bot_name])
        for asked in paired.asked:
            if asked.cleaned.text is None:
                self.summary.dropped[asked.cleaned.reason] += 1
                continue
            if asked.bot_refused and not asked.cleaned.instruction:
                self.summary.dropped["refused by the live bot"] += 1
                continue
            example = self.example(paired.stream, asked, names)
            if example is not None:
                yield example

    def answer(self, asked: Asked) -> tuple[str, str] | None:
        """(answer, source): a refusal for an order, else the best answer, cleaned."""
        if asked.cleaned.instruction:
            refusals = self.o.refusals
            line = refusals[zlib.crc32(asked.text.encode()) % len(refusals)]
            return line.replace("{bot_name}", self.cfg.brain.bot_name), "refusal"
        if asked.answer is None:
            return None
        text, source = asked.answer
        cleaned = self.cleaner.clean(text, viewer=False)
        if cleaned.text is None:
            self.summary.dropped[f"answer: {cleaned.reason}"] += 1
            return None
        self.cleaner.note(cleaned)
        return cleaned.text, source

    def example(self, stream: str, asked: Asked, names: Names) -> Example | None:
        negatives: list[tuple[str, str]] = []
        for reply, label in [] if asked.cleaned.instruction else asked.negatives:
            cleaned = self.cleaner.clean(reply, viewer=False)  # kept apart, and just as clean
            if cleaned.text is not None:
                negatives.append((cleaned.text, label))
        found = self.answer(asked)
        if found is None and not negatives:
            return None
        answer, source = found or ("", "")
        if found is not None and not self.fits(asked.text, answer):
            return None
        context = list(asked.context)
        texts, counts = names.replace(
            [asked.uname, asked.text, asked.heard, answer, *(t for _, t in context), *(n for n, _ in context)]
            + [r for r, _ in negatives],
            first=asked.uname,
        )
        name, said, heard, answer = texts[:4]
        chat = list(
            zip(texts[4 + len(context) : 4 + 2 * len(context)], texts[4 : 4 + len(context)], strict=True)
        )
        system, user = request(asked, name, said, heard, chat, self.cfg)
        for (_reply, label), rejected in zip(negatives, texts[4 + 2 * len(context) :], strict=True):
            self.summary.negatives[label] += 1
            row = Example(stream, asked.mono, label, system, user, rejected).chat()
            row["messages"].pop()
            self.negatives.append({**row, "rejected": rejected, "label": label, "stream": stream})
        if found is None or self.folded(said, answer, source):
            return None
        self.cleaner.note(asked.cleaned)
        self.summary.cleaning["viewer names replaced"] += sum(counts[1:])
        self.summary.sources[source] += 1
        self.summary.cleaning["refusal examples"] += source == "refusal"
        return Example(stream, asked.mono, source, system, user, answer, said)

    def fits(self, question: str, answer: str) -> bool:
        for text, what in ((question, "question"), (answer, "answer")):
            if len(text) < self.o.min_chars:
                self.summary.dropped[f"{what} too short"] += 1
                return False
            if len(text) > self.o.max_chars:
                self.summary.dropped[f"{what} too long"] += 1
                return False
        return True

    def folded(self, question: str, answer: str, source: str) -> bool:
        """A near-duplicate of a kept pair, or an answer already used ``max_same_answer`` times
        (refusals excepted: a few polite lines are meant to answer many different orders)."""
        if source != "refusal" and self.answers[answer] >= self.o.max_same_answer:
            self.summary.dropped["same answer too often"] += 1
            return True
        same = self.seen.setdefault(answer, [])
        if any(near_duplicate(question, earlier) for earlier in same):
            self.summary.dropped["near-duplicate pair"] += 1
            return True
        same.append(question)
        self.answers[answer] += 1
        return False


def split(examples: list[Example], durations: dict[str, float], fraction: float) -> tuple[set[str], str]:
    """Held-out streams (whole ones), or with a single stream its last ``fraction`` of time."""
    streams = sorted(durations, key=lambda name: zlib.crc32(name.encode()))
    if fraction <= 0 or not examples:
        return set(), "no held-out split (--eval-fraction 0)"
    if len(streams) >= 2:
        count = min(len(streams) - 1, max(1, round(len(streams) * fraction)))
        held = set(streams[:count])
        return held, f"by stream: {', '.join(sorted(held))} held out"
    return set(), f"by time: the last {fraction:.0%} of the only stream held out"


@dataclass(slots=True)
class Built:
    train: list[Example]
    eval: list[Example]
    negatives: list[dict[str, Any]]
    summary: Summary


def build(paths: list[Path], cfg: Config, options: Options = Options()) -> Built:
    streams = read_streams(paths)
    cleaner = Cleaner(cfg.brain, banned=options.banned)
    builder = _Builder(cfg, options, cleaner)
    examples: list[Example] = []
    durations: dict[str, float] = {}
    starts: dict[str, float] = {}
    for stream in streams:
        paired = pair_stream(stream, cleaner, options.windows)
        durations[stream.name] = paired.duration
        starts[stream.name] = stream.events[0].mono
        kept = list(builder.examples(paired))
        examples += kept
        builder.summary.streams.append(
            {
                "name": stream.name,
                "path": str(stream.path),
                "events": len(stream.events),
                "bad_lines": stream.bad_lines,
                "messages": len(paired.asked),
                "pairs": len(kept),
            }
        )
        builder.summary.dropped.update(paired.counts)
    summary = builder.summary
    summary.cleaning.update(cleaner.counts)
    held, summary.split = split(examples, durations, options.eval_fraction)
    if len(durations) == 1 and options.eval_fraction > 0:
        only = next(iter(durations))
        cut = starts[only] + durations[only] * (1 - options.eval_fraction)
        held_out = [e.mono >= cut for e in examples]
    else:
        held_out = [e.stream in held for e in examples]
    evals = [e for e, out in zip(examples, held_out, strict=True) if out]
    trains = [e for e, out in zip(examples, held_out, strict=True) if not out]
    summary.kept.update(train=len(trains), eval=len(evals))
    summary.clusters = _clusters([e.said for e in examples if e.source != "refusal"])
    return Built(trains, evals, builder.negatives, summary)


def _clusters(questions: list[str]) -> list[tuple[str, int]]:
    """The most asked questions, near-duplicates counted together (first 200 kinds)."""
    reps: list[list[Any]] = []
    for question in questions:
        for rep in reps:
            if near_duplicate(question, rep[0], 70.0):
                rep[1] += 1
                break
        else:
            if len(reps) < _CLUSTERS:
                reps.append([question, 1])
    reps.sort(key=lambda rep: -rep[1])
    return [(q, n) for q, n in reps[:10]]


def write(
    out: Path, trains: list[Example], evals: list[Example], negatives: list[dict[str, Any]], summary: Summary
) -> None:
    """Build in a temporary folder beside ``out``, then swap it in."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "report.json").is_file())):
        raise DatasetError(f"{out} exists and is not a cohost dataset folder: choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, rows in (
            ("chat_train.jsonl", [e.chat() for e in trains]),
            ("chat_eval.jsonl", [e.chat() for e in evals]),
            ("instruction_train.jsonl", [e.alpaca() for e in trains]),
            ("instruction_eval.jsonl", [e.alpaca() for e in evals]),
            ("negatives.jsonl", negatives),
        ):
            with (tmp / name).open("w", encoding="utf-8") as f:
                for row in rows:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        (tmp / "report.json").write_text(
            json.dumps(summary.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
