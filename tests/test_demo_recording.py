"""The shipped demo recording decodes, is well timed, and holds every scenario the demo shows."""

from __future__ import annotations

import bisect
import collections
import importlib.util
import itertools
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from agent.events import (
    INPUT_TYPES,
    Control,
    Danmaku,
    Enter,
    Gift,
    Guard,
    Like,
    StreamerVoice,
    SuperChat,
    Transcript,
    from_dict,
    to_dict,
)

ROOT = Path(__file__).resolve().parent.parent
RECORDING = ROOT / "agent" / "data" / "demo_room.jsonl"
GENERATOR = ROOT / "tools" / "make_demo_room.py"


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    lines = RECORDING.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def events(rows: list[dict[str, Any]]) -> list[Any]:
    return [from_dict(row) for row in rows]


def danmaku(events: list[Any]) -> list[Danmaku]:
    return [e for e in events if isinstance(e, Danmaku)]


def test_every_line_round_trips_through_the_event_codec(rows: list[dict[str, Any]]) -> None:
    assert 250 <= len(rows) <= 400
    for row in rows:
        assert row["type"] in INPUT_TYPES
        assert list(row)[:3] == ["type", "mono", "wall"]
        event = from_dict(row)  # mono and wall are not event fields: from_dict must ignore them
        body = {k: v for k, v in row.items() if k not in ("mono", "wall")}
        assert event == from_dict(body)
        assert to_dict(event) == body, "fields must be exactly what to_dict writes"


def test_clock_increases_and_wall_follows_mono(rows: list[dict[str, Any]]) -> None:
    monos = [row["mono"] for row in rows]
    assert all(b > a for a, b in itertools.pairwise(monos))
    assert monos[0] >= 0
    assert 150 <= monos[-1] - monos[0] <= 200
    offsets = {round(row["wall"] - row["mono"], 2) for row in rows}
    assert offsets == {1764000000.0}


def test_bursty_but_only_one_flood(rows: list[dict[str, Any]]) -> None:
    monos = [row["mono"] for row in rows]
    per_second = [bisect.bisect_left(monos, m + 1.0) - i for i, m in enumerate(monos)]
    busy = [m for m, n in zip(monos, per_second, strict=True) if n > 10]
    assert max(per_second) >= 25, "the deliberate flood is missing"
    assert max(busy) - min(busy) < 2.0, "more than one burst over 10 events per second"
    flood = [row for row in rows if min(busy) <= row["mono"] <= max(busy) + 1.0]
    assert sum("666" in row.get("text", "") for row in flood) >= 8


def test_identity_fields_look_like_bilibili(events: list[Any]) -> None:
    viewer = [e for e in events if isinstance(e, Danmaku | Gift | SuperChat | Guard | Enter | Like)]
    assert {e.platform for e in viewer} == {"bilibili"}
    assert all(e.uid.isdigit() and e.uname for e in viewer)
    ids = [e.msg_id for e in events if isinstance(e, Danmaku | Gift | SuperChat | Guard)]
    assert all(ids) and len(set(ids)) == len(ids)
    medals = [e for e in danmaku(events) if e.medal_name]
    assert medals and all(e.medal_level > 0 for e in medals)
    assert {e.guard_level for e in danmaku(events)} >= {0, 2, 3}


def test_questions_mentions_and_near_duplicates(events: list[Any]) -> None:
    texts = [e.text for e in danmaku(events)]
    for question in ("几点下播", "主播多大", "这是什么游戏", "配置多少"):
        assert any(question in t for t in texts), question
    assert sum("小助手" in t for t in texts) >= 5
    price = [e for e in danmaku(events) if "多少钱" in e.text]
    assert len(price) >= 8
    assert len({e.text for e in price}) >= 6, "near-duplicates, not copies"
    assert len({e.uid for e in price}) >= 6


def test_spam_repeats_and_emoji(events: list[Any]) -> None:
    items = danmaku(events)
    per_user = collections.Counter((e.uid, e.text) for e in items)
    assert max(per_user.values()) >= 8, "one viewer repeating one line"
    per_text = collections.Counter(e.text for e in items)
    assert sum(n for n in per_text.values() if n >= 3) >= 20
    assert per_text["哈哈哈哈哈哈哈哈"] >= 8
    assert any(any(ord(ch) >= 0x1F300 for ch in e.text) for e in items), "Unicode emoji"
    emoticons = [e for e in items if e.emoticon]
    assert len(emoticons) >= 3
    assert all(re.fullmatch(r"\[[^\]]+\]", e.text) for e in emoticons)


def test_gifts_combo_super_chat_guard(events: list[Any]) -> None:
    gifts = [e for e in events if isinstance(e, Gift)]
    combos: dict[str, list[Gift]] = collections.defaultdict(list)
    for g in gifts:
        if g.combo_id:
            combos[g.combo_id].append(g)
    fifty = [c for c in combos.values() if sum(g.count for g in c) == 50]
    assert len(fifty) == 1
    combo = fifty[0]
    assert len({(g.uid, g.gift_name) for g in combo}) == 1
    counts = [g.count for g in combo]
    assert counts == sorted(counts) and counts[-1] > counts[0]
    paid = [g for g in gifts if g.paid]
    assert paid and all(g.price > 0 for g in paid)
    assert all(g.price == 0 for g in gifts if not g.paid)

    (sc,) = [e for e in events if isinstance(e, SuperChat)]
    assert sc.price == 30.0 and ("？" in sc.text or "?" in sc.text)
    (guard,) = [e for e in events if isinstance(e, Guard)]
    assert (guard.level, guard.price) == (3, 198.0)

    actions = collections.Counter(e.action for e in events if isinstance(e, Enter))
    assert actions["enter"] >= 20 and actions["follow"] >= 3 and actions["share"] >= 1
    assert sum(isinstance(e, Like) for e in events) >= 5


def _squeeze(text: str) -> str:
    """Drop what abusers insert between characters (spaces, symbols) to reveal the word."""
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]", "", text.lower())


def test_bad_actors(events: list[Any]) -> None:
    items = danmaku(events)
    squeezed = [_squeeze(e.text) for e in items]
    abuse = [t for t in squeezed if "傻逼" in t or "sb" in t]
    assert len(abuse) >= 3
    assert any(e.text != _squeeze(e.text) and "sb" in _squeeze(e.text) for e in items), "spaced-out 'sb'"
    ads = [e.text for e in items if "彩金" in e.text]
    assert len(ads) >= 2 and all("http" in t for t in ads) and any("微信" in t for t in ads)
    assert any("冰毒" in e.text for e in items)
    assert any("<script>" in e.text for e in items)
    assert any(re.search(r"<img[^>]+onerror=", e.text) for e in items)
    assert any("忽略之前的指令" in e.text for e in items)
    assert any("ignore previous instructions" in e.text.lower() for e in items)
    assert max(len(e.text) for e in items) > 500
    unames = {e.uname for e in events if isinstance(e, Danmaku | SuperChat)}
    replies = [e for e in items if e.reply_to]
    assert replies and all(e.reply_to in unames and e.reply_to != e.uname for e in replies)
    assert any(e.reply_to in {x.uname for x in events if isinstance(x, SuperChat)} for e in replies)


def test_streamer_turns_and_mute(rows: list[dict[str, Any]], events: list[Any]) -> None:
    turns = [(row["mono"], e) for row, e in zip(rows, events, strict=True) if isinstance(e, StreamerVoice)]
    assert len(turns) >= 6
    assert [e.speaking for _, e in turns] == [True, False] * (len(turns) // 2)
    transcripts = [(row["mono"], e) for row, e in zip(rows, events, strict=True) if isinstance(e, Transcript)]
    for (start, _), (end, _) in zip(turns[::2], turns[1::2], strict=True):
        assert 2.0 <= end - start <= 10.0
        inside = [t for m, t in transcripts if start < m < end]
        assert len(inside) == 1 and inside[0].final and inside[0].text
    controls = [(row["mono"], e) for row, e in zip(rows, events, strict=True) if isinstance(e, Control)]
    assert [(e.action, e.origin) for _, e in controls] == [("mute", "demo"), ("unmute", "demo")]
    (mute_at, _), (unmute_at, _) = controls
    assert mute_at > rows[-1]["mono"] - 40 and 5.0 <= unmute_at - mute_at <= 15.0
    assert any(mute_at < row["mono"] < unmute_at and row["type"] == "danmaku" for row in rows)


def test_generator_reproduces_the_shipped_file(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("make_demo_room", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    monkeypatch.syspath_prepend(str(GENERATOR.parent))  # it imports its sibling, tools/demo_room_cast.py
    spec.loader.exec_module(module)
    expected = "\n".join(module.build().lines()) + "\n"
    assert RECORDING.read_text(encoding="utf-8") == expected, "run python tools/make_demo_room.py"
