"""What the tests need that `./install.sh --test` installs (tools on PATH, Python modules).

A missing piece fails the test in one line that says what to install; it never skips, because a
skip would hide the feature the test is for. Mark a test or module with
``pytest.mark.requires("espeak-ng", "faster_whisper")`` (checked by tests/conftest.py) or call
``require(...)`` in a fixture.
"""

from __future__ import annotations

import importlib.util
import shutil

import pytest

INSTALL = "./install.sh --test installs it (or see README's test command)"


def missing(*names: str) -> list[str]:
    """The names that are neither a program on PATH nor an importable module."""
    return [n for n in names if shutil.which(n) is None and importlib.util.find_spec(n) is None]


def require(*names: str, why: str = "") -> None:
    """Fail the running test at once, in one line, when any of ``names`` is missing."""
    lost = missing(*names)
    if lost:
        what = f" ({why})" if why else ""
        pytest.fail(f"{', '.join(lost)} is not installed{what}: {INSTALL}", pytrace=False)
