"""Waiting in tests for what a real `cohost` process writes (deadlines are hang guards only)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path


async def wait_for_file_text(path: Path, needle: str, timeout: float = 120.0) -> None:
    """Until ``needle`` appears in the file at ``path``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and needle in path.read_text(encoding="utf-8"):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{needle!r} never appeared in {path}")
