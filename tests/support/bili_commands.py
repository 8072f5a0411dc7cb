"""Parsing one Bilibili command in tests, failing if any handler raised inside the parser."""

from __future__ import annotations

from typing import Any

from agent.sources.bilibili.commands import CommandParser


def parse(body: dict[str, Any]) -> list[Any]:
    parser = CommandParser()
    out = parser.parse(body)
    assert not parser.failed, "a handler raised; helpers must absorb every shape"
    return out
