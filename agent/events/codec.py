"""Events as JSON objects: one line of a recording, one message on the overlay socket."""

from __future__ import annotations

import dataclasses
from typing import Any

from agent.events.kinds import EVENT_TYPES, Event

_FIELDS: dict[type, tuple[dataclasses.Field[Any], ...]] = {
    cls: tuple(f for f in dataclasses.fields(cls) if f.name != "at") for cls in EVENT_TYPES.values()
}
_NAMES: dict[type, tuple[str, ...]] = {cls: tuple(f.name for f in fields) for cls, fields in _FIELDS.items()}
_SIMPLE: dict[str, type | tuple[type, ...]] = {"str": str, "int": int, "float": (int, float), "bool": bool}
# Per event class: (field, the JSON types it accepts, its annotation) for fields of a simple type.
_CHECKED: dict[type, tuple[tuple[str, type | tuple[type, ...], str], ...]] = {
    cls: tuple((f.name, _SIMPLE[str(f.type)], str(f.type)) for f in fields if str(f.type) in _SIMPLE)
    for cls, fields in _FIELDS.items()
}


class EventDecodeError(ValueError):
    pass


def to_dict(event: Event, **stamps: float) -> dict[str, Any]:
    """The event's JSON object: ``type`` first, then ``stamps`` (a recording line's ``mono`` and
    ``wall``), then its fields (never ``at``)."""
    out: dict[str, Any] = {"type": event.type, **stamps}
    for name in _NAMES[type(event)]:
        out[name] = getattr(event, name)
    return out


def from_dict(data: dict[str, Any]) -> Event:
    """Build an event from its JSON object; unknown keys are ignored, wrong ones raise."""
    kind = data.get("type")
    cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None or not isinstance(kind, str):
        raise EventDecodeError(f"unknown event type {kind!r}")
    _check_types(kind, cls, data)
    kwargs = {name: data[name] for name in _NAMES[cls] if name in data}
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise EventDecodeError(f"{kind}: {exc}") from None


def _check_types(kind: str, cls: type, data: dict[str, Any]) -> None:
    """Reject wrong JSON types (a number where text belongs) so nothing downstream trips."""
    for name, expected, annotation in _CHECKED[cls]:
        if name not in data:
            continue  # the field's default, or a missing required field (the constructor says)
        value = data[name]
        if value.__class__ is bool and expected is not bool:
            raise EventDecodeError(f"{kind}.{name}: expected {annotation}, got bool")
        if not isinstance(value, expected):
            raise EventDecodeError(f"{kind}.{name}: expected {annotation}, got {type(value).__name__}")
