"""Where the files that ship with Cohost are: the overlay page, the OBS script, the documented config.

In a wheel they live inside the package (``agent/shipped/``, mapped there from the top-level
folders at build time); in a source checkout or an editable install they are the top-level
folders themselves. One lookup, the same order everywhere.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # agent/
_IN_WHEEL = _PACKAGE / "shipped"
_IN_CHECKOUT = _PACKAGE.parent


def shipped(name: str) -> Path:
    """The shipped file or folder ``name`` (``overlay``, ``obs_scripts``, ``config.toml``).

    Returns the wheel's copy when there is one, else the checkout's; a path that does not
    exist only when the install is broken (callers report that in one line)."""
    inside = _IN_WHEEL / name
    return inside if inside.exists() else _IN_CHECKOUT / name


def obs_script() -> Path:
    return shipped("obs_scripts") / "cohost_obs.py"


def documented_config() -> Path:
    """The config.toml that documents every key with its default."""
    return shipped("config.toml")
