"""Reading ``COHOST_*`` variables, and saying what is wrong with a config in one line.

Lists take JSON or a comma list (``COHOST_SOURCES__ENABLED=bilibili,twitch``); any value
that cannot be read names its variable and the form expected. Whether a value may be
echoed is decided by its field's type: every ``SecretStr`` is shown as ``<hidden>``.
"""

from __future__ import annotations

import os
import types
import typing
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import EnvSettingsSource


class EnvSource(EnvSettingsSource):
    """``COHOST_*`` variables: JSON for lists and tables, or a comma list for a list."""

    def decode_complex_value(self, field_name: str, field: FieldInfo | None, value: Any) -> Any:
        try:
            return super().decode_complex_value(field_name, field, value)  # type: ignore[arg-type]  # None: a dict value
        except ValueError:
            if field is not None and _is_list(field.annotation) and isinstance(value, str):
                return [item.strip() for item in value.split(",") if item.strip()]
            raise BadEnvValue(field_name, value, field) from None


class BadEnvValue(ValueError):
    def __init__(self, key: str, value: Any, field: FieldInfo | None) -> None:
        super().__init__(key)
        self.key, self.value, self.field = key, value, field


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (list, tuple, set, frozenset)


def _field_at(root: type[BaseModel], loc: tuple[Any, ...]) -> FieldInfo | None:
    """The config field an error location points at (through sections, unions, dicts and lists)."""
    models: list[type[BaseModel]] = [root]
    found: FieldInfo | None = None
    for part in loc:
        if not isinstance(part, str):
            continue  # a list index
        found = next((m.model_fields[part] for m in models if part in m.model_fields), None)
        if found is None:
            continue  # a dict key or a union's tag: the models stay the same
        models = [t for t in _types_in(found.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
    return found


def _types_in(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated, list, dict):
        return [t for arg in args for t in _types_in(arg)]
    return [annotation]


def _is_secret(root: type[BaseModel], loc: tuple[Any, ...]) -> bool:
    """Decided by type: every ``SecretStr`` field (passwords, tokens, cookies, keys) is hidden."""
    field = _field_at(root, loc)
    return field is not None and SecretStr in _types_in(field.annotation)


def _env_name(loc: tuple[Any, ...]) -> str:
    """The ``COHOST_*`` variable that set ``loc``, when one did."""
    names = ["COHOST_" + "__".join(str(p) for p in loc[:i]).upper() for i in range(len(loc), 0, -1)]
    present = {key.upper() for key in os.environ}
    return next((name for name in names if name in present), "")


def describe(root: type[BaseModel], error: dict[str, Any]) -> str:
    loc = tuple(error["loc"])
    key = ".".join(str(part) for part in loc)
    if error["type"] == "extra_forbidden":
        return f"config error: unknown key {key!r} (check the spelling against config.toml)"
    value = error.get("input")
    # A whole section is never echoed: it may hold a secret.
    shown = "<hidden>" if _is_secret(root, loc) or isinstance(value, dict | list) else repr(value)
    env = _env_name(loc)
    where = f" (from {env})" if env else ""
    return f"config error: {key} = {shown}{where}: {error['msg']}"


def describe_all(root: type[BaseModel], errors: list[dict[str, Any]]) -> list[str]:
    """One line per problem. A value no member of a union accepts (an unknown engine name)
    comes back from pydantic once per member, its location naming the member
    (``tts.engine.literal['none']``): those become one line listing every accepted value."""
    lines: list[str] = []
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "literal_error" and loc and str(loc[-1]).startswith("literal["):
            key = loc[:-1]
            expected = error.get("ctx", {}).get("expected", "")
            if key in merged:
                merged[key]["ctx"]["expected"] += f", {expected}"
                continue
            error = {**error, "loc": key, "ctx": {"expected": expected}}
            merged[key] = error
            lines.append("")  # its place, filled below once every member has been seen
            error["_at"] = len(lines) - 1
            continue
        lines.append(describe(root, error))
    for error in merged.values():
        values = error["ctx"]["expected"].replace(" or ", ", ")
        lines[error["_at"]] = describe(root, {**error, "msg": f"expected one of {values}"})
    return lines


def describe_env(exc: BadEnvValue) -> str:
    """An environment value that is not JSON (and not a comma list where a list is wanted)."""
    name = next(
        (k for k, v in os.environ.items() if k.upper().startswith("COHOST_") and v == exc.value
         and k.upper().rsplit("__", 1)[-1].removeprefix("COHOST_") == exc.key.upper()),
        f"COHOST_…{exc.key.upper()}",
    )  # fmt: skip
    hidden = exc.field is not None and SecretStr in _types_in(exc.field.annotation)
    shown = "<hidden>" if hidden else repr(exc.value)
    example = (
        "'[\"bilibili\"]' or a comma list such as bilibili,twitch"
        if exc.field is not None and _is_list(exc.field.annotation)
        else "JSON such as '{\"gift\": 5.0}'"
    )
    return f"config error: {name} = {shown}: cannot read it; expected {example}"
