"""The runner (``agent.app.stage``): a fixed tuple of stages under one TaskGroup. Each stage reads
only the kinds it names from its own bounded queue; stop cancels all, then each finishes in order;
a stage that breaks stops the run with its error; nothing is added to a built runner."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from agent.app.assemble import build_pipeline
from agent.app.stage import NOTHING, Runner, Stage
from agent.bus import Bus, EventQueue
from agent.clock import Clock
from agent.config import AsrConfig, Config, ControlConfig, LlmConfig, TtsConfig
from agent.events import Danmaku, Event, Gift


def collector(into: list[Event], wanted: int, done: asyncio.Event) -> Stage:
    async def run(queue: EventQueue) -> None:
        while True:
            into.append(await queue.get())
            if len(into) == wanted:
                done.set()

    return Stage("collector", run, frozenset({"danmaku"}), queue_size=8)


async def test_each_stage_reads_only_its_kinds_and_stop_ends_every_stage_then_each_finishes() -> None:
    bus = Bus()
    seen: list[Event] = []
    got_two = asyncio.Event()
    finished: list[str] = []
    ended: list[str] = []

    async def forever(name: str) -> None:
        try:
            await asyncio.Event().wait()
        finally:
            ended.append(name)

    async def idle(_: EventQueue) -> None:
        await forever("idle")

    async def after(queue: EventQueue) -> None:
        finished.append(f"after:{queue.name}:{sorted(ended)}")

    runner = Runner(bus, (collector(seen, 2, got_two), Stage("idle", idle, after=after)))
    stop = asyncio.Event()
    running = asyncio.create_task(runner.run(stop))
    await asyncio.sleep(0)
    assert set(bus.sizes()) == {"collector"}  # a stage that reads nothing is not subscribed
    bus.publish(Danmaku(uid="1", uname="a", text="one"))
    bus.publish(Gift(uid="2", uname="b", gift_name="rocket", count=1))
    bus.publish(Danmaku(uid="3", uname="c", text="two"))
    await asyncio.wait_for(got_two.wait(), 10)
    stop.set()
    await asyncio.wait_for(running, 10)
    assert [e.type for e in seen] == ["danmaku", "danmaku"]
    assert finished == ["after:idle:['idle']"]  # after every stage had stopped


async def test_a_stage_that_breaks_stops_the_run_with_its_error_and_the_others_still_finish() -> None:
    finished: list[str] = []

    async def broken(_: EventQueue) -> None:
        raise RuntimeError("the sink is gone")

    async def waits(_: EventQueue) -> None:
        await asyncio.Event().wait()

    async def after(_: EventQueue) -> None:
        finished.append("closed")

    runner = Runner(Bus(), (Stage("waits", waits, after=after), Stage("broken", broken)))
    with pytest.raises(ExceptionGroup) as caught:
        await asyncio.wait_for(runner.run(asyncio.Event()), 10)
    assert caught.group_contains(RuntimeError, match="the sink is gone")
    assert finished == ["closed"]


async def test_a_queue_bounded_by_its_stage_drops_and_counts() -> None:
    bus = Bus()
    blocked = asyncio.Event()

    async def slow(_: EventQueue) -> None:
        await blocked.wait()

    runner = Runner(bus, (Stage("slow", slow, frozenset({"danmaku"}), queue_size=2),))
    stop = asyncio.Event()
    running = asyncio.create_task(runner.run(stop))
    await asyncio.sleep(0)
    for i in range(5):
        bus.publish(Danmaku(uid=str(i), uname="v", text=str(i)))
    assert bus.sizes()["slow"] == 2
    assert sum(bus.dropped()["slow"].values()) == 3
    stop.set()
    await asyncio.wait_for(running, 10)


def test_a_built_runner_is_never_changed_adding_makes_a_new_one() -> None:
    async def nothing(_: EventQueue) -> None:
        return None

    runner = Runner(Bus(), (Stage("a", nothing),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        runner.stages = ()  # type: ignore[misc]
    more = runner.adding(Stage("b", nothing, NOTHING))
    assert [s.name for s in runner.stages] == ["a"] and [s.name for s in more.stages] == ["a", "b"]


async def test_the_assembled_agent_is_fixed_and_its_reply_engine_is_never_swapped(tmp_path: Path) -> None:
    cfg = Config(
        llm=LlmConfig(engine="template"),
        tts=TtsConfig(engine="none"),
        asr=AsrConfig(engine="none"),
        control=ControlConfig(enabled=False),
    )
    pipeline = await build_pipeline(cfg, Clock(), [], out_dir=tmp_path)
    names = [stage.name for stage in pipeline.runner.stages]
    assert names[:3] == ["brain", "reply", "models"] and "stats" in names and "control" not in names
    with pytest.raises(dataclasses.FrozenInstanceError):
        pipeline.reply = pipeline.reply  # type: ignore[misc]
    engine = pipeline.reply.engine
    stop = asyncio.Event()
    running = asyncio.create_task(pipeline.run(stop))
    await asyncio.wait_for(pipeline.ready.wait(), 60)
    assert pipeline.reply.engine is engine and pipeline.engine.name == "template"
    assert pipeline.status()["llm"] == {"state": "ready"}
    stop.set()
    await asyncio.wait_for(running, 60)
