"""The overlay page in a real headless Chromium, fed by the real server with a scripted runtime.

Checks what a viewer could try: a reply quoting markup must show as text and
never run; and that the page actually draws (Chinese included) on a
transparent background for OBS.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import shutil
import struct
import subprocess
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from websockets.sync.client import connect

from agent.bus import Bus, EventQueue
from agent.config import ControlConfig, OverlayConfig
from agent.control.api import Controller
from agent.control.server import ControlServer
from agent.events import Control, Event, Metric, ReplySentence, StateChange

pytestmark = pytest.mark.slow

ATTACK = "<img src=x onerror=alert(1)><script>document.title='pwned'</script>"
CHINESE = "今天的直播真开心，谢谢大家的支持！"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class ScriptedController(Controller):
    """Publishes ``script`` to the bus as soon as an overlay subscribes."""

    def __init__(self, script: list[Event]) -> None:
        self.bus = Bus(default_size=64)
        self.script = script

    def send(self, event: Control) -> None:
        self.bus.publish(event)

    def status(self) -> dict[str, Any]:
        return {"state": "listening", "muted": False, "sources": {"bilibili": "live"}}

    def subscribe(self, name: str, accepts: frozenset[str] | None) -> EventQueue:
        queue = self.bus.subscribe(name, accepts=accepts, maxsize=32)
        loop = asyncio.get_running_loop()
        for event in self.script:
            loop.call_soon(self.bus.publish, event)
        return queue

    def unsubscribe(self, queue: EventQueue) -> None:
        self.bus.unsubscribe(queue)

    def counters(self) -> dict[str, dict[str, float]]:
        return {}


@pytest.fixture
def overlay_url() -> Iterator[str]:
    controller = ScriptedController(
        [
            StateChange(state="speaking"),
            ReplySentence(utterance_id=1, index=0, text=ATTACK),
            ReplySentence(utterance_id=2, index=0, text=CHINESE),
            Metric(name="arrival_to_first_audio", ms=812.4),
        ]
    )
    listening = threading.Event()
    server = ControlServer(
        controller, ControlConfig(port=0), OverlayConfig(), on_listening=lambda h, p: listening.set()
    )
    loop = asyncio.new_event_loop()
    task = loop.create_task(server.run())

    def serve() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(task)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert listening.wait(10), "control server did not start"
    try:
        yield f"http://127.0.0.1:{server.port}/overlay?debug=1"
    finally:
        loop.call_soon_threadsafe(task.cancel)
        thread.join(10)
        loop.close()


@dataclass
class Rendered:
    dom: str
    title: str
    png: bytes
    dialogs: list[dict[str, Any]]


def render_in_chromium(url: str, profile: Path, want_spans: int = 2, timeout_s: float = 20.0) -> Rendered:
    """Open ``url`` in headless Chromium over the DevTools protocol; wait (real time) for the lines."""
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1280,720",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        "about:blank",
    ]
    browser = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout_s
        port_file = profile / "DevToolsActivePort"
        while not port_file.is_file() or not port_file.read_text().strip():
            assert browser.poll() is None, browser.stderr.read().decode()[-2000:] if browser.stderr else ""
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        pages = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json()
        target = next(p for p in pages if p.get("type") == "page")
        with connect(target["webSocketDebuggerUrl"], max_size=None) as cdp:
            ids = itertools.count(1)
            dialogs: list[dict[str, Any]] = []

            def call(method: str, **params: Any) -> dict[str, Any]:
                call_id = next(ids)
                cdp.send(json.dumps({"id": call_id, "method": method, "params": params}))
                while True:
                    message = json.loads(cdp.recv(timeout=max(0.1, deadline - time.monotonic())))
                    if message.get("method") == "Page.javascriptDialogOpening":
                        dialogs.append(message["params"])
                        cdp.send(
                            json.dumps(
                                {"id": 0, "method": "Page.handleJavaScriptDialog", "params": {"accept": True}}
                            )
                        )
                    if message.get("id") == call_id:
                        assert "error" not in message, message
                        return message["result"]

            def evaluate(expression: str) -> Any:
                return call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get(
                    "value"
                )

            call("Page.enable")
            call("Emulation.setDefaultBackgroundColorOverride", color={"r": 0, "g": 0, "b": 0, "a": 0})
            call("Page.navigate", url=url)
            while (evaluate("document.querySelectorAll('#lines li span').length") or 0) < want_spans:
                assert time.monotonic() < deadline, "the overlay never showed the reply lines"
                time.sleep(0.05)
            time.sleep(0.3)  # let the last frame paint
            png = base64.b64decode(call("Page.captureScreenshot", format="png")["data"])
            return Rendered(
                dom=evaluate("document.documentElement.outerHTML"),
                title=evaluate("document.title"),
                png=png,
                dialogs=dialogs,
            )
    finally:
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait()


@pytest.fixture
def rendered(overlay_url: str, tmp_path: Path) -> Rendered:
    return render_in_chromium(overlay_url, tmp_path / "profile")


def read_png_rgba(data: bytes) -> np.ndarray:
    """Decode an 8-bit RGBA or RGB PNG (what Chromium writes) without an imaging library."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), f"unexpected PNG format depth={depth} colour={colour}"
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    out = np.zeros((height, stride), dtype=np.int32)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1).astype(np.int32)
        if kind == 0:
            row = line
        elif kind == 2:
            row = (line + prev) & 0xFF
        else:  # Sub, Average, Paeth depend on the pixel to the left: go byte by byte
            row = np.zeros(stride, dtype=np.int32)
            for x in range(stride):
                left = row[x - channels] if x >= channels else 0
                up, corner = prev[x], prev[x - channels] if x >= channels else 0
                if kind == 1:
                    pred = left
                elif kind == 3:
                    pred = (left + up) // 2
                else:
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                row[x] = (line[x] + pred) & 0xFF
        out[y] = row
        prev = row
    pixels = out.reshape(height, width, channels).astype(np.uint8)
    if channels == 3:
        alpha = np.full((height, width, 1), 255, dtype=np.uint8)
        pixels = np.concatenate([pixels, alpha], axis=2)
    return pixels


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_untrusted_reply_is_shown_as_text_and_never_runs(rendered: Rendered) -> None:
    dom = rendered.dom
    assert rendered.title == "Cohost overlay"  # the injected script did not rename the page
    assert rendered.dialogs == []  # and alert(1) never opened
    lines = dom.split('<ol id="lines"', 1)[1].split("</ol>", 1)[0]
    # The markup arrived as characters: escaped in the serialised DOM, no element made of it.
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;document.title='pwned'&lt;/script&gt;" in lines
    assert "<img" not in lines
    assert "<script" not in lines
    assert CHINESE in lines
    assert 'data-state="speaking"' in dom
    assert "arrival_to_first_audio" in dom  # ?debug=1 shows the latencies
    assert "<dd>812</dd>" in dom


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_screenshot_draws_text_on_a_transparent_page(rendered: Rendered, tmp_path: Path) -> None:
    (tmp_path / "overlay.png").write_bytes(rendered.png)  # kept for a look: pytest --basetemp=DIR
    pixels = read_png_rgba(rendered.png)
    alpha = pixels[:, :, 3]
    height = pixels.shape[0]
    # OBS composites the page: everything but the text boxes must stay see-through.
    assert alpha[: height // 4, : pixels.shape[1] // 2].max() == 0, "top-left of the page is not transparent"
    # The reply lines sit at the bottom: there must be drawn, varied pixels there (text, not a flat box).
    bottom = pixels[height // 2 :]
    drawn = bottom[bottom[:, :, 3] > 200][:, :3]
    assert len(drawn) > 2000, "nothing drawn where the reply lines belong"
    bright = (drawn.min(axis=1) > 200).sum()
    assert bright > 500, "no light text pixels on the dark line boxes"
