"""WBI request signing for Bilibili's web APIs (getDanmuInfo needs it since mid-2025).

The nav API hands out two keys as image file names (``wbi_img.img_url``/``sub_url``);
their concatenation is shuffled through a fixed table and cut to 32 characters (the
mixin key). A request is signed by adding ``wts`` (unix seconds) and ``w_rid`` = md5 of
the sorted, url-encoded parameters (with ``!'()*`` removed from values) plus the mixin key.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any
from urllib.parse import quote, urlencode

# Bilibili's fixed shuffle of the 64 characters of img_key + sub_key.
MIXIN_KEY_ENC_TAB = (
    46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35,
    27, 43, 5, 49, 33, 9, 42, 19, 29, 28, 14, 39, 12, 38, 41, 13,
    37, 48, 7, 16, 24, 55, 40, 61, 26, 17, 0, 1, 60, 51, 30, 4,
    22, 25, 54, 21, 56, 59, 6, 63, 57, 62, 11, 36, 20, 34, 44, 52,
)  # fmt: skip

_STRIP = str.maketrans("", "", "!'()*")


def key_from_url(url: str) -> str:
    """``https://i0.hdslb.com/bfs/wbi/7cd0....png`` -> ``7cd0...``."""
    name = url.rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def mixin_key(img_key: str, sub_key: str) -> str:
    raw = img_key + sub_key
    return "".join(raw[i] for i in MIXIN_KEY_ENC_TAB if i < len(raw))[:32]


def signed_query(params: dict[str, Any], key: str, *, now: float | None = None) -> str:
    """The query string for ``params`` with ``wts`` and ``w_rid`` appended (``key`` = mixin key)."""
    items = dict(params)
    items["wts"] = int(time.time() if now is None else now)
    clean = {k: str(v).translate(_STRIP) for k, v in sorted(items.items())}
    query = urlencode(clean, quote_via=quote)
    w_rid = hashlib.md5((query + key).encode()).hexdigest()
    return f"{query}&w_rid={w_rid}"


def check_signature(query_params: dict[str, str], key: str) -> bool:
    """Server side of :func:`signed_query` (used by the test server and a relay)."""
    params = dict(query_params)
    w_rid = params.pop("w_rid", "")
    if "wts" not in params:
        return False
    clean = {k: str(v).translate(_STRIP) for k, v in sorted(params.items())}
    expected = hashlib.md5((urlencode(clean, quote_via=quote) + key).encode()).hexdigest()
    return w_rid == expected
