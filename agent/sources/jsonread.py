"""The one lenient JSON reader for everything a peer sends: strict JSON in, a value or ValueError out.

orjson reads the normal case (it is most of a danmaku's cost, see bench). It refuses
some input a platform really sends, such as an escaped lone surrogate (``"\\ud800"``)
in a viewer's message; the standard library reads those, with NaN/Infinity and
out-of-range floats refused and deep nesting turned into ValueError instead of
RecursionError. The source boundary then strips what such text carries.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson


class BadJson(ValueError):
    """The input is not strict JSON (or nests too deep to read safely)."""


def _refuse_constant(name: str) -> float:
    raise BadJson(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadJson(f"{text[:20]} is out of range")
    return value


def loads(raw: str | bytes | bytearray | memoryview) -> Any:
    """The JSON value in ``raw``; BadJson when it is not strict, finite, shallow JSON."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as first:
        problem: Exception = first
    try:
        text = raw if isinstance(raw, str) else bytes(raw).decode("utf-8")
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise BadJson(str(problem)[:200]) from None


def load_object(raw: str | bytes | bytearray | memoryview) -> dict[str, Any] | None:
    """The JSON object in ``raw``, or None when it is anything else (bad JSON included)."""
    try:
        value = loads(raw)
    except BadJson:
        return None
    return value if isinstance(value, dict) else None
