"""A loopback TCP port that nothing listens on (for "unreachable" and "taken port" checks)."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
