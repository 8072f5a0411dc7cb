"""The replay source: streams the file, yields to the loop every few events, counts bad lines."""

from __future__ import annotations

import asyncio
import itertools
import json
import tracemalloc
from pathlib import Path

from agent.clock import Clock
from agent.events import Danmaku, Event
from agent.sources.replay import YIELD_EVERY, ReplaySource


def write_recording(path: Path, n: int, *, mono_step: float = 0.0) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            line = {
                "type": "danmaku",
                "mono": i * mono_step,
                "uid": str(i),
                "uname": f"观众{i}",
                "text": f"第{i}条",
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path


async def test_replay_behind_schedule_yields_to_the_loop_every_few_events(tmp_path: Path) -> None:
    # Every event is due at once: the old source published all of them without ever awaiting.
    path = write_recording(tmp_path / "flood.jsonl", 5000)
    turns = 0
    seen_turns: list[int] = []

    async def other_task() -> None:  # stands in for the control API and the brain
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    def publish(event: Event) -> None:
        if isinstance(event, Danmaku):
            seen_turns.append(turns)

    other = asyncio.create_task(other_task())
    await ReplaySource(path, Clock(1000.0)).run(publish)
    other.cancel()
    assert len(seen_turns) == 5000
    # The other task ran between every YIELD_EVERY events, not only after the last.
    runs = [len(list(group)) for _, group in itertools.groupby(seen_turns)]
    assert max(runs) <= YIELD_EVERY
    assert len(runs) >= 5000 // YIELD_EVERY


async def test_replay_streams_instead_of_loading_the_file(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "long.jsonl", 30_000, mono_step=0.0001)
    size = path.stat().st_size
    count = 0

    def publish(event: Event) -> None:
        nonlocal count
        count += isinstance(event, Danmaku)

    tracemalloc.start()
    try:
        source = ReplaySource(path, Clock(1000.0))
        await source.run(publish)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 30_000 and source.count == 30_000
    # 30,000 decoded events held at once take several times the file's size; streamed, a
    # few lines' worth plus the read buffer.
    assert size > 2_000_000
    assert peak < size / 4


def test_scan_counts_duration_bad_and_output_lines(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"type":"danmaku","mono":10.0,"uid":"1","uname":"a","text":"hi"}',
                "not json",
                '{"type":"reply_sentence","mono":11.0,"utterance_id":1,"index":0,"text":"x"}',
                '{"type":"danmaku","mono":"NaN","uid":"2","uname":"b","text":"nan time"}',
                '{"type":"danmaku","mono":12.0,"uid":3,"uname":"c","text":"uid is a number"}',
                '{"type":"gift","mono":40.0,"uid":"4","uname":"d","gift_name":"小心心"}',
                "",
            ]
        ),
        encoding="utf-8",
    )
    source = ReplaySource(path, Clock(1.0))
    assert source.count == 2
    assert source.duration == 30.0
    assert source.skipped == {"bad": 3, "output": 1}


async def test_replay_keeps_file_order_and_publishes_late_lines_at_once(tmp_path: Path) -> None:
    path = tmp_path / "order.jsonl"
    lines = [(0.0, "a"), (0.02, "b"), (0.01, "c")]  # "c" is already due when "b" is sent
    path.write_text(
        "".join(
            json.dumps({"type": "danmaku", "mono": m, "uid": t, "uname": t, "text": t}) + "\n"
            for m, t in lines
        ),
        encoding="utf-8",
    )
    got: list[str] = []
    await ReplaySource(path, Clock(1.0)).run(lambda e: got.append(getattr(e, "text", e.type)))
    assert got == ["source_status", "a", "b", "c", "source_status"]


async def test_replay_cleans_text_and_refuses_absurd_numbers_like_a_live_source(tmp_path: Path) -> None:
    path = tmp_path / "hostile.jsonl"
    lines = [
        {"type": "danmaku", "mono": 0.0, "uid": "1", "uname": "\u202e反转", "text": "坏\ud800字\u0000"},
        {"type": "gift", "mono": 0.1, "uid": "2", "uname": "b", "gift_name": "x", "count": -1},
        {"type": "gift", "mono": 0.2, "uid": "3", "uname": "c", "gift_name": "x", "count": 1e17},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    source = ReplaySource(path, Clock(100.0))
    assert source.count == 1 and source.skipped["bad"] == 2
    got: list[Event] = []
    await source.run(got.append)
    chat = [e for e in got if isinstance(e, Danmaku)]
    # A name's bidi override leaves U+FFFD (the name guard then refuses the name); text loses it.
    assert [(e.uname, e.text) for e in chat] == [("\ufffd反转", "坏字")]
    chat[0].text.encode("utf-8")  # the recorder can write it
