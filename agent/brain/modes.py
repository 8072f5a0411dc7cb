"""The live-selling playbook as data: which ``[brain.modes]`` a message or the room triggers.

Pure helpers for ``state.step``. A mode is configuration, not code: its trigger
(``message``: tags plus keywords; ``burst``: so many tagged messages within a
window switch it on for ``hold_s``; ``strikes``: a viewer blocked so often is
ignored for ``hold_s``; ``schedule``: pushes the featured item when it rotates),
its prompt addition, its template set, and whether it blocks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from agent.config import BrainConfig, BrainMode


@dataclass(frozen=True, slots=True)
class Plan:
    """The modes of one config, split by trigger once instead of on every message."""

    # (name, mode, tags, keywords as one regex or None): one C search instead of a loop of ``in``.
    message: tuple[tuple[str, BrainMode, frozenset[str], re.Pattern[str] | None], ...]
    burst: tuple[tuple[str, BrainMode, frozenset[str]], ...]
    strikes: tuple[tuple[str, BrainMode], ...]
    schedule: str  # the first schedule mode's name; "" = promotions off
    burst_tags: frozenset[str]


def plan(cfg: BrainConfig) -> Plan:
    """The modes of ``cfg`` split by trigger (the brain's shell makes this once)."""
    items = list(cfg.modes.items())
    return Plan(
        message=tuple(
            (n, m, frozenset(m.tags), _any_of(m.keywords)) for n, m in items if m.trigger == "message"
        ),
        burst=tuple((n, m, frozenset(m.tags)) for n, m in items if m.trigger == "burst"),
        strikes=tuple((n, m) for n, m in items if m.trigger == "strikes"),
        schedule=next((n for n, m in items if m.trigger == "schedule"), ""),
        burst_tags=frozenset(t for _, m in items if m.trigger == "burst" for t in m.tags),
    )


def _any_of(keywords: list[str]) -> re.Pattern[str] | None:
    """A pattern that finds any of ``keywords`` (None when there are none)."""
    return re.compile("|".join(map(re.escape, keywords))) if keywords else None


def message_mode(p: Plan, text: str, tags: frozenset[str]) -> tuple[str, bool]:
    """The first ``message`` mode a message matches: (name, block); ("", False) = none."""
    for name, mode, wanted, keywords in p.message:
        if wanted and wanted.isdisjoint(tags):
            continue
        if keywords is not None and keywords.search(text) is None:
            continue
        return name, mode.block
    return "", False


def feed_bursts(
    p: Plan,
    bursts: Mapping[str, tuple[float, ...]],
    active: Mapping[str, float],
    tags: frozenset[str],
    now: float,
) -> tuple[Mapping[str, tuple[float, ...]], Mapping[str, float]]:
    """Count a tagged message toward every burst mode; switch a mode on when it fills."""
    if not (tags & p.burst_tags):
        return bursts, active
    new_bursts, new_active = dict(bursts), dict(active)
    for name, mode, wanted in p.burst:
        if not (wanted & tags):
            continue
        times = (*(t for t in new_bursts.get(name, ()) if now - t < mode.window_s), now)[-mode.count :]
        new_bursts[name] = times
        if len(times) >= mode.count:
            new_active[name] = now + mode.hold_s
    return new_bursts, new_active


def burst_mode(p: Plan, active: Mapping[str, float], kind: str, tags: frozenset[str], now: float) -> str:
    """The burst mode in force for a reply of ``kind`` to a message with ``tags``: a mode
    shapes only the replies to the burst that switched it on (first configured wins)."""
    if not active or tags.isdisjoint(p.burst_tags):
        return ""
    for name, mode, wanted in p.burst:
        if active.get(name, -1.0) > now and kind in mode.kinds and not wanted.isdisjoint(tags):
            return name
    return ""


_MAX_TRACKED = 1024


def strike(
    p: Plan,
    strikes: Mapping[str, tuple[float, ...]],
    ignored: Mapping[str, float],
    uid: str,
    reason: str,
    now: float,
    ordered: bool = True,
) -> tuple[Mapping[str, tuple[float, ...]], Mapping[str, float], str, bool]:
    """A viewer's message was blocked for ``reason``: count it; enough strikes = ignored.

    Returns the new tables, the name of the mode that started ignoring them ("" = none),
    and whether ``strikes`` is still ``ordered``: oldest last strike first, as it is
    while ``now`` never goes back (each update moves a viewer to the end). Forgetting
    stale viewers then only looks at the front instead of the whole table.
    """
    if not uid:
        return strikes, ignored, "", ordered
    new_strikes: dict[str, tuple[float, ...]] | None = None
    new_ignored: dict[str, float] | None = None
    started = ""
    for name, mode in p.strikes:
        if reason not in mode.reasons:
            continue
        if new_strikes is None:
            new_strikes = _fresh(strikes, now, mode.window_s, ordered)
        times = (*(t for t in new_strikes.pop(uid, ()) if now - t < mode.window_s), now)[-mode.count :]
        if len(times) >= mode.count:
            new_ignored = new_ignored or {k: v for k, v in ignored.items() if v > now}
            new_ignored[uid] = now + mode.hold_s
            started = started or name
        else:
            if new_strikes and next(reversed(new_strikes.values()))[-1] > now:
                ordered = False  # time went back: the table is no longer oldest first
            new_strikes[uid] = times
        while len(new_strikes) > _MAX_TRACKED:  # a flood of offenders: forget the oldest
            del new_strikes[next(iter(new_strikes))]
    if new_strikes is None:
        return strikes, ignored, "", ordered
    if new_ignored is not None:
        while len(new_ignored) > _MAX_TRACKED:
            del new_ignored[next(iter(new_ignored))]
    if not new_strikes:
        ordered = True
    return new_strikes, new_ignored if new_ignored is not None else ignored, started, ordered


def _fresh(
    strikes: Mapping[str, tuple[float, ...]], now: float, window: float, ordered: bool
) -> dict[str, tuple[float, ...]]:
    """The viewers whose last strike is within ``window``; an ordered table's stale ones
    are a prefix (now - t only grows toward the front), so the scan stops at the first fresh one."""
    if not ordered:
        return {k: v for k, v in strikes.items() if v and now - v[-1] < window}
    # dict.copy clones the hash table in one go even after deletions (dict(...) re-inserts
    # every key once one was deleted): the copy that keeps ``step`` pure costs ~5x less.
    fresh = strikes.copy() if isinstance(strikes, dict) else dict(strikes)
    for k, v in strikes.items():
        if v and now - v[-1] < window:
            break
        del fresh[k]
    return fresh


def strike_reasons(p: Plan) -> frozenset[str]:
    """Filter reasons any ``strikes`` mode counts (the shell only steps these)."""
    return frozenset(r for _, m in p.strikes for r in m.reasons)
