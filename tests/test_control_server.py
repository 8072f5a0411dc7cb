"""The control API's server stage: a busy port, serving and stopping on cancel, a refused overlay
websocket (a real uvicorn on a free loopback port, against a fake runtime)."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket

import pytest

from agent.config import ControlConfig, OverlayConfig
from agent.control.server import ControlServer, ControlServerError, bind_socket
from tests.support.control_api import FakeController
from tests.support.control_api import fake as fake  # the fixture

# --- the server stage ------------------------------------------------------------


def test_busy_port_is_a_one_line_error_naming_control_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ControlServerError) as info:
            bind_socket("127.0.0.1", port)
    assert len(info.value.lines) == 1
    assert f"control.port = {port}" in info.value.lines[0]


async def test_server_serves_and_stops_on_cancel(fake: FakeController) -> None:
    import httpx

    listening = asyncio.Event()
    server = ControlServer(
        fake, ControlConfig(port=0), OverlayConfig(), on_listening=lambda host, port: listening.set()
    )
    ctrl_c = signal.getsignal(signal.SIGINT)
    task = asyncio.create_task(server.run())
    await asyncio.wait_for(listening.wait(), 5)
    url = f"http://127.0.0.1:{server.port}"
    async with httpx.AsyncClient(base_url=url) as http:
        skipped = (await http.post("/api/skip")).json()
    assert skipped == {"ok": True, "action": "skip", "refused": "", "rule": ""}
    # uvicorn would have installed its own handler; Ctrl-C must stay the runtime's.
    assert signal.getsignal(signal.SIGINT) is ctrl_c
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", server.port or 0)) != 0  # the port is free again
    assert [e.action for e in fake.sent] == ["skip"]


async def test_refused_overlay_websocket_is_one_warning_not_an_error(
    fake: FakeController, caplog: pytest.LogCaptureFixture
) -> None:
    import websockets
    from websockets.exceptions import InvalidStatus

    listening = asyncio.Event()
    server = ControlServer(
        fake, ControlConfig(port=0), OverlayConfig(), on_listening=lambda host, port: listening.set()
    )
    task = asyncio.create_task(server.run())
    await asyncio.wait_for(listening.wait(), 5)
    url = f"ws://127.0.0.1:{server.port}/ws/events"
    with caplog.at_level(logging.DEBUG):
        for _ in range(2):  # an overlay page retries: the same refusal is logged once
            with pytest.raises(InvalidStatus) as refused:
                async with websockets.connect(url, additional_headers={"Origin": "https://evil.example"}):
                    pass
            assert refused.value.response.status_code == 403
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "overlay websocket refused (403): Origin 'https://evil.example' not allowed: "
        "add it to control.allowed_origins"
    ]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
