"""Events as JSON objects: one line of a recording, one message on the overlay socket."""

from __future__ import annotations

import dataclasses
from typing import Any

from agent.events.kinds import EVENT_TYPES, Event

_FIELDS: dict[type, tuple[dataclasses.Field[Any], ...]] = {
    cls: tuple(f for f in dataclasses.fields(cls) if f.name != "at") for cls in EVENT_TYPES.values()
}


class EventDecodeError(ValueError):
    pass


def to_dict(event: Event) -> dict[str, Any]:
    """The event's JSON object: ``type`` first, then its fields (never ``at``)."""
    out: dict[str, Any] = {"type": event.type}
    for f in _FIELDS[type(event)]:
        out[f.name] = getattr(event, f.name)
    return out


def from_dict(data: dict[str, Any]) -> Event:
    """Build an event from its JSON object; unknown keys are ignored, wrong ones raise."""
    kind = data.get("type")
    cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise EventDecodeError(f"unknown event type {kind!r}")
    kwargs = {f.name: data[f.name] for f in _FIELDS[cls] if f.name in data}
    try:
        event = cls(**kwargs)
    except TypeError as exc:
        raise EventDecodeError(f"{kind}: {exc}") from None
    _check_types(event)
    return event


_SIMPLE = {"str": str, "int": int, "float": (int, float), "bool": bool}


def _check_types(event: Event) -> None:
    """Reject wrong JSON types (a number where text belongs) so nothing downstream trips."""
    for f in _FIELDS[type(event)]:
        expected = _SIMPLE.get(str(f.type))
        value = getattr(event, f.name)
        if expected is None:
            continue
        if isinstance(value, bool) and expected is not bool:
            raise EventDecodeError(f"{event.type}.{f.name}: expected {f.type}, got bool")
        if not isinstance(value, expected):  # type: ignore[arg-type]
            raise EventDecodeError(f"{event.type}.{f.name}: expected {f.type}, got {type(value).__name__}")
