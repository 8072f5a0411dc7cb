"""Who is flooding the chat: per-viewer rate, one viewer repeating, many viewers echoing.

``FloodControl`` is the stateful half of the filters. It never reads a clock (``now``
is passed in, any monotonic seconds) and its memory is bounded: at most
``flood_max_users`` viewers and a fixed number of recent message keys, the least
recently seen forgotten first, entries older than their window dropped as ``now``
moves on.

Reasons returned: ``user_rate`` (more than ``user_max_messages`` in
``user_window_s``), ``repeat`` (the same viewer, a near-identical message within
``repeat_window_s``), ``flood`` (more than ``duplicate_max`` viewers sent the same
message within ``duplicate_window_s``: the extra copies carry nothing new).
Every message counts toward the limits, blocked or not, so a viewer who keeps
spamming stays blocked.
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from functools import lru_cache
from itertools import islice

from rapidfuzz import fuzz, process

from agent.brain import normalize
from agent.config import BrainConfig

__all__ = ["FloodControl", "dup_key", "first_near_duplicate", "near_duplicate"]

# Particles and laughter that do not change what a message asks, and the ways of
# addressing the streamer (主播这个多少钱 asks what 这个多少钱 asks).
_FILLERS = frozenset("啊呀吧呢哦嘛啦哈么嗯噢喔")
_VOCATIVE_RE = re.compile(r"主播|up主|老师")
_TOKEN_RE = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_RECENT_PER_USER = 4  # messages of one viewer compared for "repeat"
_MAX_ECHO_KEYS = 4096  # message keys tracked for "flood": a busy room's window


@lru_cache(maxsize=16384)
def dup_key(text: str) -> str:
    """Order-free form of a message for comparing: Chinese characters and Latin words
    of its match form, fillers dropped, sorted, joined. 主播这个多少钱啊？ and
    这个多少钱主播 give the same key."""
    return _key(normalize.forms(text).spaced)


def _key(spaced: str) -> str:
    bare = _VOCATIVE_RE.sub(" ", spaced)
    tokens = [t for t in _TOKEN_RE.findall(bare) if t not in _FILLERS]
    if not tokens:  # 哈哈哈, 主播!: the fillers are the message
        tokens = _TOKEN_RE.findall(spaced)
    return "".join(sorted(tokens))


def _similar(a: str, b: str, threshold: float) -> bool:
    """Whether two message keys say the same thing (rapidfuzz ratio >= ``threshold``)."""
    if a == b:
        return True
    size_a, size_b = len(a), len(b)
    if size_a < 3 or size_b < 3:  # one character apart is a different short message
        return False
    # The ratio is 200 * common / (size_a + size_b), and common <= the shorter size: keys whose
    # sizes differ this much cannot reach the threshold (most pairs folding compares).
    if abs(size_a - size_b) * 100 > (100 - threshold) * (size_a + size_b):
        return False
    return fuzz.ratio(a, b, score_cutoff=threshold) >= threshold


def near_duplicate(a: str, b: str, threshold: float = 85.0) -> bool:
    """Whether two chat messages say the same thing: 主播这个多少钱 ~ 主播这个多少钱啊？
    ~ 这个多少钱主播. Pure; ``threshold`` is a rapidfuzz ratio (0-100) on ``dup_key``."""
    return _similar(dup_key(a), dup_key(b), threshold)


def first_near_duplicate(texts: list[str], text: str, threshold: float = 85.0) -> int | None:
    """The index of the first of ``texts`` that ``near_duplicate(t, text, threshold)`` holds
    for, or None: the same answer, with one rapidfuzz call comparing all of them."""
    key = dup_key(text)
    keys = list(map(dup_key, texts))
    if len(key) < 3:  # (``_similar``: shorter keys are only ever the same or different)
        return keys.index(key) if key in keys else None
    # The same key scores 100: rapidfuzz finds it with the near ones.
    close = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=threshold, limit=None)
    return min((i for other, _, i in close if len(other) >= 3), default=None)


class FloodControl:
    def __init__(self, cfg: BrainConfig) -> None:
        self._max_messages = cfg.user_max_messages
        self._window = cfg.user_window_s
        self._repeat_window = cfg.repeat_window_s
        self._dup_window = cfg.duplicate_window_s
        self._dup_max = cfg.duplicate_max
        self._threshold = cfg.duplicate_threshold
        self._max_users = cfg.flood_max_users
        self._max_chars = cfg.max_message_chars
        # Per viewer, their last messages (time, key), newest last: as many as the rate limit
        # counts, and at least the _RECENT_PER_USER that "repeat" compares.
        self._kept = max(self._max_messages, _RECENT_PER_USER)
        self._viewers: OrderedDict[str, deque[tuple[float, str]]] = OrderedDict()
        self._echoes: OrderedDict[str, deque[float]] = OrderedDict()

    def check(self, uid: str, text: str, now: float) -> str | None:
        """None when the message may pass, else the reason; records it either way."""
        # The moderator asks for the same forms of the same text: one of us hits the cache. An
        # uncut text's key is ``dup_key``'s (cached): folding the kept message then finds it.
        found = normalize.forms(text, self._max_chars)
        key = dup_key(text) if found is normalize.forms(text) else _key(found.spaced)
        viewers = self._viewers
        sent = viewers.get(uid)
        if sent is None:
            sent = viewers[uid] = deque(maxlen=self._kept)
            if len(viewers) > self._max_users:
                viewers.popitem(last=False)
        else:
            viewers.move_to_end(uid)
        reason = None
        limit = self._max_messages
        if len(sent) >= limit and now - sent[-limit][0] < self._window:
            reason = "user_rate"
        if reason is None and self._repeat_window > 0 and sent and self._repeats(sent, key, now):
            reason = "repeat"
        sent.append((now, key))
        if self._dup_window > 0 and key:
            echoed = self._echo(key, now)
            if reason is None and echoed:
                reason = "flood"
        return reason

    def _repeats(self, sent: deque[tuple[float, str]], key: str, now: float) -> bool:
        """Whether ``key`` says what the viewer said in their last messages, within the repeat window."""
        window, threshold = self._repeat_window, self._threshold
        for then, earlier in islice(reversed(sent), _RECENT_PER_USER):
            if now - then <= window and _similar(key, earlier, threshold):
                return True
        return False

    def _echo(self, key: str, now: float) -> bool:
        """Record ``key`` at ``now``; True when duplicate_max others were seen in the window."""
        echoes = self._echoes
        times = echoes.get(key)
        if times is None:
            echoes[key] = deque((now,), maxlen=self._dup_max)
            echoed = False  # nothing seen before (duplicate_max is at least 1)
        else:
            echoes.move_to_end(key)
            echoed = len(times) == self._dup_max and now - times[0] <= self._dup_window
            times.append(now)
        # Forget the stalest key once it has aged out, or when over the cap: O(1) per call.
        oldest_key = next(iter(echoes))
        if len(echoes) > _MAX_ECHO_KEYS or now - echoes[oldest_key][-1] > self._dup_window:
            del echoes[oldest_key]
        return echoed

    def __len__(self) -> int:
        """Viewers currently remembered (bounded by flood_max_users)."""
        return len(self._viewers)
