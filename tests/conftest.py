"""The ``requires`` marker: see tests/support/requires.py."""

from __future__ import annotations

import pytest

from tests.support.requires import require


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("requires"):
        require(*mark.args)
