"""The overlay in a real browser: Debian's Chromium under Playwright, the real control server.

Chromium is the system one (``/usr/bin/chromium``); Playwright only drives it, so
``playwright install`` never runs. The server runs on its own event loop in a
thread; tests publish events into its bus from the test thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from agent.brain.brain import chat_line
from agent.brain.queue import Message
from agent.bus import Bus, EventQueue
from agent.config import ControlConfig, OverlayConfig
from agent.control.server import ControlServer
from agent.events import Control, Danmaku, Event, Gift, Guard, SuperChat

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The flags the overlay issue names; each launch also gets a fresh --user-data-dir.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 720}
needs_chromium = pytest.mark.requires("chromium")  # apt-get install chromium


def vetted(event: Danmaku | Gift | SuperChat | Guard) -> list[Event]:
    """A viewer event and the brain's verdict that it may be shown."""
    return [event, chat_line(event, Message(event, getattr(event, "text", ""), event.uname))]


class ScriptedAgent:
    """A runtime stand-in (the ``Controller`` protocol): a real bus and a fixed status."""

    def __init__(self) -> None:
        self.bus = Bus(default_size=4096)
        self.sent: list[Control] = []
        self.state: dict[str, Any] = {"state": "idle", "muted": False, "sources": {"bilibili": "live"}}

    def send(self, event: Control) -> None:
        self.sent.append(event)

    def refusal(self, text: str) -> str | None:
        return None  # nothing is refused: tests publish replies directly

    def status(self) -> dict[str, Any]:
        return dict(self.state)

    def subscribe(self, name: str, accepts: frozenset[str] | None) -> EventQueue:
        return self.bus.subscribe(name, accepts=accepts, maxsize=4096)

    def unsubscribe(self, queue: EventQueue) -> None:
        self.bus.unsubscribe(queue)

    def counters(self) -> dict[str, dict[str, float]]:
        return {}


class ServerThread:
    """``ControlServer`` for ``agent`` on a free loopback port, on its own loop and thread."""

    def __init__(
        self,
        agent: ScriptedAgent,
        overlay: OverlayConfig | None = None,
        port: int = 0,
        control: ControlConfig | None = None,
    ) -> None:
        self.agent = agent
        listening = threading.Event()
        self.server = ControlServer(
            agent,
            control or ControlConfig(port=port, rate_per_s=0),
            overlay or OverlayConfig(),
            on_listening=lambda host, port: listening.set(),
        )
        self.loop = asyncio.new_event_loop()
        self.task = self.loop.create_task(self.server.run())
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        if not listening.wait(20):
            raise RuntimeError("the control server did not start")
        self.base = f"http://127.0.0.1:{self.server.port}"

    def _serve(self) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            self.loop.run_until_complete(self.task)

    def publish(self, *events: Event) -> None:
        """Publish on the server's loop, in order, as a source or the brain would."""
        done = threading.Event()

        def publish_all() -> None:
            for event in events:
                self.agent.bus.publish(event)
            done.set()

        self.loop.call_soon_threadsafe(publish_all)
        if not done.wait(10):
            raise RuntimeError("the server loop did not take the events")

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.task.cancel)
        self.thread.join(10)
        self.loop.close()


@contextlib.contextmanager
def serve(
    agent: ScriptedAgent | None = None, overlay: OverlayConfig | None = None, port: int = 0
) -> Iterator[ServerThread]:
    """A control server (port 0: any free one) until the block ends; an agent restart is two blocks."""
    server = ServerThread(agent or ScriptedAgent(), overlay, port)
    try:
        yield server
    finally:
        server.close()


class Canary:
    """A loopback URL a successful XSS payload would fetch: every hit is recorded."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.hits = hits
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hit"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextlib.contextmanager
def chromium(profile: Path) -> Iterator[Any]:
    """A Playwright browser context on the system Chromium with a fresh profile folder."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None, "no system Chromium: apt-get install chromium (./install.sh --test does)"
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport=VIEWPORT,  # type: ignore[arg-type]
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Chromium per test module (import it ``as browser`` to use it as the fixture)."""
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


def checkerboard(width: int, height: int, cell: int = 16) -> np.ndarray:
    ys, xs = np.indices((height, width))
    light = ((ys // cell + xs // cell) % 2).astype(bool)
    board = np.where(light[..., None], np.uint8(204), np.uint8(153))
    return np.repeat(board, 3, axis=2).astype(np.uint8)


def screenshot_over_checkerboard(page: Any, path: Path) -> np.ndarray:
    """The page's transparent screenshot, composited over a checkerboard and saved at ``path``.

    Returns the raw RGBA pixels (alpha says where the page drew anything)."""
    raw = path.with_suffix(".rgba.png")
    page.screenshot(path=str(raw), omit_background=True)
    rgba = np.asarray(Image.open(raw).convert("RGBA"))
    alpha = rgba[..., 3:4].astype(np.float32) / 255.0
    board = checkerboard(rgba.shape[1], rgba.shape[0]).astype(np.float32)
    mixed = rgba[..., :3].astype(np.float32) * alpha + board * (1.0 - alpha)
    Image.fromarray(mixed.round().astype(np.uint8)).save(path)
    return rgba
