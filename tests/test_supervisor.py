"""The supervisor, driven by scripted sessions that implement the real Session protocol."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable

import pytest

from agent.config import Reconnect
from agent.events import Danmaku, Enter, Event, SourceStatus
from agent.shared.backoff import Backoff
from agent.sources.base import Source, SourceAuthError, SourceProtocolError
from agent.sources.supervisor import Session, SessionContext, SupervisedSource

Step = Callable[[SessionContext], Awaitable[None]]


class ScriptedSession:
    """Each run_once plays the next step; when the script ends it waits to be cancelled."""

    name = "fake"

    def __init__(self, steps: list[Step]) -> None:
        self.steps = list(steps)
        self.runs = 0
        self.cancelled = 0
        self.finished = asyncio.Event()

    async def run_once(self, ctx: SessionContext) -> None:
        self.runs += 1
        try:
            if not self.steps:
                self.finished.set()
                await asyncio.Event().wait()
            await self.steps.pop(0)(ctx)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise


def fail(exc: BaseException) -> Step:
    async def step(ctx: SessionContext) -> None:
        raise exc

    return step


def live_then(exc: BaseException | None = None, events: tuple[Event, ...] = ()) -> Step:
    async def step(ctx: SessionContext) -> None:
        ctx.live()
        for event in events:
            ctx.emit(event)
        if exc is not None:
            raise exc

    return step


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.delays: list[float] = []

    def publish(self, event: Event) -> None:
        self.events.append(event)

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)

    def states(self) -> list[str]:
        return [e.state for e in self.events if isinstance(e, SourceStatus)]

    def room(self) -> list[Event]:
        return [e for e in self.events if not isinstance(e, SourceStatus)]


async def play(
    session: ScriptedSession, reconnect: Reconnect, **kwargs: object
) -> tuple[Recorder, SupervisedSource]:
    rec = Recorder()
    source = SupervisedSource(session, reconnect, sleep=rec.sleep, **kwargs)  # type: ignore[arg-type]
    task = asyncio.create_task(source.run(rec.publish))
    await asyncio.wait_for(session.finished.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return rec, source


RC = Reconnect(initial_s=1.0, max_s=8.0, stale_after_s=5.0)


def test_types_match_the_protocols() -> None:
    session: Session = ScriptedSession([])
    source: Source = SupervisedSource(session, RC)
    assert source.name == "fake"


class _Top(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return b


def test_backoff_doubles_to_the_cap_and_resets() -> None:
    backoff = Backoff(1.0, 8.0, _Top())
    assert [backoff.next_delay() for _ in range(6)] == [1, 2, 4, 8, 8, 8]
    backoff.reset()
    assert backoff.next_delay() == 1
    assert backoff.max_delay() == 8
    jittered = Backoff(1.0, 8.0, random.Random(7))
    delays = [jittered.next_delay() for _ in range(5)]
    assert all(n / 2 <= d <= n for d, n in zip(delays, [1, 2, 4, 8, 8], strict=True))
    assert len(set(delays)) == 5, "jitter should vary the delays"


async def test_backoff_grows_on_failures_and_resets_after_live() -> None:
    steps = [fail(OSError("refused"))] * 4 + [live_then(OSError("reset"))] + [fail(TimeoutError())]
    rec, source = await play(ScriptedSession(steps), RC)
    nominal = [1, 2, 4, 8, 1, 2]
    assert len(rec.delays) == 6
    assert all(n / 2 <= d <= n for d, n in zip(rec.delays, nominal, strict=True)), rec.delays
    assert rec.delays[3] > rec.delays[0] and rec.delays[4] < rec.delays[3]
    assert rec.states() == ["connecting", "reconnecting"] * 4 + ["connecting", "live", "reconnecting"] + [
        "connecting",
        "reconnecting",
        "connecting",
        "stopped",
    ]
    assert source.drops == 6


async def test_a_silent_session_is_cancelled_as_stale() -> None:
    async def silent(ctx: SessionContext) -> None:
        ctx.live()
        await asyncio.sleep(3600)

    session = ScriptedSession([silent])
    rec, _ = await play(session, Reconnect(initial_s=0.01, max_s=0.01, stale_after_s=0.1))
    assert session.cancelled >= 1
    stale = [e for e in rec.events if isinstance(e, SourceStatus) and e.state == "reconnecting"]
    assert "no traffic for 0.1 s" in stale[0].detail


async def test_alive_keeps_a_quiet_session_up() -> None:
    async def heartbeating(ctx: SessionContext) -> None:
        ctx.live()
        for _ in range(12):  # 0.36 s, more than three stale periods
            await asyncio.sleep(0.03)
            ctx.alive()

    session = ScriptedSession([heartbeating])
    rec, _ = await play(session, Reconnect(initial_s=0.01, max_s=0.01, stale_after_s=0.1))
    assert session.cancelled == 1  # only the final wait, at the end of the test
    detail = next(e.detail for e in rec.events if isinstance(e, SourceStatus) and e.state == "reconnecting")
    assert detail.startswith("connection ended")


async def test_auth_failure_is_one_clear_line_then_a_slow_retry(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="agent.sources.supervisor")
    fix = "twitch refused the login: set sources.twitch.oauth_token"
    rec, _ = await play(ScriptedSession([fail(SourceAuthError(fix))]), RC)
    assert rec.states() == ["connecting", "failed", "connecting", "stopped"]
    failed = next(e for e in rec.events if isinstance(e, SourceStatus) and e.state == "failed")
    assert failed.detail == fix
    assert RC.max_s / 2 <= rec.delays[0] <= RC.max_s
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert fix in errors[0].getMessage() and "\n" not in errors[0].getMessage()
    assert errors[0].exc_info is None, "an auth failure is the streamer's to fix: no traceback"


async def test_repeats_across_reconnects_are_dropped_and_counted() -> None:
    def dm(i: str) -> Danmaku:
        return Danmaku(platform="fake", msg_id=i, text=f"message {i}")

    steps = [
        live_then(SourceProtocolError("bad frame"), (dm("a"), dm("b"), dm("c"))),
        live_then(None, (dm("b"), dm("c"), dm("d"), Enter(uname="x"), Enter(uname="x"))),
    ]
    rec, source = await play(ScriptedSession(steps), RC)
    assert [getattr(e, "msg_id", "-") for e in rec.room()] == ["a", "b", "c", "d", "-", "-"]
    assert source.counts == {"danmaku": 4, "enter": 2}
    assert source.duplicates == 2


async def test_dedupe_memory_is_bounded() -> None:
    ids = ["a", "b", "c", "a"]
    steps = [live_then(None, tuple(Danmaku(msg_id=i, text=i) for i in ids))]
    rec, source = await play(ScriptedSession(steps), RC, dedupe_size=2)
    # "a" fell out of a two-entry memory before it came again.
    assert [getattr(e, "msg_id", "") for e in rec.room()] == ids
    assert source.duplicates == 0


async def test_unexpected_errors_are_drops_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="agent.sources.supervisor")
    steps = [fail(ValueError("boom")), fail(ValueError("boom again")), fail(KeyError("k")), live_then()]
    rec, _ = await play(ScriptedSession(steps), RC)
    logged = [r.getMessage() for r in caplog.records]
    assert len([m for m in logged if "ValueError" in m]) == 1
    assert len([m for m in logged if "KeyError" in m]) == 1
    assert "live" in rec.states(), "the source kept going after the bugs"
    details = [e.detail for e in rec.events if isinstance(e, SourceStatus) and e.state == "reconnecting"]
    assert details[0].startswith("unexpected ValueError: boom")


async def test_a_session_that_cancels_itself_does_not_stop_the_source() -> None:
    async def self_cancel(ctx: SessionContext) -> None:
        raise asyncio.CancelledError

    rec, _ = await play(ScriptedSession([self_cancel, live_then()]), RC)
    assert rec.states()[:4] == ["connecting", "reconnecting", "connecting", "live"]


async def test_live_after_the_attempt_ended_is_ignored() -> None:
    leaked: list[SessionContext] = []

    async def leak(ctx: SessionContext) -> None:
        leaked.append(ctx)
        raise OSError("gone")

    async def late(ctx: SessionContext) -> None:
        leaked[0].live()  # a stray task of the old connection

    rec, _ = await play(ScriptedSession([leak, late]), RC)
    assert "live" not in rec.states()
