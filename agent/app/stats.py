"""What happened in a run: counts, filter reasons, reply outcomes, latency percentiles.

Feeds the demo's progress line and summary, ``/status`` and ``/metrics``.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

from agent.bus import EventQueue
from agent.events import (
    INPUT_TYPES,
    Event,
    Filtered,
    Metric,
    ReplySentence,
    SourceStatus,
    StateChange,
    Transcript,
    UtteranceDone,
)

LATENCY_STAGES = (
    "arrival_to_first_audio",
    "decision_to_first_token",
    "decision_to_first_sentence",
    "tts_first_sentence",
    "decision_to_first_audio",
)


_PAIRED = ("arrival_to_first_audio", "decision_to_first_audio")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100.0 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Stats:
    keep_last: int = 200
    received: Counter[str] = field(default_factory=Counter)
    filtered: Counter[tuple[str, str]] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    sentences: int = 0
    state: str = "idle"
    muted: bool = False
    topic: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    latencies: dict[str, deque[float]] = field(default_factory=dict)
    last_replies: deque[str] = field(default_factory=lambda: deque(maxlen=5))
    heard: deque[str] = field(default_factory=lambda: deque(maxlen=5))  # the streamer's last transcripts
    _by_utterance: dict[str, dict[int, float]] = field(default_factory=dict)  # for turn_waits

    def observe(self, event: Event) -> None:
        if event.type in INPUT_TYPES:
            self.received[event.type] += 1
            if isinstance(event, Transcript) and event.text:
                self.heard.append(event.text)
        elif isinstance(event, Filtered):
            self.filtered[(event.of, event.reason)] += event.events
        elif isinstance(event, ReplySentence):
            self.sentences += 1
        elif isinstance(event, UtteranceDone):
            self.outcomes[event.outcome] += 1
            if event.text:
                self.last_replies.append(event.text)
        elif isinstance(event, Metric):
            self.latencies.setdefault(event.name, deque(maxlen=self.keep_last)).append(event.ms)
            if event.utterance_id and event.name in _PAIRED:
                by_id = self._by_utterance.setdefault(event.name, {})
                by_id[event.utterance_id] = event.ms
                while len(by_id) > self.keep_last:
                    del by_id[next(iter(by_id))]
        elif isinstance(event, StateChange):
            self.state, self.muted = event.state, event.muted
            self.topic = event.topic or self.topic
        elif isinstance(event, SourceStatus):
            self.sources[event.source] = event.state

    async def run(self, queue: EventQueue) -> None:
        while True:
            self.observe(await queue.get())

    @property
    def answered(self) -> int:
        return self.outcomes["spoken"] + self.outcomes["interrupted"]

    @property
    def filtered_total(self) -> int:
        return sum(self.filtered.values())

    def turn_waits(self) -> list[float]:
        """Per reply, ms from the message arriving to the bot deciding to answer it (wall time):
        arrival_to_first_audio less decision_to_first_audio of the same utterance."""
        arrived = self._by_utterance.get("arrival_to_first_audio", {})
        decided = self._by_utterance.get("decision_to_first_audio", {})
        return [max(0.0, ms - decided[u]) for u, ms in arrived.items() if u in decided]

    def latency_table(self) -> dict[str, dict[str, float]]:
        table: dict[str, dict[str, float]] = {}
        for name in (*LATENCY_STAGES, *sorted(set(self.latencies) - set(LATENCY_STAGES))):
            values = list(self.latencies.get(name, ()))
            if values:
                table[name] = {
                    "p50": round(percentile(values, 50), 1),
                    "p95": round(percentile(values, 95), 1),
                    "last": round(values[-1], 1),
                    "n": len(values),
                }
        return table
