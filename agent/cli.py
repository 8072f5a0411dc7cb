"""The ``cohost`` command line: demo, run, doctor, devices and the tools around them."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="cohost",
    help="Cohost: a local AI co-host for live streamers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# --- subcommands from other modules (one registration line each) ---


def main() -> None:
    app()


if __name__ == "__main__":
    main()
