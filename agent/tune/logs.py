"""Reading ``--record`` logs for training: every event with its time, one stream per file.

Unlike the replay source (which takes only what the room said), this keeps the
bot's side too: its sentences, what was cut off, skipped or muted, what was filtered.
The lines are read by the replay source's reader (`recording_lines`), told to keep every type.
Bad lines are counted, not fatal; a file with no event at all is an error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from agent.events import EVENT_TYPES, from_dict
from agent.sources.replay import Timed, recording_lines


class DatasetError(Exception):
    """Something the streamer must fix; the message is the one line to show."""


@dataclass(frozen=True, slots=True)
class Stream:
    name: str
    path: Path
    events: list[Timed]
    bad_lines: int
    unknown: int


def read_stream(path: Path, name: str = "") -> Stream:
    if not path.is_file():
        raise DatasetError(f"no recording at {path} (pass files written by `cohost run --record FILE`)")
    events: list[Timed] = []
    skipped: Counter[str] = Counter()
    try:
        for _, mono, data in recording_lines(
            path, skipped, EVENT_TYPES, errors="strict", left_out_as="unknown"
        ):
            try:
                events.append(Timed(mono, from_dict(data)))
            except (ValueError, TypeError):
                skipped["bad"] += 1
    except UnicodeDecodeError:
        raise DatasetError(f"{path} is not UTF-8 text: pass a JSONL file written by --record") from None
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not events:
        raise DatasetError(
            f"{path} holds no events ({skipped['bad']} unreadable lines): "
            "pass a JSONL file written by --record"
        )
    events.sort(key=lambda t: t.mono)
    return Stream(name or path.stem, path, events, skipped["bad"], skipped["unknown"])


def read_streams(paths: list[Path]) -> list[Stream]:
    """One stream per distinct file; names made unique (two days' ``stream.jsonl`` stay apart)."""
    streams: list[Stream] = []
    seen_paths: set[Path] = set()
    names: set[str] = set()
    for path in paths:
        resolved = path.expanduser().resolve()
        if resolved in seen_paths:
            continue
        seen_paths.add(resolved)
        name = path.stem
        index = 2
        while name in names:
            name, index = f"{path.stem}-{index}", index + 1
        names.add(name)
        streams.append(read_stream(path.expanduser(), name))
    return streams
