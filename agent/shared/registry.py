"""One registry shape for every engine kind (language model, ASR, TTS), with no table of engines.

An engine kind is a pydantic discriminated union of config sections, each with a
literal ``engine`` field naming it. The registry reads the names off the union and
builds an engine from its section by importing ``<package>.<name>`` and calling
its ``Engine(section)``; a section whose module or class is named otherwise says
so in a class variable ``implementation = "module.path:callable"``. So adding an
engine is one module plus one union member, and nothing else lists engines.

Engine modules import their heavy libraries lazily (in ``load``/``check``), so
building an engine never fails because an optional package is missing; a
callable may still raise the kind's ``unavailable`` error for a config that
cannot work at all (one line naming the key).
"""

from __future__ import annotations

import importlib
from typing import Any, Generic, TypeVar, get_args

from pydantic import BaseModel

E = TypeVar("E")


def union_members(union: Any) -> tuple[type[BaseModel], ...]:
    """The section classes of ``Annotated[A | B, Field(discriminator=...)]`` (or of ``A | B``)."""
    args = get_args(union)
    members = get_args(args[0]) if args and get_args(args[0]) else args
    return tuple(m for m in members if isinstance(m, type) and issubclass(m, BaseModel))


def engine_name(section_type: type[BaseModel]) -> str:
    """The literal value of a section's ``engine`` field."""
    (name,) = get_args(section_type.model_fields["engine"].annotation)
    return str(name)


class EngineRegistry(Generic[E]):
    """``EngineRegistry(kind, package, union, unavailable)``: names, and engines built from sections."""

    def __init__(self, kind: str, package: str, union: Any, unavailable: type[Exception]) -> None:
        self.kind = kind
        self.package = package
        self.unavailable = unavailable
        self._sections = {engine_name(m): m for m in union_members(union)}

    def names(self) -> tuple[str, ...]:
        """Every engine a config may name, in the order the union lists them."""
        return tuple(self._sections)

    def target(self, name: str) -> tuple[str, str]:
        """The module and callable that build the named engine."""
        if name not in self._sections:
            raise self.unavailable(
                f"unknown {self.kind} engine {name!r}: choose one of {', '.join(self.names())}"
            )
        default = f"{self.package}.{name}:Engine"
        module, _, attr = str(getattr(self._sections[name], "implementation", default)).partition(":")
        return module, attr or "Engine"

    def module(self, name: str) -> Any:
        """The named engine's module (cheap: engine modules import their libraries lazily);
        what it says about the engine kind (``NEEDS``) is read without building an engine."""
        module_name, _ = self.target(name)
        try:
            return importlib.import_module(module_name)
        except ImportError as exc:
            raise self.unavailable(f"{self.kind} engine {name!r} cannot be imported: {exc}") from None

    def create(self, section: BaseModel) -> E:
        """The engine for ``section`` (its ``engine`` field picks it), built but not loaded."""
        name = str(getattr(section, "engine", ""))
        _, attr = self.target(name)
        engine: E = getattr(self.module(name), attr)(section)
        return engine
