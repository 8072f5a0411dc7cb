"""Lenient readers for Bilibili command JSON: every read answers a default instead of raising.

Real payloads drift: ``DANMU_MSG.info`` arrays grow and shrink, fields go missing,
numbers arrive as strings (and, from a hostile peer, as "²", "⑤" or "--1", which
``str.isdigit`` accepts and ``int`` refuses). Numbers are read from ASCII digits
only. Also here: the few-field protobuf reader for ``INTERACT_WORD_V2``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import OrderedDict
from typing import Any

from agent.sources.jsonread import load_object

MAX_ID = 64  # ids are kept at most this long; a longer one is shortened by hashing its tail
_INT = re.compile(r"[+-]?[0-9]{1,18}")
_FLOAT = re.compile(r"[+-]?(?:[0-9]{1,16}(?:\.[0-9]{0,16})?|\.[0-9]{1,16})(?:[eE][+-]?[0-9]{1,3})?")


def get(obj: Any, *path: int | str) -> Any:
    """``obj[p0][p1]...`` or None when any step is missing or the wrong kind."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(obj, list) or not -len(obj) <= key < len(obj):
                return None
            obj = obj[key]
        else:
            if not isinstance(obj, dict):
                return None
            obj = obj.get(key)
    return obj


def item(seq: Any, index: int) -> Any:
    """``seq[index]`` for a list long enough, else None: the hot path of DANMU_MSG."""
    return seq[index] if type(seq) is list and index < len(seq) else None


def as_int(value: Any, default: int = 0) -> int:
    """An int from an int, a whole float or ASCII digits; ``default`` for anything else."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and abs(value) < 1e18:
        return int(value)
    if isinstance(value, str) and len(value) < 30 and _INT.fullmatch(stripped := value.strip()):
        return int(stripped)
    return default


def as_count(value: Any) -> int:
    """How many (gifts, guard months, likes): at least 1, also when missing or junk."""
    return max(as_int(value, 1), 1)


def as_float(value: Any) -> float:
    """A finite float from a number or ASCII decimal text; 0.0 for anything else."""
    if isinstance(value, bool):
        return 0.0
    if isinstance(value, int | float):
        f = float(value)
    elif isinstance(value, str) and len(value) < 40 and _FLOAT.fullmatch(stripped := value.strip()):
        f = float(stripped)
    else:
        return 0.0
    return f if math.isfinite(f) and abs(f) < 1e15 else 0.0


def as_str(value: Any, limit: int = 200) -> str:
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def as_id(value: Any) -> str:
    """A message or combo id. A long one keeps its head and a hash of the whole, so two
    ids that differ only past the cut (a viewer's two combos) stay two ids."""
    text = as_str(value, 4096)
    if len(text) <= MAX_ID:
        return text
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return f"{text[: MAX_ID - 17]}~{digest}"


def as_uid(value: Any) -> str:
    """Numeric uids as text; 0 (a masked viewer) and junk become ""."""
    if isinstance(value, str):
        return "" if value in ("", "0") else as_id(value)
    n = as_int(value)
    return str(n) if n > 0 else ""


def as_json_object(value: Any) -> dict[str, Any]:
    """A JSON-in-a-string field (``extra``) as a dict; {} when it is anything else."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or len(value) > 65536:
        return {}
    return load_object(value) or {}


class GiftPrices:
    """Gold coins per gift id, learned from SEND_GIFT: the 2020 COMBO_SEND shape has no
    total, only the gift and the count. Bounded: the oldest id goes first."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._coins: OrderedDict[int, int] = OrderedDict()

    def learn(self, gift_id: int, coins: int) -> None:
        if gift_id > 0 and coins > 0:
            self._coins[gift_id] = coins
            self._coins.move_to_end(gift_id)
            if len(self._coins) > self.size:
                self._coins.popitem(last=False)

    def coins(self, gift_id: int) -> int:
        return self._coins.get(gift_id, 0)


# --- protobuf (INTERACT_WORD_V2) ------------------------------------------------
# Four scalar fields of one message do not justify a protobuf dependency and a
# generated schema; this reader walks the wire format and keeps top-level fields.


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("bad varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def parse_protobuf(buf: bytes) -> dict[int, int | bytes]:
    """Top-level fields of a protobuf message: number -> varint or bytes (last one wins).

    Raises ValueError on malformed input. Fixed-width fields are skipped.
    """
    fields: dict[int, int | bytes] = {}
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            fields[number] = value
        elif wire == 2:
            size, pos = _varint(buf, pos)
            if size > len(buf) - pos:
                raise ValueError("length past end")
            fields[number] = buf[pos : pos + size]
            pos += size
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if pos > len(buf):
            raise ValueError("field past end")
    return fields
