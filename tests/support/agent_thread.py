"""The whole agent (``build_pipeline`` + ``run``) on its own event loop in a thread.

For tests that drive it from outside as a streamer's tools would: a bridge on the
jsonws listener, a browser on the overlay, HTTP on the control API.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from agent.app.assemble import build_pipeline
from agent.app.runtime import Pipeline
from agent.clock import Clock
from agent.config import Config
from agent.sources.factory import build_live_sources


@contextlib.contextmanager
def running(cfg: Config, out_dir: Path, *, speed: float = 1.0) -> Iterator[Pipeline]:
    """The pipeline, running until the block ends; the control API answers before it yields."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    built: list[Pipeline] = []

    async def main() -> None:
        pipeline = await build_pipeline(
            cfg, Clock(speed=speed), build_live_sources(cfg.sources), out_dir=out_dir
        )
        built.append(pipeline)
        await pipeline.run(stop)

    thread = threading.Thread(target=lambda: loop.run_until_complete(main()), daemon=True)
    thread.start()
    try:
        wait_http(f"http://127.0.0.1:{cfg.control.port}/api/status")
        yield built[0]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(60)
        loop.close()


def wait_http(url: str, tries: int = 600) -> None:
    """Until ``url`` answers at all (any status): the server is up."""
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")
