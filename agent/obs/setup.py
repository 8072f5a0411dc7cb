"""``cohost obs-setup``: create Cohost's text sources in OBS if they are missing.

Idempotent: a source that already exists is left as it is (the streamer may
have styled it) and only added to the scene when it is not there yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from agent.config import ObsConfig
from agent.obs.client import ObsError, ObsRequestError, connect_blocking, send_blocking

# Newest first: OBS 30+ on Windows has text_gdiplus_v3; Linux and macOS use FreeType.
TEXT_KINDS = ("text_gdiplus_v3", "text_gdiplus_v2", "text_gdiplus", "text_ft2_source_v2", "text_ft2_source")
DEFAULT_FACES = {"gdiplus": "Microsoft YaHei", "ft2": "Noto Sans CJK SC"}


@dataclass
class SetupReport:
    scene: str
    kind: str
    created: list[str] = field(default_factory=list)
    existed: list[str] = field(default_factory=list)
    added_to_scene: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"OBS scene '{self.scene}', text source kind {self.kind}:"]
        out += [f"  created        {name}" for name in self.created]
        out += [f"  added to scene {name}" for name in self.added_to_scene]
        out += [f"  already there  {name}" for name in self.existed]
        return out


def pick_text_kind(kinds: list[str]) -> str:
    for kind in TEXT_KINDS:
        if kind in kinds:
            return kind
    raise ObsError(
        "OBS: no text source kind (text_gdiplus / text_ft2_source) — is OBS's text plugin installed?"
    )


def text_settings(kind: str, cfg: ObsConfig, size: int, width: int) -> dict[str, Any]:
    """Readable defaults: white text, dark outline, wrapped to ``width`` pixels."""
    family = "gdiplus" if kind.startswith("text_gdiplus") else "ft2"
    font = {"face": cfg.font_face or DEFAULT_FACES[family], "size": size, "style": "Regular", "flags": 0}
    if family == "gdiplus":
        return {
            "text": "",
            "font": font,
            "color": 0xFFFFFF,
            "outline": True,
            "outline_size": max(2, size // 12),
            "outline_color": 0x000000,
            "extents": True,
            "extents_wrap": True,
            "extents_cx": width,
            "extents_cy": size * 3,
        }
    return {
        "text": "",
        "font": font,
        "color1": 0xFFFFFFFF,
        "color2": 0xFFFFFFFF,
        "outline": True,
        "drop_shadow": True,
        "word_wrap": True,
        "custom_width": width,
    }


def setup_sources(client: Any, cfg: ObsConfig, scene: str = "") -> SetupReport:
    """Create the missing text sources in ``scene`` (default: the current program scene)."""
    kind = pick_text_kind(send_blocking(client, "GetInputKindList", {"unversioned": False})["inputKinds"])
    scenes = [s["sceneName"] for s in send_blocking(client, "GetSceneList")["scenes"]]
    scene = scene or cfg.scene or send_blocking(client, "GetCurrentProgramScene")["currentProgramSceneName"]
    if scene not in scenes:
        raise ObsError(f"OBS: no scene named '{scene}' — pick one of: {', '.join(scenes) or '(none)'}")
    video = send_blocking(client, "GetVideoSettings")
    width, height = int(video["baseWidth"]), int(video["baseHeight"])
    inputs = {i["inputName"] for i in send_blocking(client, "GetInputList")["inputs"]}
    report = SetupReport(scene=scene, kind=kind)
    big, small = cfg.font_size, max(8, cfg.font_size * 3 // 5)
    layout = [  # name, font size, x, y as a share of the canvas
        (cfg.reply_source, big, 0.05, 0.62),
        (cfg.subtitle_source, big, 0.05, 0.84),
        (cfg.status_source, small, 0.02, 0.02),
    ]
    for name, size, x, y in layout:
        if not name:
            continue
        if name in inputs:
            if _in_scene(client, scene, name):
                report.existed.append(name)
            else:
                send_blocking(client, "CreateSceneItem", {"sceneName": scene, "sourceName": name})
                report.added_to_scene.append(name)
            continue
        settings = text_settings(kind, cfg, size, int(width * 0.9))
        made = send_blocking(
            client,
            "CreateInput",
            {
                "sceneName": scene,
                "inputName": name,
                "inputKind": kind,
                "inputSettings": settings,
                "sceneItemEnabled": True,
            },
        )
        transform = {"positionX": float(int(width * x)), "positionY": float(int(height * y))}
        send_blocking(
            client,
            "SetSceneItemTransform",
            {"sceneName": scene, "sceneItemId": made["sceneItemId"], "sceneItemTransform": transform},
        )
        report.created.append(name)
    return report


def _in_scene(client: Any, scene: str, name: str) -> bool:
    try:
        send_blocking(client, "GetSceneItemId", {"sceneName": scene, "sourceName": name})
    except ObsRequestError as exc:
        if exc.code == 600:
            return False
        raise
    return True


def obs_setup_command(
    config: Annotated[
        Path | None, typer.Option("--config", help="config file (default ./config.toml)")
    ] = None,
    scene: Annotated[
        str, typer.Option("--scene", help="scene for the sources (default: obs.scene, else current)")
    ] = "",
) -> None:
    """Create Cohost's text sources in OBS (reply, subtitles, status) if they are missing."""
    from agent.shared.cli_support import config_or_exit

    cfg = config_or_exit(config).obs
    try:
        client = connect_blocking(cfg)
    except ObsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    try:
        report = setup_sources(client, cfg, scene)
    except ObsError as exc:
        typer.echo(str(exc) if str(exc).startswith("OBS:") else f"OBS: setup failed: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        client.disconnect()
    for line in report.lines():
        typer.echo(line)
    if cfg.talking_source:
        typer.echo(f"Add an image source named '{cfg.talking_source}' yourself for obs.talking_source.")
