"""The runner: a fixed tuple of stages, built once, run under one TaskGroup until asked to stop.

A ``Stage`` names what it reads off the bus (its event kinds and queue size) and
how it runs (``run(queue)``, until cancelled). The runner subscribes each
stage's queue, starts every stage, and on stop cancels them all, then lets each
finish in order (``after``: the stats count what is left in their queue, the
reply stage closes its sink and engine). Nothing is added once it is built;
``adding`` returns a new runner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

from agent.bus import Bus, EventQueue

log = logging.getLogger(__name__)

StageRun = Callable[[EventQueue], Coroutine[Any, Any, None]]
# A stage that reads nothing off the bus (a source, the model loads): it gets a queue no one fills.
NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Stage:
    """One part of the running agent.

    ``accepts``: the event kinds it reads (None: every event; ``NOTHING``: none,
    and no subscription); ``queue_size``: its queue's bound (None: the bus's
    default); ``after``: what it does once every stage has stopped.
    """

    name: str
    run: StageRun
    accepts: frozenset[str] | None = NOTHING
    queue_size: int | None = None
    after: Callable[[EventQueue], Awaitable[None]] | None = None


class _Stop(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Runner:
    bus: Bus
    stages: tuple[Stage, ...]

    def adding(self, *stages: Stage) -> Runner:
        """This runner with ``stages`` as well (the demo's narrator, a bench's probes)."""
        return replace(self, stages=self.stages + stages)

    async def run(self, stop: asyncio.Event) -> None:
        """Run every stage until ``stop`` is set, then cancel them all and let each finish."""
        queues = [self._queue_for(stage) for stage in self.stages]
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(_stop_on(stop), name="stop")
                for stage, queue in zip(self.stages, queues, strict=True):
                    tg.create_task(stage.run(queue), name=stage.name)
        except* _Stop:
            pass
        finally:
            # The queues stay subscribed: the summary reads what each one dropped.
            for stage, queue in zip(self.stages, queues, strict=True):
                if stage.after is not None:
                    try:
                        await stage.after(queue)
                    except Exception:
                        log.exception("%s: did not finish cleanly", stage.name)

    def _queue_for(self, stage: Stage) -> EventQueue:
        if stage.accepts == NOTHING:
            return EventQueue(1, accepts=NOTHING, name=stage.name)
        return self.bus.subscribe(stage.name, accepts=stage.accepts, maxsize=stage.queue_size)


async def _stop_on(stop: asyncio.Event) -> None:
    await stop.wait()
    raise _Stop


def install_stop_signals(stop: asyncio.Event) -> list[int]:
    """Ctrl-C and SIGTERM end the run cleanly instead of with a traceback; the returned list
    gets the signal that did (for the exit code). The sentiment worker ignores SIGINT itself:
    the terminal sends Ctrl-C to it too."""
    loop = asyncio.get_running_loop()
    caught: list[int] = []

    def on_signal(sig: int) -> None:
        caught.append(sig)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, on_signal, int(sig))
    return caught
