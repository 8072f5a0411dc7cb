"""A recorded room through the real brain on a fake clock, with a voice that takes as
long to speak a reply as a person would: how many distinct questions get answered, and
how long they wait. Used by tests/test_brain_answering.py and bench/bench_answering.py."""

from __future__ import annotations

from pathlib import Path

from agent.brain.brain import Brain, Speak
from agent.brain.moderation import Moderator
from agent.brain.state import StopReply
from agent.config import BrainConfig, LlmConfig
from agent.events import Tick, UtteranceDone
from agent.llm.template import TemplateEngine
from agent.reply.prompt import Prompter
from agent.sources.replay import read_recording

# Kokoro reads Mandarin at about 4.5 characters a second.
SECONDS_PER_CHAR = 0.22
TICK_S = 0.5


def rehearse(recording: Path, cfg: BrainConfig, *, brain: Brain | None = None) -> Brain:
    """Replay ``recording`` through a brain whose replies are the template engine's lines,
    each taking as long to say as its length; returns the brain (see ``brain.tally``)."""
    llm = LlmConfig(engine="template")
    if brain is None:
        brain = Brain(cfg, Moderator.from_config(cfg))
        if cfg.fold_by_meaning:
            brain.folding.load()  # what start_loading does in the background, before the room starts
    engine = TemplateEngine(llm.template)
    prompter = Prompter(llm, cfg)
    speaking: dict[int, tuple[float, str]] = {}  # utterance id -> (ends at, text)
    now = 0.0

    def handle(event: object, at: float) -> None:
        for decision in brain.handle(event, at):  # type: ignore[arg-type]
            if isinstance(decision, Speak):
                text = engine.reply_text(prompter.request(decision.order))
                speaking[decision.order.utterance_id] = (at + len(text) * SECONDS_PER_CHAR, text)
            elif isinstance(decision, StopReply) and decision.utterance_id in speaking:
                speaking[decision.utterance_id] = (at, speaking[decision.utterance_id][1])

    def advance(until: float) -> None:
        nonlocal now
        while now < until:
            now = min(until, now + TICK_S)
            for utterance_id, (ends, text) in sorted(speaking.items()):
                if ends <= now:
                    del speaking[utterance_id]
                    handle(UtteranceDone(utterance_id=utterance_id, text=text), ends)
            handle(Tick(), now)

    end = 0.0
    for timed in read_recording(recording):
        advance(timed.mono)
        handle(timed.event, timed.mono)
        end = timed.mono
    advance(end + cfg.stale_after_s * 2)  # let what is waiting be answered or go stale
    return brain
