"""The recorder is a side job: nothing an event or the disk does may take the stream down."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from pathlib import Path

import pytest

from agent.app.record import Recorder
from agent.bus import EventQueue
from agent.clock import Clock
from agent.events import Danmaku, Event


async def record(path: Path, events: list[Event]) -> Recorder:
    """Run a recorder over ``events`` until it has taken them all, then stop it like shutdown does."""
    queue = EventQueue(1000)
    recorder = Recorder(path, Clock())
    task = asyncio.create_task(recorder.run(queue))
    for event in events:
        queue.put(event)
    for _ in range(10_000):  # a bounded wait for the queue to drain, not a timing assumption
        if len(queue) == 0 and recorder.lines + recorder.failed >= len(events):
            break
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return recorder


async def test_a_lone_surrogate_is_written_as_its_json_escape(tmp_path: Path) -> None:
    # Sources strip these; text from elsewhere (the control API, a replay) may still carry one.
    path = tmp_path / "run.jsonl"
    recorder = await record(path, [Danmaku(text="a\ud800b", uname="x"), Danmaku(text="next", uname="y")])
    assert (recorder.lines, recorder.failed) == (2, 0)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["a\ud800b", "next"]


async def test_an_event_that_will_not_encode_is_counted_and_recording_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "run.jsonl"
    broken = Danmaku(text=object(), uname="x")  # type: ignore[arg-type]
    events: list[Event] = [broken, broken, Danmaku(text="after", uname="y")]
    with caplog.at_level(logging.ERROR, logger="agent.app.record"):
        recorder = await record(path, events)
    assert (recorder.lines, recorder.failed) == (1, 2)
    assert json.loads(path.read_text(encoding="utf-8"))["text"] == "after"
    assert len(caplog.records) == 1  # once per kind of failure, not per event


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a disk that is always full)")
async def test_a_full_disk_does_not_stop_the_stream() -> None:
    recorder = await record(Path("/dev/full"), [Danmaku(text=f"m{i}", uname="u") for i in range(5)])
    assert recorder.failed >= 1


async def test_an_unwritable_path_is_one_error_line_and_the_queue_keeps_draining(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.ERROR, logger="agent.app.record"):
        recorder = await record(blocker / "run.jsonl", [Danmaku(text="m", uname="u")] * 3)
    assert (recorder.lines, recorder.failed) == (0, 3)
    assert [r.getMessage().startswith("record: cannot write") for r in caplog.records] == [True]


async def test_lines_reach_the_file_while_the_stream_runs_in_arrival_order(tmp_path: Path) -> None:
    # Batched writes still land while recording goes on (a crash loses only the last batch).
    path = tmp_path / "run.jsonl"
    queue = EventQueue(1000)
    recorder = Recorder(path, Clock(), write_every_s=0.01)
    task = asyncio.create_task(recorder.run(queue))
    for i in range(300):
        queue.put(Danmaku(text=f"m{i}", uname="u"))
    try:
        for _ in range(2000):  # a bounded wait for the batch to be written, not a timing assumption
            if path.exists() and path.read_bytes().count(b"\n") == 300:
                break
            await asyncio.sleep(0.01)
        texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
        assert texts == [f"m{i}" for i in range(300)]
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_what_is_still_queued_at_shutdown_is_written(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    queue = EventQueue(1000)
    recorder = Recorder(path, Clock(), write_every_s=3600.0)  # no batch would be written before stop
    task = asyncio.create_task(recorder.run(queue))
    await asyncio.sleep(0)
    for i in range(50):
        queue.put(Danmaku(text=f"m{i}", uname="u"))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert recorder.lines == 50
    assert [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()] == [
        f"m{i}" for i in range(50)
    ]


async def test_a_line_is_type_then_stamps_then_fields_and_one_turn_of_events_shares_a_stamp(
    tmp_path: Path,
) -> None:
    path = tmp_path / "run.jsonl"
    queue = EventQueue(1000)
    recorder = Recorder(path, Clock(), write_every_s=3600.0)
    task = asyncio.create_task(recorder.run(queue))
    await asyncio.sleep(0)  # the recorder now waits on its queue
    for i in range(3):  # all waiting when it wakes: one turn of the loop
        queue.put(Danmaku(text=f"m{i}", uname="u"))
    for _ in range(10_000):  # a bounded wait, not a timing assumption
        if recorder.lines == 3:
            break
        await asyncio.sleep(0)
    queue.put(Danmaku(text="later", uname="u"))
    for _ in range(10_000):
        if recorder.lines == 4:
            break
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    fields = [f.name for f in dataclasses.fields(Danmaku) if f.name != "at"]
    assert [list(line) for line in lines] == [["type", "mono", "wall", *fields]] * 4
    assert [line["text"] for line in lines] == ["m0", "m1", "m2", "later"]
    assert len({(line["mono"], line["wall"]) for line in lines[:3]}) == 1
    assert lines[3]["wall"] >= lines[0]["wall"]
