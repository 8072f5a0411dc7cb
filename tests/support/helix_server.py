"""A loopback stand-in for Twitch's Helix API: ``GET /helix/users?login=`` and
``GET /helix/channels?broadcaster_id=``, answering Helix's own JSON shapes (from Twitch's
API reference) and its error body ``{"error", "status", "message"}``.

It checks what the real API checks: a ``Client-Id`` header and an ``Authorization:
Bearer`` token issued for it. ``title`` and ``game`` may be changed while it runs.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BROADCASTER_ID = "141981764"


class HelixServer(ThreadingHTTPServer):
    """``with served(HelixServer(...)) as helix``; ``helix.base`` is the ``api_base``."""

    daemon_threads = True

    def __init__(self, *, client_id: str, token: str, login: str, title: str, game: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.client_id, self.token, self.login = client_id, token, login
        self.title, self.game = title, game
        self.calls: list[str] = []  # "/helix/users?login=...", in order
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/helix"

    def count(self, path: str) -> int:
        with self.lock:
            return sum(call.startswith(path) for call in self.calls)

    def answer(self, path: str, query: dict[str, list[str]], headers: Any) -> tuple[int, dict[str, Any]]:
        if headers.get("Client-Id") != self.client_id:
            return 401, _error(401, "Unauthorized", "Client ID and OAuth token do not match")
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, _error(401, "Unauthorized", "Invalid OAuth token")
        if path == "/helix/users":
            logins = query.get("login", [])
            if self.login not in logins:
                return 200, {"data": []}
            return 200, {"data": [{
                "id": BROADCASTER_ID, "login": self.login, "display_name": self.login.capitalize(),
                "type": "", "broadcaster_type": "partner", "description": "",
                "profile_image_url": "", "offline_image_url": "", "view_count": 0,
                "created_at": "2016-12-14T20:32:28Z",
            }]}  # fmt: skip
        if path == "/helix/channels":
            ids = query.get("broadcaster_id")
            if not ids:
                return 400, _error(400, "Bad Request", 'Missing required parameter "broadcaster_id"')
            if ids != [BROADCASTER_ID]:
                return 200, {"data": []}
            with self.lock:
                title, game = self.title, self.game
            return 200, {"data": [{
                "broadcaster_id": BROADCASTER_ID, "broadcaster_login": self.login,
                "broadcaster_name": self.login.capitalize(), "broadcaster_language": "en",
                "game_id": "509670", "game_name": game, "title": title, "delay": 0,
                "tags": ["English"], "content_classification_labels": [], "is_branded_content": False,
            }]}  # fmt: skip
        return 404, _error(404, "Not Found", "")


def _error(status: int, error: str, message: str) -> dict[str, Any]:
    return {"error": error, "status": status, "message": message}


class _Handler(BaseHTTPRequestHandler):
    server: HelixServer

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        with self.server.lock:
            self.server.calls.append(self.path)
        status, body = self.server.answer(url.path, parse_qs(url.query), self.headers)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass
