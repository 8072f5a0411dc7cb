"""A loopback stand-in for the Hugging Face hub's file URLs, with Range support.

``/{owner}/{name}/resolve/{revision}/{path}`` as the hub serves it: a large (LFS)
file answers HEAD/GET with a 302 to a content URL plus ``X-Linked-Etag`` (its
sha256) and ``X-Linked-Size``; a small file answers 200 with ``ETag`` (its git
blob sha1). The content URL honours ``Range: bytes=N-`` with 206. Knobs for the
failures a person meets: ``drop_after`` (the connection dies after N bytes of a
body, once), ``corrupt`` (paths served with one byte changed, same etag).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.threaded import served

LFS_MIN = 1024
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)$")
_RANGE = re.compile(r"^bytes=(\d+)-$")


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass
class HubState:
    files: dict[tuple[str, str], bytes]
    revision: str = "main"
    drop_after: int | None = None
    corrupt: set[str] = field(default_factory=set)
    ranges: list[str] = field(default_factory=list)  # Range headers received, in order
    by_sha: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for (_, path), data in self.files.items():
            self.by_sha[hashlib.sha256(data).hexdigest()] = (path, data)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Hub

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        state = self.server.state
        if self.path.startswith("/cdn/"):
            return self._content(self.path.removeprefix("/cdn/"), body)
        match = _RESOLVE.match(self.path)
        if not match or match["rev"] != state.revision or (match["repo"], match["path"]) not in state.files:
            return self._empty(404, {"X-Error-Code": "EntryNotFound"})
        data = state.files[(match["repo"], match["path"])]
        if len(data) >= LFS_MIN:
            sha = hashlib.sha256(data).hexdigest()
            headers = {
                "Location": f"/cdn/{sha}",
                "X-Linked-Etag": f'"{sha}"',
                "X-Linked-Size": str(len(data)),
                "X-Repo-Commit": "0" * 40,
            }
            return self._empty(302, headers)
        self._send(200, data, {"ETag": f'"{git_blob_sha1(data)}"', "X-Repo-Commit": "0" * 40}, body)

    def _content(self, sha: str, body: bool) -> None:
        state = self.server.state
        if sha not in state.by_sha:
            return self._empty(404, {})
        path, data = state.by_sha[sha]
        if path in state.corrupt:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        start = 0
        if body and (wanted := self.headers.get("Range")):
            state.ranges.append(wanted)
            if (m := _RANGE.match(wanted)) is not None:
                start = int(m.group(1))
                if start >= len(data):
                    return self._empty(416, {"Content-Range": f"bytes */{len(data)}"})
        if start:
            extra = {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"}
            return self._send(206, data[start:], extra, body)
        self._send(200, data, {"Accept-Ranges": "bytes"}, body)

    def _empty(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, data: bytes, headers: dict[str, str], body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not body:
            return
        state = self.server.state
        if state.drop_after is not None and len(data) > state.drop_after:
            cut, state.drop_after = state.drop_after, None
            self.wfile.write(data[:cut])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(data)


class _Hub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: HubState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def hub(state: HubState) -> Iterator[_Hub]:
    with served(_Hub(state)) as server:
        yield server
