"""Every `cohost` command in README.md and docs/*.md runs as written.

The rule (for whoever adds a command to the docs):

- Every `cohost …` command in a fenced code block, and every inline `cohost …` span in the
  prose, is parsed by the real command line (click's own parser, through typer): the
  subcommand must exist and every option and argument must be accepted as written, with its
  type, choices and ranges (an inline span that only names a command, "`cohost ask` prints",
  must name one that exists). A command chained with `&&` or fed by `echo … |` counts as each
  of its commands; shell redirections (`> FILE`) are not arguments.
- The quick, safe ones also RUN, in an empty folder, and must exit 0 with no traceback
  (RUN_FULLY: `obs-script-path`, `config init`, `devices`, `moderate` with its piped text,
  `--help`).
- The rest are parsed only, because running them needs what a test cannot have or takes
  minutes: `demo` (a whole replay; tests/test_demo.py runs it), `run` and `listen` (a live
  room; tests/test_shutdown.py and tests/test_listen.py), `doctor`, `devices`-level hardware,
  `say` and `transcribe` (a voice or an audio file of the reader's), `dataset` and `finetune`
  (the reader's recordings, a model download). Files such as `clip.wav` or `run.jsonl` are
  the reader's own (typer does not check that a file exists while parsing).
- `python -m MODULE` and `python FILE.py` lines must name a module or file of this repository
  (or pytest); pip, venv, install.sh and shell lines are install steps and are not run.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.exceptions import TyperException

from agent.app.cli import app

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
RUN_FULLY = {("obs-script-path",), ("config", "init"), ("devices",), ("moderate",)}
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
_INLINE = re.compile(r"`((?:\.venv/bin/)?cohost [^`]+)`")


@dataclass(frozen=True)
class Command:
    where: str  # file:line
    argv: tuple[str, ...]  # after the `cohost` word
    stdin: str = ""

    def __str__(self) -> str:
        return f"{self.where}: cohost {shlex.join(self.argv)}"


def _is_cohost(word: str) -> bool:
    return re.split(r"[\\/]", word)[-1] in ("cohost", "cohost.exe")


def _simple_commands(line: str) -> list[list[str]]:
    """The simple commands of one shell line (comments dropped), split at && ; and |."""
    lexer = shlex.shlex(line.replace("\\", "/"), posix=True, punctuation_chars="&|;")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    commands: list[list[str]] = [[]]
    for token in lexer:
        if token in ("&&", "||", ";", "|"):
            commands.append([])
        else:
            commands[-1].append(token)
    return [c for c in commands if c]


def _without_redirects(words: list[str]) -> list[str]:
    """`cohost memory export > viewers.jsonl`: the shell's redirections are not arguments."""
    kept: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif re.fullmatch(r"\d?(>>?|<)(&\d)?", word):
            skip = not word.endswith(("&1", "&2"))  # `> FILE` takes the next word; `2>&1` does not
        elif not re.match(r"\d?(>>?|<)", word):
            kept.append(word)
    return kept


def _from_line(where: str, line: str) -> list[Command]:
    found: list[Command] = []
    piped = ""
    for words in map(_without_redirects, _simple_commands(line)):
        if words[0] == "echo":
            piped = " ".join(words[1:]) + "\n"
        elif _is_cohost(words[0]):
            found.append(Command(where, tuple(words[1:]), piped))
    return found


def doc_commands() -> list[Command]:
    commands: list[Command] = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for block in _FENCE.finditer(text):
            first = text.count("\n", 0, block.start(1)) + 1
            for i, line in enumerate(block.group(1).splitlines()):
                commands += _from_line(f"{doc.name}:{first + i}", line)
        for span in _INLINE.finditer(_FENCE.sub("", text)):
            commands += _from_line(f"{doc.name} (inline)", span.group(1))
    return commands


def python_lines() -> list[tuple[str, list[str]]]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in re.finditer(
            r"`((?:\.venv/bin/)?python3? [^`]+)`|^((?:\.venv/bin/)?python3? .+)$", text, re.M
        ):
            line = match.group(1) or match.group(2)
            for words in _simple_commands(line):
                if re.split(r"[\\/]", words[0])[-1] in ("python", "python3"):
                    found.append((doc.name, words))
    return found


COMMANDS = doc_commands()
ROOT = typer.main.get_command(app)


def _path(argv: tuple[str, ...]) -> tuple[tuple[str, ...], Any, list[str]]:
    """The subcommand names, typer's command object and the rest of the arguments."""
    names: list[str] = []
    command = ROOT
    rest = list(argv)
    while hasattr(command, "commands") and rest and not rest[0].startswith("-"):
        sub = command.commands.get(rest[0])
        assert sub is not None, f"no such command: cohost {' '.join([*names, rest[0]])}"
        names.append(rest.pop(0))
        command = sub
    return tuple(names), command, rest


def test_the_docs_have_commands_to_check() -> None:
    assert len(COMMANDS) >= 15
    assert {c.argv[0] for c in COMMANDS} >= {"demo", "run", "doctor", "listen", "say", "finetune"}


@pytest.mark.parametrize("command", COMMANDS, ids=str)
def test_each_documented_command_parses_as_written(
    command: Command, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names, typer_command, rest = _path(command.argv)
    monkeypatch.chdir(tmp_path)  # (typer checks no file's existence while parsing)
    if command.where.endswith("(inline)") and not rest:
        return  # prose naming a command ("`cohost ask` prints ..."): it exists, nothing to parse
    try:
        typer_command.make_context(" ".join(["cohost", *names]), list(rest))
    except typer.Exit as done:  # --help
        assert done.exit_code == 0
    except TyperException as exc:  # typer's usage errors: an unknown option, a bad value, ...
        pytest.fail(f"{command}: {exc}")


@pytest.mark.parametrize(
    "command", [c for c in COMMANDS if _path(c.argv)[0] in RUN_FULLY or "--help" in c.argv], ids=str
)
def test_the_quick_documented_commands_run(command: Command, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COHOST_")}
    result = subprocess.run(
        [sys.executable, "-m", "agent", *command.argv],
        input=command.stdin,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert "Traceback" not in result.stderr, f"{command}\n{result.stderr[-2000:]}"
    assert result.returncode == 0, f"{command}\n{result.stdout[-1000:]}{result.stderr[-2000:]}"


@pytest.mark.parametrize(
    "doc, words", python_lines(), ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_python_lines_name_what_this_repository_has(doc: str, words: list[str]) -> None:
    """`python -m bench.x` / `python bench/x.py` must exist here; other programs' lines (a
    voice server's own `python api_v2.py`, `python -c ...`) are theirs, not checked."""
    args = words[1:]
    ours = {p.name for p in REPO.iterdir() if p.is_dir() and not p.name.startswith(".")}
    if args[:1] == ["-m"]:
        module = args[1]
        if module.split(".")[0] in ours:
            assert (REPO / (module.replace(".", "/") + ".py")).is_file() or (REPO / module).is_dir(), (
                doc,
                words,
            )
    elif args and Path(args[0]).parts[0] in ours:
        assert (REPO / args[0]).is_file(), (doc, words)


def _help(*names: str) -> str:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*names, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_help_texts_say_what_is_true() -> None:
    assert "audio.input_device" in _help("devices") and "asr.input_device" not in _help("devices")
    engine = next(line for line in _help("say").splitlines() if "--engine" in line)
    assert "(default: tts.engine" in engine and "[default:" not in _help("say").split("--voice")[0]
    # An on/off flag takes no value: its help must not read "--quiet <bool>".
    for names in (("demo",), ("say",), ("listen",), ("run",)):
        assert "<bool>" not in _help(*names), names
