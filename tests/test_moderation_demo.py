"""The filters through the demo replay (``cohost demo --input FILE``): the held-out sets
as a room. Disguised banned words and contacts are never shown or said, innocent
look-alikes are shown, and a word split over two messages of one viewer is filtered
whole (both halves taken back)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.brain.moderation import Moderator
from agent.config import BrainConfig
from agent.events import Danmaku
from tests.support.replay import replay_room

pytestmark = pytest.mark.slow
DATA = Path(__file__).parent / "data"
SPLITS = [("加我扣扣四七幺", "二八三九五"), ("外", "挂有吗"), ("abc点", "com")]


def _rows(name: str) -> list[dict[str, str]]:
    lines = (DATA / f"moderation_{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [row for row in map(json.loads, lines) if row["split"] == "heldout"]


ROWS = [r for r in _rows("disguises") if r["source"] == "builtin"] + _rows("contacts") + _rows("lookalikes")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict], list[dict]]:
    out = tmp_path_factory.mktemp("filters")
    events = [
        Danmaku(text=r["text"], uid=f"v{i}", uname=f"观众{i}", msg_id=f"m{i}") for i, r in enumerate(ROWS)
    ]
    for i, (a, b) in enumerate(SPLITS):
        events += [Danmaku(text=a, uid=f"s{i}", uname="观众乙", msg_id=f"s{i}a"),
                   Danmaku(text=b, uid=f"s{i}", uname="观众乙", msg_id=f"s{i}b")]  # fmt: skip
    _, recorded = replay_room(events, out, step=0.5, speed=20, timeout=600)
    admitted = {e["msg_id"]: e for e in recorded if e["type"] == "admitted"}
    return admitted, recorded


def test_disguised_words_and_contacts_are_never_shown(run: tuple[dict[str, dict], list[dict]]) -> None:
    admitted, _ = run
    shown = []
    for i, row in enumerate(ROWS):
        seen = admitted.get(f"m{i}")
        if row["expect"] != "blocked" or seen is None:
            continue
        if row.get("kind") == "link" and "[链接]" in seen["display_text"]:
            continue  # a plain link is shown as the placeholder
        shown.append(row["text"])
    disguised = [r for r in ROWS if r["expect"] == "blocked" and "source" in r]
    assert len([t for t in shown if t in {r["text"] for r in disguised}]) <= len(disguised) * 0.05, shown
    assert [t for t in shown if t not in {r["text"] for r in disguised}] == []  # no contact shown


def test_innocent_look_alikes_are_shown(run: tuple[dict[str, dict], list[dict]]) -> None:
    admitted, recorded = run
    kept = [i for i, r in enumerate(ROWS) if r["expect"] == "kept"]
    assert sum(f"m{i}" in admitted for i in kept) >= len(kept) * 0.85
    blocked = {
        e["text"]
        for e in recorded
        if e["type"] == "filtered" and e["reason"] in ("banned_word", "contact_solicit")
    }
    innocent = [r["text"] for r in ROWS if r["expect"] == "kept"]
    wrongly = [t for t in innocent if t in blocked]
    assert len(wrongly) <= len(innocent) * 0.07, wrongly


def test_split_messages_are_filtered_whole_and_nothing_said_holds_a_contact(
    run: tuple[dict[str, dict], list[dict]],
) -> None:
    _, recorded = run
    split = {
        e["text"] for e in recorded if e["type"] == "filtered" and e.get("rule", "").startswith("split:")
    }
    assert {part for pair in SPLITS for part in pair} <= split
    guard = Moderator.from_config(BrainConfig(sentiment_model=False))
    said = [e["text"] for e in recorded if e["type"] == "reply_sentence"]
    assert said, "the bot said nothing at all"
    assert [s for s in said if guard.banned_in(s) is not None] == []
