"""`cohost doctor`: checks this PC before a stream and says what to fix.

Each check is a small function returning a ``Check``; none raises, and each is
cheap (a 1 s connect, a bind, a cache lookup), so the whole run takes seconds.
Heavy libraries (torch, sounddevice, huggingface_hub) are imported inside the
check that needs them, so a broken one shows up as a failed line, not a crash.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import socket
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from agent.config import (
    AsrConfig,
    AudioConfig,
    Config,
    ConfigError,
    ControlConfig,
    LlmConfig,
    SourcesConfig,
    TtsConfig,
    config_source,
    load_config,
)
from agent.obs.check import check_obs
from agent.shared.checks import Check

CUDA_FIX = (
    "for an NVIDIA GPU install the CUDA build: "
    "pip install torch --index-url https://download.pytorch.org/whl/cu126"
)


# --- the machine -----------------------------------------------------------


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    shown = ".".join(map(str, version))
    if version >= (3, 11):
        return Check("python", "ok", f"Python {shown}")
    return Check("python", "fail", f"Python {shown} is too old", "install Python 3.11 or newer")


def check_packages(distribution: str = "cohost") -> Check:
    """Every runtime dependency of the installed package is present and new enough."""
    from packaging.requirements import Requirement

    try:
        wanted = importlib.metadata.requires(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        return Check("packages", "fail", f"{distribution} is not installed", "run: pip install -e .")
    problems = []
    count = 0
    for line in wanted:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue  # an optional extra; the checks that need it say so
        count += 1
        try:
            have = importlib.metadata.version(req.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{req.name} missing")
            continue
        if req.specifier and not req.specifier.contains(have, prereleases=True):
            problems.append(f"{req.name} {have} (needs {req.specifier})")
    if problems:
        return Check("packages", "fail", "; ".join(problems), "run: pip install -e .")
    return Check("packages", "ok", f"{count} runtime dependencies present")


def check_torch(llm: LlmConfig | None = None) -> Check:
    """torch and the GPU, where the chosen reply engine needs them (its ``info().needs``)."""
    if llm is not None and "torch" not in _llm_needs(llm):
        return Check("torch", "ok", f"not needed (llm.engine = {llm.engine})")
    if importlib.util.find_spec("torch") is None:
        return Check(
            "torch",
            "warn",
            "torch is not installed: replies use the template engine",
            f"pip install torch (CPU); {CUDA_FIX}",
        )
    try:
        import torch

        version = str(torch.__version__)
        if not torch.cuda.is_available():
            return Check("torch", "warn", f"torch {version}: CPU only, replies will be slow", CUDA_FIX)
        props = torch.cuda.get_device_properties(0)
        gib = props.total_memory / 2**30
        return Check(
            "torch", "ok", f"torch {version}, CUDA {torch.version.cuda}: {props.name}, {gib:.1f} GiB"
        )
    except Exception as exc:  # a broken CUDA wheel fails in many ways; report, never crash
        return Check(
            "torch", "fail", f"torch does not load: {exc}".splitlines()[0], "reinstall torch: " + CUDA_FIX
        )


def _llm_needs(llm: LlmConfig) -> tuple[str, ...]:
    """What the chosen reply engine runs on (its module's ``NEEDS``), model named or not."""
    from agent.llm import registry
    from agent.llm.base import EngineUnavailable

    try:
        return tuple(getattr(registry.REGISTRY.module(llm.engine), "NEEDS", ()))
    except EngineUnavailable:
        return ()


def check_tts(tts: TtsConfig) -> Check:
    """The chosen voice engine's own check (what is missing, and the fix)."""
    if tts.engine == "none":
        return Check("tts", "ok", 'off (tts.engine = "none"): replies are text only')
    from agent.tts import registry
    from agent.tts.base import TTSUnavailable

    try:
        check = registry.create(tts).check()
    except TTSUnavailable as exc:
        return Check("tts", "fail", str(exc), 'set tts.engine to "kokoro" (offline) or another engine')
    return replace(check, name="tts", detail=f"{tts.engine}: {check.detail}")


def check_asr(asr: AsrConfig) -> Check:
    """The chosen ASR engine's own check: can its model load here, or its server answer?"""
    if asr.engine == "none":
        return Check("asr", "ok", 'off (asr.engine = "none"): the bot does not hear you')
    from agent.ears import registry
    from agent.ears.base import AsrUnavailable

    try:
        check = registry.create(asr).check()
    except AsrUnavailable as exc:
        return Check("asr", "fail", str(exc), f'fix [asr.{asr.engine}] or set asr.engine = "none"')
    return replace(check, name="asr", detail=f"{asr.engine}: {check.detail}")


def check_mic(cfg: Config) -> Check:
    """Records two seconds from audio.input_device: silent, ok or clipping."""
    if cfg.asr.engine == "none":
        return Check("mic", "ok", "not needed (asr.engine = none)")
    from agent.ears.cli import mic_check

    return replace(mic_check(cfg, seconds=2.0), name="mic")


def check_audio_devices() -> Check:
    from agent.audio import devices

    try:
        found = devices.list_devices()
    except devices.AudioUnavailable:
        return Check("audio devices", "warn", devices.NO_PORTAUDIO, devices.NO_PORTAUDIO_FIX)
    outputs = [d for d in found if d.outputs > 0]
    inputs = [d for d in found if d.inputs > 0]
    if not outputs:
        return Check("audio devices", "warn", devices.NO_DEVICES, devices.NO_DEVICES_FIX)
    default = next((d.name for d in outputs if d.default_output), "none")
    return Check(
        "audio devices", "ok", f"{len(outputs)} output, {len(inputs)} input; default output: {default}"
    )


def check_output_device(audio: AudioConfig) -> Check:
    from agent.audio import devices

    name = audio.output_device
    if name.strip().lower() == "none":
        return Check("output device", "ok", f"none: replies are written as WAV files to {audio.output_dir}")
    try:
        index = devices.find_output_device(name)
    except ValueError as exc:
        return Check(
            "output device",
            "fail",
            str(exc),
            'set audio.output_device to a name from `cohost devices`, or "auto"',
        )
    if index is None:
        return Check(
            "output device",
            "warn",
            f"{name}: no output device, replies go to WAV files in {audio.output_dir}",
            devices.NO_DEVICES_FIX,
        )
    label = next((d.name for d in devices.list_devices() if d.index == index), "?")
    return Check("output device", "ok", f"{name} -> #{index} {label}")


# --- services this config talks to ----------------------------------------


def check_sources(sources: SourcesConfig) -> Check:
    """What `cohost run` listens to; nothing enabled is the first thing it stops on."""
    if not sources.enabled:
        return Check(
            "sources",
            "warn",
            "sources.enabled = []: `cohost run` has no chat to listen to (`cohost demo` needs none)",
            'set sources.enabled = ["bilibili_open"] and its [sources.bilibili_open] keys '
            "(README: Bilibili open platform), or another source",
        )
    return Check("sources", "ok", ", ".join(sources.enabled))


def check_llm_model(llm: LlmConfig) -> Check:
    """The chosen reply engine's own check (is its model or server there?)."""
    from agent.llm import registry
    from agent.llm.base import EngineUnavailable

    try:
        check = registry.create(llm).check()
    except EngineUnavailable as exc:
        fix = exc.fix or f"see [llm.{llm.engine}] in config.toml"
        return Check("llm model", "warn", f"template mode: {exc}", fix)
    return replace(check, name="llm model")


def check_control_port(control: ControlConfig) -> Check:
    if not control.enabled:
        return Check("control port", "ok", "off (control.enabled = false)")
    where = f"{control.host}:{control.port}"
    try:
        # create_server sets SO_REUSEADDR on POSIX as uvicorn does, so a port left in
        # TIME_WAIT by a previous run is not reported as taken.
        with socket.create_server((control.host, control.port)):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return Check(
            "control port",
            "fail",
            f"cannot listen on {where} ({reason})",
            "stop the program using that port (another cohost?) or set control.port to a free port",
        )
    return Check("control port", "ok", f"{where} is free")


# --- running them ----------------------------------------------------------


def check_config(path: Path | None) -> tuple[Check, Config | None]:
    shown = config_source(path)
    try:
        config = load_config(path)
    except ConfigError as exc:
        return Check(
            "config", "fail", "\n".join(exc.lines), f"fix {shown} (see config.toml for each key)"
        ), None
    return Check("config", "ok", str(shown)), config


def run_checks(config_path: Path | None = None) -> list[Check]:
    """Every check, in CHECK_NAMES order; the ones that need the config are skipped without it."""
    config_check, config = check_config(config_path)
    checks = [
        config_check,
        check_python(),
        check_packages(),
        check_torch(config.llm if config else None),
        check_audio_devices(),
    ]
    needs_config: list[tuple[str, Callable[[Config], Check]]] = [
        ("sources", lambda c: check_sources(c.sources)),
        ("tts", lambda c: check_tts(c.tts)),
        ("asr", lambda c: check_asr(c.asr)),
        ("output device", lambda c: check_output_device(c.audio)),
        ("mic", check_mic),
        ("obs", lambda c: check_obs(c.obs)),
        ("llm model", lambda c: check_llm_model(c.llm)),
        ("control port", lambda c: check_control_port(c.control)),
    ]
    for name, check in needs_config:
        if config is None:
            checks.append(Check(name, "warn", "skipped: the config did not load", "fix the config first"))
        else:
            checks.append(check(config))
    return checks


CHECK_NAMES = (
    "config",
    "python",
    "packages",
    "torch",
    "audio devices",
    "sources",
    "tts",
    "asr",
    "output device",
    "mic",
    "obs",
    "llm model",
    "control port",
)

_STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red"}


def render(check: Check, width: int) -> list[str]:
    """``status  name  detail``, then extra detail lines and the fix indented under the detail."""
    first, *more = check.detail.splitlines() or [""]
    pad = " " * (width + 8)
    lines = [f"{check.status:<4}  {check.name:<{width}}  {first}"]
    lines.extend(pad + extra for extra in more)
    if check.fix and check.status != "ok":
        lines.append(f"{pad}fix: {check.fix}")
    return lines


def doctor_command(
    config: Annotated[
        Path | None, typer.Option("--config", help="Config file (default: ./config.toml).")
    ] = None,
) -> None:
    """Check this PC (Python, GPU, voice, ears, audio, mic, OBS, model, ports) and say what to fix."""
    from rich.console import Console
    from rich.markup import escape

    checks = run_checks(config)
    console = Console(highlight=False)
    width = max(len(c.name) for c in checks)
    for check in checks:
        first, *more = render(check, width)
        console.print(f"[{_STYLE[check.status]}]{first[:4]}[/]{escape(first[4:])}", soft_wrap=True)
        for line in more:
            console.print(escape(line), soft_wrap=True)
    failed = sum(c.status == "fail" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    console.print(f"{len(checks) - failed - warned} ok, {warned} warn, {failed} fail", soft_wrap=True)
    raise typer.Exit(1 if failed else 0)
