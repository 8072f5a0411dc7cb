"""What an overlay socket gets: which events, and how a slow page catches up.

Sans-I/O: messages (JSON-ready dicts) go in, the ones to send come out.
State-like messages (the bot's state, each source's status, each latency
metric, the subtitle) keep only their latest value; the reply's sentences and
timings keep their order in a bounded buffer; chat lines have their own
bounded buffer, so a chat flood never pushes the bot's reply out. The websocket
shell in ``overlay_routes.py`` only moves bytes.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Mapping
from typing import Any

from agent.events import Event, Metric, SourceStatus, StateChange

# What the overlay draws: the bot's reply and its timing, the streamer's subtitles,
# the status, and viewer chat (the brain's "admitted" verdicts carry the lines; a
# "filtered" copy of a shown line adds to its count).
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
        "admitted",
        "filtered",
    }
)
CHAT_LINE_TYPES = frozenset({"danmaku", "gift", "super_chat", "guard"})
# Paid lines have their own buffer: a page behind on a danmaku flood still gets every one.
PAID_LINE_TYPES = frozenset({"gift", "super_chat", "guard"})
# Chat lines a page may fall behind by: the most a page can show (?lines= in overlay/params.js),
# so a burst loses only lines that would have scrolled away anyway.
MAX_CHAT_BEHIND = 200


def latest_key(message: Mapping[str, Any]) -> str | None:
    """Messages where only the newest value matters share a key; the rest return None."""
    kind = message.get("type")
    if kind in ("state", "transcript"):
        return str(kind)
    if kind == "source_status":
        return f"source_status:{message.get('source', '')}"
    if kind == "metric":
        return f"metric:{message.get('name', '')}"
    return None


class FeedBuffer:
    """What one overlay connection has yet to be sent."""

    def __init__(self, max_lines: int, max_chat: int = MAX_CHAT_BEHIND) -> None:
        self._seq = 0
        self._latest: dict[str, tuple[int, dict[str, Any]]] = {}
        self._lines: deque[tuple[int, dict[str, Any]]] = deque()
        self._chat: deque[tuple[int, dict[str, Any]]] = deque()
        self._paid: deque[tuple[int, dict[str, Any]]] = deque()
        self.max_lines = max_lines
        self.max_chat = max_chat
        self.dropped = 0
        self.dropped_by_type: Counter[str] = Counter()
        self.coalesced = 0

    def __len__(self) -> int:
        return len(self._latest) + len(self._lines) + len(self._chat) + len(self._paid)

    def add(self, message: dict[str, Any]) -> None:
        self._seq += 1
        key = latest_key(message)
        if key is not None:
            if key in self._latest:
                self.coalesced += 1
            self._latest[key] = (self._seq, message)
            return
        kind = message.get("type")
        if kind in PAID_LINE_TYPES:
            lines, limit = self._paid, self.max_chat
        elif kind in CHAT_LINE_TYPES:
            lines, limit = self._chat, self.max_chat
        else:
            lines, limit = self._lines, self.max_lines
        if len(lines) >= limit:
            _, gone = lines.popleft()
            self.dropped += 1
            self.dropped_by_type[str(gone.get("type"))] += 1
        lines.append((self._seq, message))

    def drain(self) -> list[dict[str, Any]]:
        """Everything pending, in the order it happened, and empty the buffer."""
        pending = sorted(
            [*self._latest.values(), *self._lines, *self._chat, *self._paid], key=lambda item: item[0]
        )
        self._latest.clear()
        self._lines.clear()
        self._chat.clear()
        self._paid.clear()
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
