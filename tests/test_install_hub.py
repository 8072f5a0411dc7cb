"""A hub model that is not downloaded, with no way to reach the hub: one line, at once, with the
ways round it (a local folder, ModelScope, HF_ENDPOINT), instead of a minute of retries."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from agent.shared import hub


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_hub_is_one_line_with_the_ways_round_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    line = hub.unreachable("zai-org/glm-edge-1.5b-chat", timeout_s=2.0)
    assert line is not None and "\n" not in line
    for hint in (
        "cannot be reached",
        "--local-dir",
        "modelscope download",
        "HF_ENDPOINT",
        "llm.transformers.model",
    ):
        assert hint in line


def test_a_hub_that_answers_is_reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from huggingface_hub import constants

    class NotFound(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self.send_response(404)  # a mirror without the model still answers: the load says why
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
        assert hub.unreachable("zai-org/glm-edge-1.5b-chat", timeout_s=5.0) is None
    finally:
        server.shutdown()
        server.server_close()


def test_the_engine_fails_once_with_that_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import transformers  # noqa: F401  (the engine under test needs it)
    from huggingface_hub import constants
    from transformers import AutoConfig

    from agent.llm.base import EngineUnavailable
    from agent.llm.transformers_engine import _from_pretrained

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))  # nothing downloaded
    monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(EngineUnavailable) as caught:
        _from_pretrained(AutoConfig, "someone/not-downloaded-model", cache_dir=str(tmp_path))
    assert str(caught.value).startswith("model 'someone/not-downloaded-model' is not downloaded and ")
    assert "HF_ENDPOINT" in str(caught.value)
