"""A room replayed through ``cohost demo --input FILE`` with no voice, no ears and the
template engine, as the filter and trust tests use it: the events written as a recording
(one every ``step`` seconds), the run's record read back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from agent.app.record import encode_line
from agent.events import Event

QUIET_ROOM_ENV = {
    "COHOST_AUDIO__OUTPUT_DEVICE": "none",
    "COHOST_TTS__ENGINE": "none",
    "COHOST_ASR__ENGINE": "none",
    "COHOST_LLM__ENGINE": "template",
    "COHOST_BRAIN__SENTIMENT_MODEL": "false",
    "COHOST_CONTROL__PORT": "0",
}


def replay_room(
    events: Sequence[Event], out: Path, *, step: float = 0.8, speed: int = 10, timeout: int = 300
) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    """Replay ``events`` in ``out``; the finished run and its recorded events."""
    recording, record = out / "room.jsonl", out / "run.jsonl"
    lines = [encode_line(e, 1.0 + step * i, 1764000000.0 + step * i) for i, e in enumerate(events)]
    recording.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "agent", "demo", "--input", str(recording), "--speed", str(speed), "--quiet",
         "--record", str(record), "--out", str(out)],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **QUIET_ROOM_ENV}, cwd=out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result, [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
