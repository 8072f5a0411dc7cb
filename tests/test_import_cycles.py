"""No two modules of the agent import each other, not even through an import inside a function.

A cycle hidden in a function (``tune/finetune.py`` and ``tune/report.py`` had one) works until
someone moves the import to the top; this reads every module's imports and fails on any loop.
"""

from __future__ import annotations

import ast
from pathlib import Path

import agent

ROOT = Path(agent.__file__).parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The agent modules ``path`` imports, anywhere in it but under ``if TYPE_CHECKING``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from pkg import module`` imports the module; ``from module import name`` the module.
            subs = {f"{node.module}.{a.name}" for a in node.names} & known.keys()
            out |= subs or ({node.module} & known.keys())
    return out


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import loop in ``graph`` (as the modules along it), or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> list[str]:
        state[name] = 1
        path.append(name)
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (loop := visit(nxt)):
                return loop
        path.pop()
        state[name] = 2
        return []

    for name in sorted(graph):
        if name not in state and (loop := visit(name)):
            return loop
    return []


def test_the_agent_has_no_import_cycle() -> None:
    known = _modules()
    graph = {name: _imports(path, known) - {name} for name, path in known.items()}
    assert graph.get("agent.tune.report")  # the walk reads imports
    assert _cycle(graph) == []


def test_the_check_finds_a_cycle_inside_a_function() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []
