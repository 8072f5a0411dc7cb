"""`cohost doctor`'s OBS check: a closed port, a stand-in obs-websocket 5 and, when installed, a real OBS."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from websockets.sync.server import ServerConnection, serve

from agent.app import doctor
from agent.config import ObsConfig
from tests.obs_harness import OBS_TOOLS
from tests.support.ports import free_port

# --- OBS --------------------------------------------------------------------


def test_obs_unreachable_on_a_free_port_fails_with_the_fix() -> None:
    port = free_port()
    check = doctor.check_obs(ObsConfig(enabled=True, port=port))
    assert check.status == "fail" and f"127.0.0.1:{port}" in check.detail
    assert "WebSocket Server Settings" in check.fix and "obs.enabled = false" in check.fix
    assert doctor.check_obs(ObsConfig(enabled=False, port=port)).status == "ok"


PASSWORD = "hunter2-obs"
# The worked example in obs-websocket's docs/generated/protocol.md.
SALT = "lM1GncleQOaCu9lT1yeUZhFYnqhsLLP1G5lAGo3ixaI="
CHALLENGE = "+IxH4CnCiqpX1rM9scsNynZzbOe4KhDeYcTNS3PDaeY="


@pytest.fixture
def fake_obs() -> Iterator[int]:
    """obs-websocket 5's Hello/Identify handshake with authentication, as OBS does it."""

    def handler(ws: ServerConnection) -> None:
        auth = {"challenge": CHALLENGE, "salt": SALT}
        hello = {"rpcVersion": 1, "obsWebSocketVersion": "5.1.0", "authentication": auth}
        ws.send(json.dumps({"op": 0, "d": hello}))
        identify = json.loads(ws.recv())
        if identify["d"].get("authentication") != obs_auth(PASSWORD, SALT, CHALLENGE):
            ws.close(4009, "Authentication failed.")
            return
        ws.send(json.dumps({"op": 2, "d": {"negotiatedRpcVersion": 1}}))
        ws.recv()

    with serve(handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server.socket.getsockname()[1]
        server.shutdown()
        thread.join(timeout=5)


def obs_auth(password: str, salt: str, challenge: str) -> str:
    """obs-websocket 5 authentication string (protocol.md "Creating an authentication string")."""
    secret = base64.b64encode(hashlib.sha256((password + salt).encode()).digest())
    return base64.b64encode(hashlib.sha256(secret + challenge.encode()).digest()).decode()


def test_fake_obs_auth_matches_the_protocol_example() -> None:
    expected = "1Ct943GAT+6YQUUX47Ia/ncufilbe6+oD6lY+5kaCu4="
    assert obs_auth("supersecretpassword", SALT, CHALLENGE) == expected


def test_obs_login_right_wrong_and_missing_password(fake_obs: int) -> None:
    def check(password: str) -> doctor.Check:
        return doctor.check_obs(ObsConfig(enabled=True, port=fake_obs, password=SecretStr(password)))

    ok = check(PASSWORD)
    assert ok.status == "ok" and "5.1.0" in ok.detail
    wrong = check("not-the-password")
    assert wrong.status == "fail" and "rejected the password" in wrong.detail
    assert "COHOST_OBS__PASSWORD" in wrong.fix and "not-the-password" not in wrong.detail + wrong.fix
    none = check("")
    assert none.status == "fail" and "requires a password" in none.detail


def test_obs_port_taken_by_something_else() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def answer_garbage() -> None:
            conn, _ = listener.accept()  # the TCP probe
            conn.close()
            conn, _ = listener.accept()
            with conn:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")

        thread = threading.Thread(target=answer_garbage, daemon=True)
        thread.start()
        check = doctor.check_obs(ObsConfig(enabled=True, port=port))
        thread.join(timeout=5)
    assert check.status == "fail" and "not obs-websocket" in check.detail
    assert str(port) in check.fix


# --- against a real OBS (RECIPES.md "Headless OBS for tests") --------------------

REAL_OBS = r"""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, time
from pathlib import Path
from pydantic import SecretStr
from agent.config import ObsConfig
from agent.app.doctor import check_obs

home = Path(tempfile.mkdtemp(prefix="cohost-doctor-obs-"))
scenes = home / "obs-studio" / "basic" / "scenes"
scenes.mkdir(parents=True)
(home / "obs-studio" / "global.ini").write_text(
    "[General]\nFirstRun=true\n[Basic]\nSceneCollection=Test\nSceneCollectionFile=Test\n"
    "[OBSWebSocket]\nFirstLoad=false\nServerEnabled=true\nAlertsEnabled=false\nAuthRequired=true\n"
)
scene = {"name": "Scene", "id": "scene", "settings": {"items": []}}
(scenes / "Test.json").write_text(json.dumps({"name": "Test", "current_scene": "Scene",
    "current_program_scene": "Scene", "scene_order": [{"name": "Scene"}], "sources": [scene]}))
read, write = os.pipe()
xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "640x360x24", "-nolisten", "tcp"],
                        pass_fds=(write,), stderr=subprocess.DEVNULL)
display = os.read(read, 16).decode().strip()
env = {**os.environ, "XDG_CONFIG_HOME": str(home), "HOME": str(home), "DISPLAY": ":" + display,
       "LIBGL_ALWAYS_SOFTWARE": "1"}
obs = subprocess.Popen(["obs", "--disable-shutdown-check", "--multi", "--minimize-to-tray",
                        "--websocket_port", "4455", "--websocket_password", "real-obs-pw"],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", 4455), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    for password in ("real-obs-pw", "wrong-pw", ""):
        check = check_obs(ObsConfig(enabled=True, port=4455, password=SecretStr(password)))
        print(json.dumps([check.status, check.detail]))
finally:
    obs.send_signal(signal.SIGINT)
    try:
        obs.wait(timeout=15)
    except subprocess.TimeoutExpired:  # a busy machine: OBS's own shutdown is not under test
        obs.kill()
        obs.wait()
    xvfb.terminate()
    xvfb.wait(timeout=10)
    shutil.rmtree(home, ignore_errors=True)
"""


@pytest.mark.slow
@pytest.mark.requires(*OBS_TOOLS)
def test_real_obs_password_checks(tmp_path: Path) -> None:
    script = tmp_path / "real_obs.py"
    script.write_text(REAL_OBS, encoding="utf-8")
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("unshare -n is not allowed here (OBS must not listen on real interfaces)")
    # Its own network namespace: OBS listens on every interface and tries the internet at start.
    done = subprocess.run(
        ["unshare", "-n", "bash", "-c", f'ip link set lo up && exec "{sys.executable}" "{script}"'],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=240,  # OBS starts in seconds here, in a minute on a loaded 2-core machine
    )
    assert done.returncode == 0, done.stderr[-2000:]
    right, wrong, missing = (json.loads(line) for line in done.stdout.splitlines()[-3:])
    assert right[0] == "ok" and "logged in" in right[1]
    assert wrong == ["fail", "OBS at 127.0.0.1:4455 rejected the password"]
    assert missing[0] == "fail" and "requires a password" in missing[1]
