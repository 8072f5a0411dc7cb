"""Audio devices as PortAudio (through sounddevice) sees them: `cohost devices` and name lookup.

sounddevice is imported lazily: on a PC without PortAudio the import itself
fails, and Cohost must still run, writing audio to WAV files instead.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Literal

# Each "no audio" case as (what happens, what to do): `cohost devices` prints them
# as one line, `cohost doctor` in its detail and fix columns.
NO_PORTAUDIO = "PortAudio is not installed: audio will go to WAV files in audio.output_dir"
NO_PORTAUDIO_FIX = "install libportaudio2, e.g. `sudo apt install libportaudio2`"
NO_DEVICES = "no audio devices found: audio will go to WAV files in audio.output_dir"
NO_DEVICES_FIX = "start PulseAudio or PipeWire, or plug in a sound card, then run `cohost devices`"


class AudioUnavailable(Exception):
    """PortAudio cannot be loaded; the message is the one-line fix."""


@dataclass(frozen=True, slots=True)
class Device:
    index: int
    name: str
    hostapi: str
    inputs: int
    outputs: int
    default_input: bool = False
    default_output: bool = False


def _sounddevice(rescan: bool) -> Any:
    try:
        import sounddevice as sd
    except OSError:  # raised by the import when the PortAudio library is missing
        raise AudioUnavailable(f"{NO_PORTAUDIO} (fix: {NO_PORTAUDIO_FIX})") from None
    if rescan:
        # PortAudio enumerates devices once, at initialisation: re-initialise to see
        # a sound server or USB headset that appeared since. Closes open streams.
        sd._terminate()
        sd._initialize()
    return sd


def list_devices(*, rescan: bool = False) -> list[Device]:
    """All devices, in PortAudio's order. Raises AudioUnavailable without PortAudio."""
    sd = _sounddevice(rescan)
    hostapis = [api["name"] for api in sd.query_hostapis()]
    default_in, default_out = sd.default.device
    out = []
    for info in sd.query_devices():
        index = int(info["index"])
        out.append(
            Device(
                index=index,
                name=str(info["name"]),
                hostapi=hostapis[info["hostapi"]],
                inputs=int(info["max_input_channels"]),
                outputs=int(info["max_output_channels"]),
                default_input=index == default_in,
                default_output=index == default_out,
            )
        )
    return out


def find_output_device(name: str, *, rescan: bool = False) -> int | None:
    """The PortAudio index for ``audio.output_device``; None means "write WAV files".

    "none" -> None. "auto" -> the default output, else the first output device,
    else None (no PortAudio, no devices). A name matches exactly, then
    case-insensitively, then as a case-insensitive substring (first in PortAudio
    order). An unknown name raises ValueError with a one-line message naming
    the closest devices.
    """
    wanted = name.strip()
    if wanted.lower() == "none":
        return None
    if wanted.lower() == "auto":
        try:
            outputs = [d for d in list_devices(rescan=rescan) if d.outputs > 0]
        except AudioUnavailable:
            return None
        chosen = next((d for d in outputs if d.default_output), outputs[0] if outputs else None)
        return chosen.index if chosen else None
    try:
        outputs = [d for d in list_devices(rescan=rescan) if d.outputs > 0]
    except AudioUnavailable as exc:
        raise ValueError(f"audio output device {wanted!r} not found: {exc}") from None
    return match_device(wanted, outputs, "output")


def match_device(wanted: str, devices: list[Device], kind: Literal["input", "output"]) -> int:
    """The index of the device ``wanted`` names among ``devices`` (all inputs or all outputs).

    A number is an index; a name matches exactly, then case-insensitively, then as a
    case-insensitive substring (first in PortAudio order). Unknown: ValueError with one
    line naming the closest devices and the config key.
    """
    if wanted.isdigit() and any(d.index == int(wanted) for d in devices):
        return int(wanted)
    folded = wanted.casefold()
    for matches in (
        lambda d: d.name == wanted,
        lambda d: d.name.casefold() == folded,
        lambda d: folded in d.name.casefold(),
    ):
        found = [d for d in devices if matches(d)]
        if found:
            return found[0].index
    raise ValueError(_not_found(wanted, [d.name for d in devices], kind))


def _not_found(wanted: str, names: list[str], kind: Literal["input", "output"]) -> str:
    if not names:
        none = NO_DEVICES if kind == "output" else "there are no input devices (plug in a mic)"
        return f"audio {kind} device {wanted!r} not found: {none}" + (
            f" (fix: {NO_DEVICES_FIX})" if kind == "output" else ""
        )
    unique = list(dict.fromkeys(names))
    close = difflib.get_close_matches(wanted, unique, n=3, cutoff=0.4) or unique[:5]
    listed = ", ".join(repr(n) for n in close)
    return (
        f"audio {kind} device {wanted!r} not found; closest: {listed} "
        f'(run `cohost devices` for the full list, or set audio.{kind}_device = "auto")'
    )


def devices_command() -> None:
    """List audio input and output devices (for audio.input_device and audio.output_device)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    try:
        devices = list_devices()
    except AudioUnavailable as exc:
        console.print(escape(str(exc)), soft_wrap=True)
        return
    if not devices:
        console.print(f"{NO_DEVICES} (fix: {NO_DEVICES_FIX})", soft_wrap=True)
        return
    table = Table(title="Audio devices (* = default)", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("name", overflow="fold")
    table.add_column("host API")
    table.add_column("in", justify="right")
    table.add_column("out", justify="right")
    table.add_column("default")
    for d in devices:
        marks = [kind for kind, on in (("input", d.default_input), ("output", d.default_output)) if on]
        default = "* " + ", ".join(marks) if marks else ""
        table.add_row(str(d.index), escape(d.name), escape(d.hostapi), str(d.inputs), str(d.outputs), default)
    console.print(table)
    console.print(
        "Set audio.input_device (your mic) and audio.output_device (the bot's voice) in config.toml "
        'to a name or number above, or "auto"; audio.output_device = "none" writes WAV files.'
    )
