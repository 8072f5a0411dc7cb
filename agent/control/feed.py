"""The overlay feed: which events an overlay socket gets and how a slow one catches up.

Sans-I/O: events go in, JSON-ready dicts come out. State-like events (the
bot's state, each source's status, each latency metric) keep only their latest
value; reply lines keep their order in a small bounded buffer that drops the
oldest when a page falls behind. The websocket shell in ``api.py`` only moves
bytes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

from agent.events import Event, Metric, SourceStatus, StateChange, to_dict

# What the overlay draws: the bot's reply and the streamer's subtitles. Viewer chat is
# left out: every extra type is more untrusted text on stream.
OVERLAY_TYPES = frozenset(
    {
        "reply_sentence",
        "audio",
        "audio_ended",
        "utterance_done",
        "transcript",
        "state",
        "source_status",
        "metric",
    }
)


def _latest_key(event: Event) -> str | None:
    """Events where only the newest value matters share a key; lines return None."""
    if event.type in ("state", "transcript"):
        return event.type
    if event.type == "source_status":
        return f"source_status:{getattr(event, 'source', '')}"
    if event.type == "metric":
        return f"metric:{getattr(event, 'name', '')}"
    return None


class FeedBuffer:
    """What one overlay connection has yet to be sent."""

    def __init__(self, max_lines: int) -> None:
        self._seq = 0
        self._latest: dict[str, tuple[int, dict[str, Any]]] = {}
        self._lines: deque[tuple[int, dict[str, Any]]] = deque()
        self.max_lines = max_lines
        self.dropped = 0
        self.coalesced = 0

    def __len__(self) -> int:
        return len(self._latest) + len(self._lines)

    def add(self, event: Event) -> None:
        if event.type not in OVERLAY_TYPES:
            return
        self._seq += 1
        message = to_dict(event)
        key = _latest_key(event)
        if key is not None:
            if key in self._latest:
                self.coalesced += 1
            self._latest[key] = (self._seq, message)
            return
        if len(self._lines) >= self.max_lines:
            self._lines.popleft()
            self.dropped += 1
        self._lines.append((self._seq, message))

    def drain(self) -> list[dict[str, Any]]:
        """Everything pending, in the order it happened, and empty the buffer."""
        pending = sorted([*self._latest.values(), *self._lines], key=lambda item: item[0])
        self._latest.clear()
        self._lines.clear()
        return [message for _, message in pending]


def snapshot_events(status: Mapping[str, Any]) -> list[Event]:
    """Events that bring a freshly connected page up to date from ``Controller.status()``."""
    events: list[Event] = []
    state = status.get("state")
    if isinstance(state, str):
        events.append(
            StateChange(
                state=state,
                muted=bool(status.get("muted", False)),
                topic=str(status.get("topic", "") or ""),
            )
        )
    sources = status.get("sources")
    if isinstance(sources, Mapping):
        events += [SourceStatus(source=str(name), state=str(st)) for name, st in sources.items()]
    latency = status.get("latency_ms")
    if isinstance(latency, Mapping):
        for name, stats in latency.items():
            last = stats.get("last") if isinstance(stats, Mapping) else None
            if isinstance(last, int | float) and not isinstance(last, bool):
                events.append(Metric(name=str(name), ms=float(last)))
    return events
