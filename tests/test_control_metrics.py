"""The control API's /metrics: Prometheus text, read strictly (against a fake runtime)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from agent.control.metrics import render
from tests.support.control_api import client as client  # the fixture
from tests.support.control_api import fake as fake  # the fixture (``client`` asks for it)

# --- /metrics ------------------------------------------------------------------

_SAMPLE = re.compile(
    r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?P<labels>[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"'
    r'(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*)\})? (?P<value>[-+]?(\d+(\.\d*)?([eE][-+]?\d+)?|NaN|Inf))$'
)


def parse_prometheus(text: str) -> dict[str, list[tuple[str, float]]]:
    """A strict reading of the text exposition format: every line must be HELP, TYPE or a sample."""
    assert text.endswith("\n")
    families: dict[str, list[tuple[str, float]]] = {}
    types: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("counter", "gauge"), line
            assert name not in types, f"family {name} declared twice"
            types[name] = kind
            continue
        match = _SAMPLE.match(line)
        assert match, f"not a Prometheus sample line: {line!r}"
        name = match["name"]
        assert name in types, f"sample before its TYPE: {line!r}"
        if types[name] == "counter":
            assert name.endswith("_total")
        families.setdefault(name, []).append((match["labels"] or "", float(match["value"])))
    return families


def test_metrics_is_prometheus_text(client: TestClient) -> None:
    client.post("/api/mute")
    client.post("/api/say", json={"text": "hi"})
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = parse_prometheus(response.text)
    published = dict(families["cohost_events_published_total"])
    assert published['type="control"'] == 2
    assert published['type="reply_sentence"'] == 1
    assert dict(families["cohost_control_requests_total"]) == {'action="mute"': 1, 'action="say"': 1}
    assert families["cohost_muted"] == [("", 1.0)]
    assert ('metric="arrival_to_first_audio",stat="p95"', 1400.0) in families["cohost_latency_ms"]
    assert families["cohost_replies_total"] == [("", 3.0)]
    # A label value with a quote, a backslash and a newline stays one valid line.
    assert 'type="we\\"ird\\\\name\\n"' in dict(families["cohost_events_dropped_total"])


def test_metrics_render_survives_odd_values() -> None:
    text = render(
        {"9bad name": {"a": float("nan"), "b": float("inf"), "c": "not a number"}, "flat": 3},  # type: ignore[dict-item]
        {"state": None, "muted": "yes", "queues": [1, 2], "latency_ms": {"x": 5}},
    )
    families = parse_prometheus(text)
    assert "cohost__9bad_name_total" in families
    assert len(families["cohost__9bad_name_total"]) == 2
