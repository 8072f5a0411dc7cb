"""The ``cohost`` command line: demo, run, doctor, devices and the tools around them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent.app.doctor import doctor_command
from agent.app.knowledge_cli import ask_command, knowledge_app
from agent.audio.devices import devices_command
from agent.brain.moderate_cli import moderate_command
from agent.config import ConfigError
from agent.ears.cli import transcribe_command
from agent.knowledge.memory_cli import memory_app
from agent.obs.setup import obs_setup_command
from agent.shared.cli_support import config_or_exit, exit_if_stopped, run_or_exit, setup_logging
from agent.sources.cli import listen_command
from agent.tts.cli import say_command
from agent.tts.voices_cli import voices_app
from agent.tune.cli import dataset_command, finetune_command

app = typer.Typer(
    name="cohost",
    help="Cohost: a local AI co-host for live streamers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


ConfigOption = Annotated[Path | None, typer.Option("--config", help="Config file (default: ./config.toml).")]
RecordOption = Annotated[
    Path | None, typer.Option("--record", help="Write every event as one JSON line to this file.")
]


@app.command()
def demo(
    input: Annotated[
        Path | None, typer.Option("--input", help="A recording to replay instead of the shipped demo room.")
    ] = None,
    speed: Annotated[
        float, typer.Option("--speed", min=0.1, max=1000, help="Replay speed (1 = real time).")
    ] = 1.0,
    record: RecordOption = None,
    config: ConfigOption = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for WAV files when there is no sound device.")
    ] = Path("cohost-out"),
    quiet: Annotated[bool, typer.Option("--quiet", help="No live progress bar.")] = False,
    mic: Annotated[
        bool,
        typer.Option("--mic", help="Listen to your mic (audio.input_device) instead of the demo streamer."),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also log each chat message not answered, and why.")
    ] = False,
) -> None:
    """Replay a recorded live room through the whole pipeline, offline, and print a summary
    (Ctrl-C stops it early: the summary of what played, exit code 130)."""
    from rich.console import Console

    from agent.app.demo import print_summary, run_demo
    from agent.sources.replay import DEMO_RECORDING

    setup_logging()
    cfg = config_or_exit(config)
    recording = input or DEMO_RECORDING
    if not recording.is_file():
        typer.echo(f"error: no recording at {recording} (pass --input FILE written by --record)", err=True)
        raise typer.Exit(2)
    console = Console()
    pipeline, stopped_by = run_or_exit(
        run_demo(
            cfg,
            recording,
            speed=speed,
            record=record,
            out_dir=out,
            console=console,
            live_progress=console.is_terminal and not quiet,
            real_mic=mic,
            verbose=verbose,
        )
    )
    print_summary(pipeline, console, record=record)
    exit_if_stopped(stopped_by)  # Ctrl-C: the summary of what played, then exit 130


@app.command()
def run(
    config: ConfigOption = None,
    record: RecordOption = None,
    remember_viewers: Annotated[
        bool | None,
        typer.Option(
            "--remember-viewers/--no-remember-viewers",
            help="Remember viewers across streams (viewers.remember in config.toml; off by default).",
        ),
    ] = None,
) -> None:
    """Go live: connect the configured sources and co-host until Ctrl-C (exit code 0)."""
    from rich.console import Console

    from agent.app.demo import print_summary, run_live
    from agent.clock import Clock
    from agent.sources.base import Source
    from agent.sources.factory import build_live_sources
    from agent.sources.replay import ReplaySource

    setup_logging()
    cfg = config_or_exit(config)
    if remember_viewers is not None:
        viewers = cfg.viewers.model_copy(update={"remember": remember_viewers})
        cfg = cfg.model_copy(update={"viewers": viewers})
    clock = Clock(cfg.sources.replay.speed if "replay" in cfg.sources.enabled else 1.0)
    sources: list[Source] = []
    try:
        sources.extend(build_live_sources(cfg.sources))
    except ConfigError as exc:
        for line in exc.lines:
            typer.echo(line, err=True)
        raise typer.Exit(2) from None
    if "replay" in cfg.sources.enabled:
        if not cfg.sources.replay.path:
            typer.echo("config error: sources.replay.path is empty (set the recording to replay)", err=True)
            raise typer.Exit(2)
        sources.append(ReplaySource(Path(cfg.sources.replay.path), clock))
    if not sources:
        typer.echo(
            'error: no sources enabled: set sources.enabled in config.toml (e.g. ["bilibili_open"]); '
            "`cohost demo` runs without any",
            err=True,
        )
        raise typer.Exit(2)
    console = Console()
    pipeline = run_or_exit(run_live(cfg, sources, clock, record=record, console=console))
    print_summary(pipeline, console, record=record)


@app.command("obs-script-path")
def obs_script_path() -> None:
    """Print where the OBS script is (OBS: Tools > Scripts > + and pick this file)."""
    from agent.shared.shipped import obs_script

    path = obs_script()
    if not path.is_file():
        typer.echo(f"error: the OBS script is missing from this install ({path}): reinstall cohost", err=True)
        raise typer.Exit(1)
    typer.echo(str(path))


config_app = typer.Typer(help="The config file: write the documented one to edit.", no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("init")
def config_init(
    path: Annotated[Path, typer.Argument(help="Where to write it.")] = Path("config.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write config.toml with every key, its default and what it does."""
    from agent.shared.cli_support import write_config

    write_config(path, force=force)


# The tools around the main job, each in the module that owns it.
app.command("listen")(listen_command)
app.command("moderate")(moderate_command)
app.command("doctor")(doctor_command)
app.command("devices")(devices_command)
app.command("obs-setup")(obs_setup_command)
app.command("say")(say_command)
app.add_typer(voices_app, name="voices")
app.command("transcribe")(transcribe_command)
app.command("dataset")(dataset_command)
app.command("finetune")(finetune_command)
app.command("ask")(ask_command)
app.add_typer(knowledge_app, name="knowledge")
app.add_typer(memory_app, name="memory")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
