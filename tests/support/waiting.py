"""Waiting in tests for what a real `cohost` process writes (deadlines are hang guards only)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


async def wait_for_file_text(path: Path, needle: str, timeout: float = 120.0) -> None:
    """Until ``needle`` appears in the file at ``path``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and needle in path.read_text(encoding="utf-8"):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{needle!r} never appeared in {path}")


async def wait_for_record(
    path: Path, done: Callable[[list[dict[str, Any]]], bool], timeout: float = 180.0
) -> None:
    """Until ``done`` holds for the events recorded so far in the JSON-lines file at ``path``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            events = [json.loads(line) for line in lines[:-1] if line.strip()]  # the last may be half written
            if done(events):
                return
        await asyncio.sleep(0.2)
    raise AssertionError(f"what the test waited for never appeared in {path}")
