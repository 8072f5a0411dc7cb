"""A real, headless OBS for tests and benchmarks (see /work/shared/RECIPES.md).

OBS runs under Xvfb with software GL, in a fresh config folder, inside a
private network namespace that holds only loopback: OBS tries to reach the
internet at start and its websocket listens on every interface. Whatever talks
to it (the agent's OBS client, the fake control API the script calls) must be
in that namespace too, so ``private_netns()`` moves the *calling thread* (the
test's main thread; threads and processes it starts afterwards inherit it) into
a new namespace, exactly what ``unshare -n`` does, and moves it back after.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.requires import require

CLONE_NEWNET = 0x40000000
REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "obs_scripts" / "cohost_obs.py"


OBS_TOOLS = ("obs", "Xvfb", "unshare", "ip")  # apt-get install obs-studio xvfb util-linux iproute2


def require_headless_obs() -> None:
    """Fail when OBS's tools are missing (./install.sh --test installs them); skip, naming why,
    only where this user may not make the private network namespace OBS must run in."""
    require(*OBS_TOOLS, why="apt-get install obs-studio xvfb util-linux iproute2")
    if os.geteuid() != 0:
        pytest.skip(
            "a private network namespace (unshare -n) needs root: OBS must not listen on real interfaces"
        )


@contextlib.contextmanager
def private_netns() -> Iterator[None]:
    """Run the calling thread in a fresh network namespace with loopback up."""
    libc = ctypes.CDLL(None, use_errno=True)
    original = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    home = os.fstat(original).st_ino
    try:
        if libc.unshare(CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET) failed")
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        yield
    finally:
        restored = libc.setns(original, CLONE_NEWNET) == 0
        os.close(original)
        # Later test modules must get the real network back, or they would fail oddly.
        if not restored or os.stat("/proc/thread-self/ns/net").st_ino != home:
            raise RuntimeError("could not return to the original network namespace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ObsSpec:
    password: str = "cohost-test-pw"
    port: int = 0
    scene: str = "Scene"
    text_sources: list[str] = field(default_factory=list)
    # Shown-while-talking item: a colour block, so no image file is needed.
    color_sources: list[str] = field(default_factory=list)
    script: Path | None = None
    script_settings: dict[str, Any] = field(default_factory=dict)


def _scene_collection(spec: ObsSpec) -> dict[str, Any]:
    names = [*spec.text_sources, *spec.color_sources]
    items = [
        {"name": name, "id": i + 1, "visible": True, "pos": {"x": 10.0, "y": 10.0 + 60 * i}}
        for i, name in enumerate(names)
    ]
    sources: list[dict[str, Any]] = [
        {
            "name": spec.scene,
            "id": "scene",
            "versioned_id": "scene",
            "settings": {"items": items, "id_counter": len(items)},
        }
    ]
    for name in spec.text_sources:
        sources.append(
            {
                "name": name,
                "id": "text_ft2_source",
                "versioned_id": "text_ft2_source_v2",
                "settings": {"text": "", "font": {"face": "Sans Serif", "size": 32, "flags": 0}},
            }
        )
    for name in spec.color_sources:
        sources.append(
            {
                "name": name,
                "id": "color_source",
                "versioned_id": "color_source_v3",
                "settings": {"width": 64, "height": 64, "color": 0xFF00FF00},
            }
        )
    collection: dict[str, Any] = {
        "name": "Test",
        "current_scene": spec.scene,
        "current_program_scene": spec.scene,
        "scene_order": [{"name": spec.scene}],
        "sources": sources,
    }
    if spec.script is not None:
        collection["modules"] = {
            "scripts-tool": [{"path": str(spec.script), "settings": spec.script_settings}]
        }
    return collection


_GLOBAL_INI = """[General]
FirstRun=true
[Basic]
Profile=Test
ProfileDir=Test
SceneCollection=Test
SceneCollectionFile=Test
[OBSWebSocket]
FirstLoad=false
ServerEnabled=true
AlertsEnabled=false
AuthRequired=true
"""

# Small canvas, low frame rate: software GL on two shared cores.
_PROFILE_INI = """[General]
Name=Test
[Video]
BaseCX=640
BaseCY=360
OutputCX=640
OutputCY=360
FPSType=0
FPSCommon=10
"""


class HeadlessObs:
    """One OBS under one Xvfb; ``kill()`` + ``start()`` simulates a crash and restart."""

    def __init__(self, spec: ObsSpec, workdir: Path) -> None:
        self.spec = spec
        if not spec.port:
            spec.port = free_port()
        self.workdir = workdir
        self.config_home = workdir / "config"
        self._xvfb: subprocess.Popen[bytes] | None = None
        self._obs: subprocess.Popen[bytes] | None = None
        self.display = ""
        self._write_config()

    @property
    def port(self) -> int:
        return self.spec.port

    def _write_config(self) -> None:
        base = self.config_home / "obs-studio"
        (base / "basic" / "scenes").mkdir(parents=True, exist_ok=True)
        (base / "basic" / "profiles" / "Test").mkdir(parents=True, exist_ok=True)
        (base / "global.ini").write_text(_GLOBAL_INI)
        (base / "basic" / "profiles" / "Test" / "basic.ini").write_text(_PROFILE_INI)
        scenes = base / "basic" / "scenes" / "Test.json"
        scenes.write_text(json.dumps(_scene_collection(self.spec), ensure_ascii=False))

    def _start_xvfb(self) -> None:
        read_fd, write_fd = os.pipe()
        self._xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not report a display number")
        self.display = f":{number}"

    def start(self, timeout: float = 30.0) -> None:
        if self._xvfb is None:
            self._start_xvfb()
        env = dict(os.environ)
        env.update(
            DISPLAY=self.display,
            LIBGL_ALWAYS_SOFTWARE="1",
            XDG_CONFIG_HOME=str(self.config_home),
            HOME=str(self.workdir),
            QT_QPA_PLATFORM="xcb",
        )
        env.pop("WAYLAND_DISPLAY", None)
        self._obs_log = open(self.workdir / "obs-stdout.txt", "ab")  # noqa: SIM115
        self._obs = subprocess.Popen(
            [
                "obs",
                "--disable-shutdown-check",
                "--multi",
                "--minimize-to-tray",
                "--websocket_port",
                str(self.port),
                "--websocket_password",
                self.spec.password,
            ],
            env=env,
            cwd=self.workdir,
            stdout=self._obs_log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        """Poll until obs-websocket answers a request (the port opens a little before)."""
        import obsws_python as obsws

        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self._obs is not None and self._obs.poll() is not None:
                raise RuntimeError(f"OBS exited with {self._obs.returncode}; see {self.workdir}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
                client = obsws.ReqClient(
                    host="127.0.0.1", port=self.port, password=self.spec.password, timeout=3
                )
                try:
                    client.get_version()
                    return
                finally:
                    client.disconnect()
            except Exception as exc:
                last = exc
                time.sleep(0.2)
        raise TimeoutError(f"OBS websocket not ready on port {self.port} after {timeout}s: {last!r}")

    def client(self, password: str | None = None, timeout: float = 5.0) -> Any:
        import obsws_python as obsws

        pw = self.spec.password if password is None else password
        return obsws.ReqClient(host="127.0.0.1", port=self.port, password=pw, timeout=timeout)

    def kill(self) -> None:
        """Crash OBS (SIGKILL): the websocket drops without a close frame."""
        if self._obs is not None:
            self._obs.kill()
            self._obs.wait(10)
            self._obs = None
            self._obs_log.close()

    def stop(self) -> None:
        if self._obs is not None:
            self._obs.send_signal(signal.SIGINT)  # clean: runs script_unload, saves config
            try:
                self._obs.wait(20)
            except subprocess.TimeoutExpired:
                self._obs.kill()
                self._obs.wait(5)
            self._obs = None
            self._obs_log.close()
        if self._xvfb is not None:
            self._xvfb.terminate()
            try:
                self._xvfb.wait(5)
            except subprocess.TimeoutExpired:
                self._xvfb.kill()
                self._xvfb.wait(5)
            self._xvfb = None

    def log_text(self) -> str:
        """OBS's own log (script output lands here too) plus its stdout."""
        parts = [
            p.read_text(errors="replace")
            for p in sorted((self.config_home / "obs-studio" / "logs").glob("*.txt"))
        ]
        out = self.workdir / "obs-stdout.txt"
        if out.exists():
            parts.append(out.read_text(errors="replace"))
        return "\n".join(parts)


@contextlib.contextmanager
def headless_obs(spec: ObsSpec, *, keep_dir: bool = False) -> Iterator[HeadlessObs]:
    """Private namespace + Xvfb + OBS, torn down in reverse order."""
    workdir = Path(tempfile.mkdtemp(prefix="cohost-obs-"))
    with private_netns():
        obs = HeadlessObs(spec, workdir)
        try:
            obs.start()
            yield obs
        finally:
            obs.stop()
            if not keep_dir:
                shutil.rmtree(workdir, ignore_errors=True)


# --- PNG decoding (no Pillow here) ------------------------------------------


def decode_png(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, channels, rows) of an 8-bit RGB/RGBA/grey PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8:
                raise ValueError(f"unsupported bit depth {depth}")
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def luminance_variance(png: bytes) -> float:
    """Variance of the grey level over all pixels: 0 for a blank image."""
    width, _height, channels, rows = decode_png(png)
    values = [sum(row[x * channels : x * channels + min(3, channels)]) for row in rows for x in range(width)]
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / len(values)
