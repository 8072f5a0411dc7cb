"""A missing tool fails the test in one line naming it; it never skips (tests/support/requires.py)."""

from __future__ import annotations

import pytest

from tests.support.requires import missing, require


def test_a_missing_tool_fails_naming_it_and_what_installs_it() -> None:
    with pytest.raises(pytest.fail.Exception) as failed:
        require("python3", "no-such-tool-cohost", why="for this test")
    line = str(failed.value)
    assert line.startswith("no-such-tool-cohost is not installed (for this test): ./install.sh --test")


def test_programs_and_modules_both_count_as_present() -> None:
    assert missing("python3", "json", "no-such-module-cohost") == ["no-such-module-cohost"]
    require("python3", "json")  # present: returns quietly
