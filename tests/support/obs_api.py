"""A stand-in for the control API that records what the OBS script sends (tests/test_obs*.py)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "tok-123"


@dataclass
class Seen:
    method: str
    path: str
    auth: str
    body: str


@dataclass
class RecordingApi:
    requests: list[Seen] = field(default_factory=list)
    status: dict[str, Any] = field(default_factory=lambda: {"state": "listening", "muted": False})

    def start(self) -> None:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                api.requests.append(
                    Seen(self.command, self.path, self.headers.get("Authorization", ""), body)
                )
                payload = json.dumps(api.status if self.path == "/api/status" else {"ok": True}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _record

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def posts(self) -> list[tuple[str, str]]:
        return [(r.path, r.auth) for r in list(self.requests) if r.method == "POST"]
