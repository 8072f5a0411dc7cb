"""What a page that just (re)connected needs so it is never blank: the overlay's memory.

Sans-I/O, fed the same messages the pages get, with ``now`` passed in: the
last chat lines, super chats still within their paid time, the current reply
with its timing, the latest subtitle, state, sources and latencies.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from agent.control.feed import latest_key

MAX_REPLY_MESSAGES = 256  # sentences and timings of one reply kept (a runaway reply is cut)
REPLIES_KEPT = 2  # the reply being said and the one before it (its last timings may come late)
_REPLY_TYPES = frozenset({"reply_sentence", "audio", "audio_ended", "utterance_done"})


class OverlaySnapshot:
    """The overlay's state, replayable as the messages that built it."""

    def __init__(self, chat_lines: int, reply_keep_s: float, subtitle_keep_s: float = 6.0) -> None:
        self.chat_lines = chat_lines
        self.reply_keep_s = reply_keep_s  # 0 = a finished reply stays until the next one
        self.subtitle_keep_s = subtitle_keep_s  # 0 = the last subtitle stays until the next one
        self._latest: dict[str, tuple[float, dict[str, Any]]] = {}
        self._chat: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._pinned: dict[int, tuple[float, dict[str, Any]]] = {}  # line -> (paid until, message)
        self._replies: dict[int, list[dict[str, Any]]] = {}  # utterance id -> its messages
        self._done_at: dict[int, float] = {}

    def add(self, message: dict[str, Any], now: float) -> None:
        kind = message.get("type")
        key = latest_key(message)
        if key is not None:
            self._latest[key] = (now, message)
        elif kind == "super_chat":
            line = int(message["line"])
            until = self._pinned[line][0] if line in self._pinned else now + float(message["duration_s"])
            self._pinned[line] = (until, message)
        elif "line" in message:
            self._chat[int(message["line"])] = message
            self._chat.move_to_end(int(message["line"]))
            while len(self._chat) > self.chat_lines:
                self._chat.popitem(last=False)
        elif kind in _REPLY_TYPES:
            self._add_reply(message, now)

    def _add_reply(self, message: dict[str, Any], now: float) -> None:
        # utterance_done is a CONTROL event: it can overtake its reply's last sentences
        # and timings on the bus, so messages are kept per reply, not as one stream.
        utterance = int(message["utterance_id"])
        kept = self._replies.setdefault(utterance, [])
        while len(self._replies) > REPLIES_KEPT:
            oldest = min(self._replies)
            del self._replies[oldest]
            self._done_at.pop(oldest, None)
        if len(kept) < MAX_REPLY_MESSAGES:
            kept.append(message)
        if message.get("type") == "utterance_done":
            self._done_at[utterance] = now

    def messages(self, now: float) -> list[dict[str, Any]]:
        """The snapshot, oldest first; super chats carry ``remaining_s`` of their paid time."""
        out = [m for _, m in self._latest.values() if m.get("type") != "transcript"]
        out += list(self._chat.values())
        for line, (until, message) in sorted(self._pinned.items()):
            if until <= now:
                del self._pinned[line]
            else:
                out.append({**message, "remaining_s": round(until - now, 3)})
        for utterance in sorted(self._replies):
            done = self._done_at.get(utterance)
            if done is not None and self.reply_keep_s > 0 and now - done > self.reply_keep_s:
                del self._replies[utterance]
                del self._done_at[utterance]
                continue
            # Replayed in reply order, each reply's end after its words.
            out += sorted(self._replies[utterance], key=lambda m: m.get("type") == "utterance_done")
        subtitle = self._latest.get("transcript")
        if subtitle is not None and (self.subtitle_keep_s == 0 or now - subtitle[0] <= self.subtitle_keep_s):
            out.append(subtitle[1])
        return out
