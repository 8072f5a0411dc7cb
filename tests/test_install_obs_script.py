"""The OBS script as shipped: found by `cohost obs-script-path`, and a 429 is retried once."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
import types
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from agent.shared.shipped import obs_script


def load_script() -> Any:
    sys.modules["obspython"] = types.ModuleType("obspython")  # OBS's module; the HTTP part needs none
    try:
        spec = importlib.util.spec_from_file_location("cohost_obs_retry_test", obs_script())
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        del sys.modules["obspython"]
    return module


class Busy:
    """An agent that answers the first ``busy`` requests with 429 and the rest with 200."""

    def __init__(self, busy: int) -> None:
        self.busy = busy
        self.seen: list[tuple[str, int]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                code = 429 if len(owner.seen) < owner.busy else 200
                owner.seen.append((self.path, code))
                payload = b'{"detail": "too many requests"}' if code == 429 else b'{"ok": true}'
                self.send_response(code)
                self.send_header("Retry-After", "0")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def busy_agent(request: pytest.FixtureRequest) -> Iterator[Busy]:
    agent = Busy(request.param)
    yield agent
    agent.server.shutdown()
    agent.server.server_close()


@pytest.mark.parametrize("busy_agent", [1], indirect=True)
def test_a_429_is_retried_once_and_the_mute_lands(busy_agent: Busy) -> None:
    script = load_script()
    agent = script.Agent()
    agent.addr = busy_agent.url
    agent._jobs.put_nowait = lambda job: None  # no follow-up status poll in this test
    agent._do("POST", "/api/mute", None)
    assert busy_agent.seen == [("/api/mute", 429), ("/api/mute", 200)]
    assert agent.muted is True


@pytest.mark.parametrize("busy_agent", [5], indirect=True)
def test_a_second_429_is_reported_not_retried_forever(busy_agent: Busy) -> None:
    script = load_script()
    agent = script.Agent()
    agent.addr = busy_agent.url
    agent._do("POST", "/api/skip", None)
    assert busy_agent.seen == [("/api/skip", 429), ("/api/skip", 429)]
    assert agent.status_text == "Cohost: POST /api/skip failed with HTTP 429"


def test_retry_wait_is_bounded() -> None:
    script = load_script()
    assert script._retry_after("2") == 2.0
    assert script._retry_after("9999") == script.MAX_RETRY_WAIT_S
    assert script._retry_after("nan") == 1.0
    assert script._retry_after("soon") == 1.0
    assert script._retry_after(None) == 1.0


def test_obs_script_path_prints_the_shipped_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agent", "obs-script-path"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(obs_script())
    assert obs_script().read_text(encoding="utf-8").startswith('"""Cohost control panel')
