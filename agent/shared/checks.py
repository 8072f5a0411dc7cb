"""What a check of this PC reports: one line for `cohost doctor`, with the fix.

Engines and links describe their own health with a ``Check`` (their ``check()``),
so the doctor runs them without knowing any engine by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """What an engine says about itself (``info()``): for status, doctor and logs."""

    name: str
    kind: Literal["tts", "asr", "llm"]
    sample_rate: int
    languages: tuple[str, ...] = ()
    voice: str = ""
    model: str = ""
    # What it needs on this PC beyond its own package, e.g. ("torch",): the doctor checks those.
    needs: tuple[str, ...] = ()
