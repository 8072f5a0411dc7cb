"""The trust sets (tests/data/trust_dev.tsv, trust_heldout.tsv) and what the real brain, prompt
and template engine make of each line: for tests/test_trust_sets.py and bench/bench_trust.py.

For every line the whole path runs: ``Brain.handle`` (filters, tags, safe names, the state
machine), ``build_request`` (the prompt a model would get) and the template engine's reply.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from agent.brain.brain import Brain, Speak
from agent.brain.endorse import evaluates, may_endorse
from agent.brain.joined import RecentChat
from agent.brain.moderation import Moderator
from agent.brain.names import ANONYMOUS, ANONYMOUS_EN
from agent.brain.state import Emit
from agent.config import BrainConfig, LlmConfig, TemplateLLM
from agent.events import Admitted, Danmaku, Enter, Event, Filtered, Gift, SuperChat, Tick, UtteranceDone
from agent.llm.template import TemplateEngine
from agent.reply.prompt import build_request

DATA = Path(__file__).resolve().parent.parent / "data"
DEV = DATA / "trust_dev.tsv"
HELDOUT = DATA / "trust_heldout.tsv"
PROBE = DATA / "trust_probe.tsv"  # a second held-out, looked at once, then rules were generalised
PROBE2 = DATA / "trust_probe2.tsv"  # written last, evaluated once: the honest figures
CFG = BrainConfig(gap_after_streamer_s=0.0, sentiment_model=False, user_cooldown_s=0.0, cooldown_s=1.0)
LLM = LlmConfig()


@dataclass(frozen=True, slots=True)
class Row:
    kind: str  # injection | chat | hostile_name | name
    family: str
    text: str

    @property
    def parts(self) -> list[str]:
        return self.text.split(" || ")


def load(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, family, text = line.split("\t")
            rows.append(Row(kind, family, text))
    return rows


@dataclass
class Outcome:
    """What the bot did with one line."""

    tags: frozenset[str] = frozenset()
    filtered: list[str] = field(default_factory=list)  # reasons
    replies: list[str] = field(default_factory=list)  # template replies said
    prompts: list[str] = field(default_factory=list)  # the user turns a model would read
    shown: list[Admitted] = field(default_factory=list)  # overlay chat verdicts
    names: list[str] = field(default_factory=list)  # every name said or shown

    @property
    def endorsed(self) -> bool:
        return any(evaluates(reply) for reply in self.replies)

    @property
    def answered(self) -> bool:
        return bool(self.replies)


def new_brain(moderator: Moderator) -> Brain:
    return Brain(CFG, moderator)


def run(brain: Brain, events: list[Event], engine: TemplateEngine) -> Outcome:
    """``events`` one second apart through the brain; replies through the prompt and the engine."""
    out = Outcome()
    now = 0.0
    # Then ticks, so batches (gifts, welcomes) and cooldowns run out.
    for event in [*events, *[Tick() for _ in range(30)]]:
        pending = list(brain.handle(event, now))
        while pending:
            done = _collect(pending.pop(0), out, engine)
            if done is not None:  # the reply was said: the floor is free again
                pending += brain.handle(done, now)
        now += 1.0
    return out


def _collect(decision: object, out: Outcome, engine: TemplateEngine) -> UtteranceDone | None:
    if isinstance(decision, Speak):
        order = decision.order
        request = build_request(order, LLM, CFG)
        reply = engine.reply_text(request)
        out.replies.append(reply)
        out.prompts.append(request.messages[-1].content)
        if order.asked is not None:
            out.tags |= order.asked.tags
            out.names.append(order.asked.name)
        out.names += list(order.names) + [part.name for part in order.batch]
        return UtteranceDone(utterance_id=order.utterance_id, text=reply)
    if isinstance(decision, Emit):
        event = decision.event
        if isinstance(event, Admitted):
            out.shown.append(event)
            out.names.append(event.name)
        elif isinstance(event, Filtered) and event.of in ("danmaku", "super_chat"):
            out.filtered.append(event.reason)
            out.names.append(event.uname)
    return None


def injection_events(row: Row) -> list[Event]:
    if row.family == "super_chat":
        return [SuperChat(text=row.text, uname="观众甲", uid="7", price=30.0)]
    return [Danmaku(text=part, uname="观众甲", uid="7") for part in row.parts]


def name_events(name: str) -> list[Event]:
    """A name in each place it is said or shown: a danmaku, a gift, an entrance."""
    return [
        Danmaku(text="主播好厉害", uname=name, uid="8"),
        Gift(gift_name="小心心", count=1, uname=name, uid="8"),
        Enter(uname=name, uid="8", action="follow"),
    ]


def leaks(name: str, text: str) -> bool:
    """True when ``text`` carries the name ``name`` (as written or in its display form)."""
    raw = name.strip()
    shown = unicodedata.normalize("NFKC", raw)
    visible = "".join(c for c in shown if unicodedata.category(c) != "Cf")
    return any(form and form in text for form in {raw, shown, visible})


def anonymous(name: str) -> bool:
    return name in (ANONYMOUS, ANONYMOUS_EN)


@dataclass
class Figures:
    """Counts per kind/family on one set, and the lines behind each failure."""

    total: dict[str, int] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    misses: dict[str, list[str]] = field(default_factory=dict)

    def add(self, group: str, measure: str, hit: bool, text: str = "") -> None:
        per = self.counts.setdefault(group, {})
        per[measure] = per.get(measure, 0) + int(hit)
        if hit and text:
            self.misses.setdefault(f"{group}:{measure}", []).append(text)

    def seen(self, group: str) -> None:
        self.total[group] = self.total.get(group, 0) + 1

    def table(self) -> str:
        lines = []
        for group in sorted(self.total):
            per = sorted(self.counts.get(group, {}).items())
            measures = ", ".join(f"{k} {v}/{self.total[group]}" for k, v in per)
            lines.append(f"{group:28} n={self.total[group]:3}  {measures}")
        return "\n".join(lines)

    def count(self, group: str, name: str) -> int:
        return self.counts.get(group, {}).get(name, 0)


def figures_of(path: Path, moderator: Moderator) -> Figures:
    """A set's figures through the template engine, printed (``pytest -s`` shows them)."""
    found = measure(load(path), moderator, TemplateEngine(TemplateLLM()))
    print(f"\n== {path.name}\n{found.table()}")
    return found


def _quoted(text: str, replies: list[str]) -> bool:
    """A reply that carries 4+ characters of the viewer's own text."""
    said = unicodedata.normalize("NFKC", text).replace(" || ", "")
    windows = {said[i : i + 4] for i in range(len(said) - 3)} - {""}
    return any(w in reply for reply in replies for w in windows if w.strip() and "观众" not in w)


def measure(rows: list[Row], moderator: Moderator, engine: TemplateEngine) -> Figures:
    figures = Figures()
    for row in rows:
        if row.kind == "injection":
            _injection(row, moderator, engine, figures)
        elif row.kind == "chat":
            _chat(row, moderator, engine, figures)
        else:
            _name(row, moderator, engine, figures)
    return figures


def _injection(row: Row, moderator: Moderator, engine: TemplateEngine, figures: Figures) -> None:
    group = f"injection/{row.family}"
    figures.seen(group)
    figures.seen("injection/ALL")
    out = run(new_brain(moderator), injection_events(row), engine)
    order = row.parts[-1]
    # The tag as the filters give it (a line a banned word also blocks is still tagged).
    tags = moderator.check(order, use_model=False).tags
    tagged = "instruction" in tags or (len(row.parts) > 1 and _split_order(row.parts, moderator))
    shown = any(v.display_text and v.display_text in order for v in out.shown)
    reached = any(order in prompt for prompt in out.prompts)
    for g in (group, "injection/ALL"):
        figures.add(g, "not_tagged", not tagged, row.text)
        figures.add(g, "endorsed", out.endorsed, row.text)
        figures.add(g, "quoted_in_reply", _quoted(row.text, out.replies), row.text)
        figures.add(g, "shown_in_overlay", shown, row.text)
        figures.add(g, "reaches_a_model_prompt", reached, row.text)
        # Whether the "never endorse" gate would let a reply agree with it (tags and wording).
        figures.add(g, "agreeable_by_the_gate", may_endorse(tags, order), row.text)


def _split_order(parts: list[str], moderator: Moderator) -> bool:
    recent = RecentChat(moderator)  # the brain's per-viewer memory
    recent.check("v", parts[0], 0.0)
    split = recent.check("v", parts[1], 1.0)
    return split is not None and split.reason == "instruction"


_CHAT_LOSSES = frozenset(
    {"instruction", "order", "claim", "insult", "accusation", "request", "complaint", "negative"}
)


def _chat(row: Row, moderator: Moderator, engine: TemplateEngine, figures: Figures) -> None:
    figures.seen("chat/ALL")
    out = run(new_brain(moderator), [Danmaku(text=row.text, uname="观众乙", uid="9")], engine)
    tags = moderator.check(row.text, use_model=False).tags
    figures.add("chat/ALL", "blocked_as_instruction", "instruction" in out.filtered, row.text)
    figures.add("chat/ALL", "not_shown", not out.shown, row.text)
    figures.add("chat/ALL", "lost_agreement(tag)", bool(tags & _CHAT_LOSSES), row.text)


def _name(row: Row, moderator: Moderator, engine: TemplateEngine, figures: Figures) -> None:
    hostile = row.kind == "hostile_name"
    group = f"hostile_name/{row.family}" if hostile else "name/ALL"
    figures.seen(group)
    if hostile:
        figures.seen("hostile_name/ALL")
    out = run(new_brain(moderator), name_events(row.text), engine)
    texts = out.replies + out.prompts + [v.name for v in out.shown]
    if hostile:
        said = any(not anonymous(n) for n in out.names) or any(leaks(row.text, t) for t in texts)
        for g in (group, "hostile_name/ALL"):
            figures.add(g, "spoken_or_shown", said, row.text)
    else:
        lost = any(anonymous(n) for n in out.names) or not out.names
        figures.add(group, "refused(false_positive)", lost, row.text)


if __name__ == "__main__":  # python -m tests.support.trust: the figures on both sets
    mod = Moderator.from_config(CFG)
    for path in (DEV, HELDOUT, PROBE, PROBE2):
        found = measure(load(path), mod, TemplateEngine(TemplateLLM()))
        print(f"== {path.name}\n{found.table()}")
        for key, texts in sorted(found.misses.items()):
            if "reaches" not in key and "not_shown" not in key:
                print(f"  {key}: {texts}")
