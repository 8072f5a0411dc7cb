"""``cohost voices pull NAME`` and ``cohost voices list``: fetch a voice pack; what is here, and licences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer

from agent.tts.voices import LICENCES, PACKS, HubFile, Pack, PullFailed, endpoint, installed, voices_dir

voices_app = typer.Typer(help="Voice packs: pull one from the hub or a mirror, list what is installed.")


def _fail(line: str) -> typer.Exit:
    typer.echo(f"error: {line}", err=True)
    return typer.Exit(2)


def pull_pack(
    pack: Pack, extra: tuple[str, ...], source: str, url: str, root: Path, quiet: bool = False
) -> Path:
    """Every file of ``pack`` into ``root/pack.name``; returns that folder. Raises PullFailed (one line)."""
    import httpx

    from agent.tts.voices import digest_matches, remote_of

    base, revision = endpoint(source, url)
    folder = root / pack.name
    files = pack.all_files(extra)
    with httpx.Client(timeout=30.0, trust_env=True) as client:
        for item in files:
            target = folder / item.local
            address = f"{base}/{item.repo}/resolve/{revision}/{item.path}"
            try:
                remote = remote_of(client, address)
                if (
                    target.is_file()
                    and target.stat().st_size == remote.size
                    and digest_matches(target, remote.etag)
                ):
                    typer.echo(f"have {item.local}", err=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                _download(client, remote, target, item, quiet)
            except (httpx.ConnectError, httpx.TimeoutException, httpx.RemoteProtocolError) as exc:
                raise PullFailed(
                    f"cannot reach the hub at {base} ({type(exc).__name__}): check the internet connection, "
                    f"or use a mirror: HF_ENDPOINT=https://hf-mirror.com cohost voices pull {pack.name} "
                    f"(or --source modelscope); a partial file resumes"
                ) from None
    manifest = {
        "name": pack.name,
        "title": pack.title,
        "licence": pack.licence,
        "source": base,
        "files": [item.local for item in files],
        "voices": [
            item.local.removeprefix("voices/").removesuffix(".bin")
            for item in files
            if item.local.startswith("voices/")
        ],
    }
    (folder / "pack.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def _download(client: object, remote: object, target: Path, item: HubFile, quiet: bool) -> None:
    from tqdm import tqdm

    from agent.tts.voices import Remote, fetch

    assert isinstance(remote, Remote)
    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    with tqdm(
        total=remote.size or None,
        initial=have if have <= remote.size else 0,
        unit="B",
        unit_scale=True,
        desc=item.local,
        disable=quiet,
        leave=True,
    ) as bar:
        fetch(client, remote, target, lambda n, _size: bar.update(n))


@voices_app.command("pull")
def pull_command(
    name: Annotated[str, typer.Argument(help=f"The pack: {', '.join(PACKS)}.")],
    voice: Annotated[
        list[str] | None,
        typer.Option("--voice", help="Another voice to fetch too, e.g. zf_003 (repeatable)."),
    ] = None,
    source: Annotated[
        Literal["hf", "modelscope"],
        typer.Option("--source", help="hf: the Hugging Face hub (or HF_ENDPOINT); modelscope: ModelScope."),
    ] = "hf",
    url: Annotated[str, typer.Option("--endpoint", help="A mirror with the hub's URL layout.")] = "",
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Where packs go (default: COHOST_VOICES_DIR or ~/.local/share/cohost/voices)."
        ),
    ] = None,
) -> None:
    """Download a voice pack once (progress bar, resumes, checks each file's checksum)."""
    pack = PACKS.get(name)
    if pack is None:
        raise _fail(f"no voice pack {name!r}: choose one of {', '.join(PACKS)}")
    bad = [v for v in voice or [] if not v.replace("_", "").isalnum()]
    if bad:
        raise _fail(f"--voice {bad[0]!r}: a voice name like zf_001")
    try:
        where = pull_pack(pack, tuple(voice or ()), source, url, folder or voices_dir())
    except PullFailed as exc:
        raise _fail(str(exc)) from None
    first = (pack.voices + tuple(voice or ()))[0]
    typer.echo(f"installed {pack.name} in {where} (licence: {pack.licence})")
    typer.echo(f'use it: [tts] engine = "kokoro" and [tts.kokoro] voice = "{first}"')


@voices_app.command("list")
def list_command(
    folder: Annotated[
        Path | None, typer.Option("--dir", help="Where packs are (default as for pull).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Config file (default: ./config.toml).")
    ] = None,
) -> None:
    """Every voice engine: can it run here, and its licence; then the pulled packs and their voices."""
    from agent.shared.cli_support import config_or_exit
    from agent.tts.base import TTSUnavailable
    from agent.tts.registry import create, names

    cfg = config_or_exit(config)
    for engine in names():
        try:
            check = create(cfg.tts, engine).check()
            state = "ready" if check.status == "ok" else f"not ready: {check.detail}"
        except TTSUnavailable as exc:
            state = f"not ready: {exc}"
        typer.echo(f"{engine:<11} {state}")
        typer.echo(f"{'':<11} licence: {LICENCES.get(engine, 'see the engine documentation')}")
    root = folder or voices_dir()
    for pack in PACKS.values():
        manifest = installed(pack, root)
        if manifest is None:
            typer.echo(
                f"pack {pack.name}: not installed (cohost voices pull {pack.name}); licence: {pack.licence}"
            )
            continue
        voices = ", ".join(str(v) for v in manifest.get("voices", []))  # type: ignore[attr-defined]
        typer.echo(f"pack {pack.name}: installed in {root / pack.name}; licence: {pack.licence}")
        typer.echo(f"  voices: {voices}")
