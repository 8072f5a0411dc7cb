"""``/metrics``: the runtime's counters and status in the Prometheus text format (0.0.4).

Written by hand because prometheus_client is not a dependency: the format is a
few lines per family, and the values already live in the runtime's counters,
so a client library's registry would only duplicate them.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
PREFIX = "cohost_"

# The labels a counter family's keys fill: a tuple key fills them in order, a plain key the
# first. A family not listed here is labelled "key".
LABELS: dict[str, tuple[str, ...]] = {
    "events_published_total": ("type",),
    "events_dropped_total": ("type",),
    "queue_dropped_total": ("queue", "type"),
    "overlay_dropped_total": ("type",),
    "filtered_total": ("of", "reason"),
    "reply_outcomes_total": ("outcome",),
    "llm_failures_total": ("kind",),
    "llm_fallback_replies_total": ("engine",),
    "control_requests_total": ("action",),
    "control_rejected_total": ("status",),
}

log = logging.getLogger(__name__)

_BAD_NAME = re.compile(r"[^a-zA-Z0-9_:]")


def metric_name(raw: str) -> str:
    name = _BAD_NAME.sub("_", raw)
    if not name or name[0].isdigit():
        name = "_" + name
    return PREFIX + name


def _label_value(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(names: tuple[str, ...], key: object) -> dict[str, object]:
    values = key if isinstance(key, tuple) else (key,)
    names = names + tuple(f"key{i}" for i in range(len(names), len(values)))
    return dict(zip(names, values, strict=False))


def _number(value: object) -> str | None:
    if isinstance(value, bool):
        return "1" if value else "0"
    if not isinstance(value, int | float):
        return None
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if isinstance(value, float) else str(value)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.seen: set[str] = set()

    def family(
        self, name: str, kind: str, help_text: str, samples: Iterable[tuple[Mapping[str, object], object]]
    ) -> None:
        rows = [(labels, _number(value)) for labels, value in samples]
        rows = [(labels, value) for labels, value in rows if value is not None]
        # A family may appear once; a name clash (two raw names sanitising to
        # one) keeps the first rather than writing an invalid exposition.
        if not rows:
            return
        if name in self.seen:
            log.warning("/metrics: %s is written twice; the second family was left out", name)
            return
        self.seen.add(name)
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")
        for labels, value in rows:
            if labels:
                inner = ",".join(f'{key}="{_label_value(val)}"' for key, val in labels.items())
                self.lines.append(f"{name}{{{inner}}} {value}")
            else:
                self.lines.append(f"{name} {value}")


def render(
    counters: Mapping[str, Mapping[Any, float]],
    status: Mapping[str, Any],
    *,
    overlay_clients: int | None = None,
) -> str:
    """The exposition text for the runtime's ``counters()`` plus gauges from ``status()``."""
    out = _Writer()
    if overlay_clients is not None:
        rows: list[tuple[Mapping[str, object], object]] = [({}, overlay_clients)]
        out.family(PREFIX + "overlay_clients", "gauge", "Overlay pages connected now.", rows)
    for raw, values in sorted(counters.items()):
        if not isinstance(values, Mapping):
            continue
        names = LABELS.get(raw, ("key",))
        name = metric_name(raw if raw.endswith("_total") else raw + "_total")
        samples = [
            (_labels(names, key), value) for key, value in sorted(values.items(), key=lambda kv: str(kv[0]))
        ]
        out.family(name, "counter", f"Cohost {raw.replace('_', ' ')}.", samples)

    out.family(PREFIX + "muted", "gauge", "1 while the bot is muted.", [({}, bool(status.get("muted")))])
    state = status.get("state")
    if isinstance(state, str):
        out.family(PREFIX + "state", "gauge", "The bot's current state (value 1).", [({"state": state}, 1)])
    llm = status.get("llm")
    if isinstance(llm, Mapping) and "state" in llm:
        fallback: list[tuple[Mapping[str, object], object]] = [({}, llm.get("state") == "fallback")]
        out.family(
            PREFIX + "llm_fallback",
            "gauge",
            "1 while the template engine answers for a failing model.",
            fallback,
        )
    replies = status.get("replies")
    out.family(PREFIX + "replies_total", "counter", "Replies the bot has started.", [({}, replies)])
    queues = status.get("queues")
    if isinstance(queues, Mapping):
        rows = [({"queue": k}, v) for k, v in sorted(queues.items(), key=lambda kv: str(kv[0]))]
        out.family(PREFIX + "queue_size", "gauge", "Events waiting in each stage's queue.", rows)
    sources = status.get("sources")
    if isinstance(sources, Mapping):
        rows = [({"source": k, "state": v}, 1) for k, v in sorted(sources.items(), key=lambda kv: str(kv[0]))]
        out.family(PREFIX + "source_state", "gauge", "Each source's connection state (value 1).", rows)
    latency = status.get("latency_ms")
    if isinstance(latency, Mapping):
        rows = []
        for metric, stats in sorted(latency.items(), key=lambda kv: str(kv[0])):
            if isinstance(stats, Mapping):
                rows += [({"metric": metric, "stat": s}, stats.get(s)) for s in ("p50", "p95", "last")]
        out.family(PREFIX + "latency_ms", "gauge", "Stage latencies in milliseconds over recent turns.", rows)
    return "\n".join(out.lines) + "\n"
