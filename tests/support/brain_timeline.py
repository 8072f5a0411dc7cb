"""A fake-clock driver for the brain's pure ``step()``, and the messages the brain tests feed it."""

from __future__ import annotations

from agent.brain.state import BrainState, Message, StartReply, step
from agent.config import BrainConfig
from agent.events import Danmaku, UtteranceDone

# The rules added after these tests were written (per-viewer and per-kind cooldowns,
# gift and welcome batching windows) are off here; each has its own tests below.
SIMPLE = {"user_cooldown_s": 0.0, "kind_cooldown_s": {}, "gift_batch_s": 0.0, "welcome_batch_s": 0.0}


def simple(**kwargs: object) -> BrainConfig:
    return BrainConfig(**{**SIMPLE, **kwargs})  # type: ignore[arg-type]


CFG = simple(cooldown_s=5.0, max_replies_per_minute=3, gap_after_streamer_s=1.0, stale_after_s=30.0)


class Timeline:
    """Feeds inputs at fake times and keeps every action."""

    def __init__(self, cfg: BrainConfig = CFG, fold=None) -> None:
        self.cfg = cfg
        self.state = BrainState()
        self.actions: list[object] = []
        self.fold = fold

    def at(self, now: float, item: object) -> list[object]:
        kwargs = {"fold": self.fold} if self.fold else {}
        self.state, actions = step(self.state, item, now, self.cfg, **kwargs)  # type: ignore[arg-type]
        self.actions.extend(actions)
        return list(actions)

    def finish(self, now: float) -> list[object]:
        """The reply in flight ends at ``now``."""
        return self.at(now, UtteranceDone(utterance_id=self.state.floor.in_flight))

    def starts(self) -> list[StartReply]:
        return [a for a in self.actions if isinstance(a, StartReply)]


def chat(text: str, tags: frozenset[str] = frozenset(), uname: str = "观众") -> Message:
    return Message(Danmaku(text=text, uname=uname, uid=uname), text, uname, tags)


def question(text: str, uname: str = "观众") -> Message:
    return chat(text, frozenset({"question"}), uname)
