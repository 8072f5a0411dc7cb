"""What the control API may do to the running agent, and nothing more (``agent.control.api.Controller``).

Mute, skip, reset and say are CONTROL events on the bus (``send``); ``refusal``
asks the reply stage's guard; ``status`` and ``counters`` read the stages'
own reports (the language model's breaker, the models' slots, the brain's
tally, the knowledge); the overlay feed follows the bus through
``subscribe``. The API never sees the runner, a stage or the bus itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agent.app.startup import Models
from agent.app.stats import Stats
from agent.brain.brain import Brain
from agent.bus import Bus, EventQueue
from agent.events import Control
from agent.knowledge.base import Knowledge
from agent.reply.pipeline import ReplyPipeline

if TYPE_CHECKING:  # imported when asr is on (faster-whisper's stack)
    from agent.ears.stage import Ears

# The overlay hub and other API followers: a flood's chat lines go before a reply line does.
API_QUEUE_SIZE = 256


@dataclass(frozen=True, slots=True)
class AppController:
    """Implements ``agent.control.api.Controller`` over the assembled stages."""

    bus: Bus
    brain: Brain
    reply: ReplyPipeline
    models: Models
    stats: Stats
    knowledge: Knowledge
    ears: Ears | None = None
    obs_state: Callable[[], str] | None = None

    def send(self, event: Control) -> None:
        self.bus.publish(event)

    def refusal(self, text: str) -> str | None:
        return self.reply.stages.guard(text)

    def subscribe(self, name: str, accepts: frozenset[str] | None) -> EventQueue:
        return self.bus.subscribe(name, accepts=accepts, maxsize=API_QUEUE_SIZE)

    def unsubscribe(self, queue: EventQueue) -> None:
        self.bus.unsubscribe(queue)

    def status(self) -> dict[str, Any]:
        stats, brain = self.stats, self.brain
        return {
            "state": stats.state,
            "muted": stats.muted,
            "topic": stats.topic,
            "engine": self.reply.engine.name,
            "llm": self.reply.engine.status(),
            "queues": self.bus.sizes(),
            "answering": brain.tally.summary(),
            "dropped": {name: dict(c) for name, c in self.bus.dropped().items()},
            "sources": dict(stats.sources),
            "latency_ms": stats.latency_table(),
            "replies": stats.answered,
            "received": dict(stats.received),
            "filtered": stats.filtered_total,
            "filtered_by_reason": _by_reason(stats.filtered),
            "pending": brain.pending(),
            "obs": self.obs_state() if self.obs_state is not None else "disabled",
            "models": self.models.status(),
            "sentiment_model": brain.moderator.model_status(),
            "meaning_model": brain.folding.status(),
            "knowledge": self.knowledge.report(),
            "mic": self.ears.status() if self.ears is not None else "off",
        }

    def counters(self) -> dict[str, dict[Any, float]]:
        """Counter families for ``/metrics``; a tuple key fills the family's labels in order
        (see ``agent.control.metrics.LABELS``)."""
        by_queue = {
            (queue, kind): float(n)
            for queue, counts in self.bus.dropped().items()
            for kind, n in counts.items()
        }
        dropped: dict[str, float] = {}
        for (_, kind), n in by_queue.items():
            dropped[kind] = dropped.get(kind, 0.0) + n
        out: dict[str, dict[Any, float]] = {
            "events_published_total": {k: float(v) for k, v in self.bus.published.items()},
            "events_dropped_total": dropped,
            "queue_dropped_total": by_queue,
            "filtered_total": {key: float(n) for key, n in self.stats.filtered.items()},
            "reply_outcomes_total": {k: float(v) for k, v in self.stats.outcomes.items()},
        }
        breaker = self.reply.engine.breaker
        if breaker is not None:
            out["llm_failures_total"] = {k: float(v) for k, v in breaker.failed.items()}
            out["llm_fallback_replies_total"] = {"template": float(breaker.fallback_replies)}
        return out


def _by_reason(filtered: Mapping[tuple[str, str], int]) -> dict[str, int]:
    reasons: dict[str, int] = {}
    for (_, reason), n in filtered.items():
        reasons[reason] = reasons.get(reason, 0) + n
    return reasons
