"""`cohost doctor`'s OBS line: is obs-websocket reachable, and does our password log in?

Our own Hello/Identify rather than obsws-python: it cannot tell a wrong password
from a dropped connection, and it logs the password at INFO.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket

from agent.checks import Check
from agent.config import ObsConfig


def check_obs(obs: ObsConfig, *, timeout_s: float = 1.0) -> Check:
    if not obs.enabled:
        return Check("obs", "ok", "off (obs.enabled = false)")
    where = f"{obs.host}:{obs.port}"
    start_obs = (
        "start OBS and tick Tools > WebSocket Server Settings > Enable WebSocket server "
        f"(port {obs.port}), or set obs.enabled = false"
    )
    try:
        with socket.create_connection((obs.host, obs.port), timeout=timeout_s):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return Check("obs", "fail", f"OBS is not reachable at {where} ({reason})", start_obs)
    return _obs_login(obs, where, timeout_s)


def obs_auth(password: str, salt: str, challenge: str) -> str:
    """obs-websocket 5 authentication string (protocol.md "Creating an authentication string")."""
    secret = base64.b64encode(hashlib.sha256((password + salt).encode()).digest())
    return base64.b64encode(hashlib.sha256(secret + challenge.encode()).digest()).decode()


def _obs_login(obs: ObsConfig, where: str, timeout_s: float) -> Check:
    # Our own Hello/Identify rather than obsws-python: it cannot tell a wrong
    # password from a dropped connection, and it logs the password at INFO.
    from websockets.exceptions import ConnectionClosed, WebSocketException
    from websockets.sync.client import connect

    password_fix = (
        "put the password from OBS Tools > WebSocket Server Settings > Show Connect Info "
        "in COHOST_OBS__PASSWORD (or obs.password)"
    )
    try:
        with connect(
            f"ws://{where}", open_timeout=timeout_s, close_timeout=timeout_s, proxy=None, compression=None
        ) as ws:
            hello = json.loads(ws.recv(timeout=timeout_s))
            data = hello.get("d") or {}
            if hello.get("op") != 0:
                raise ValueError("no Hello")
            identify: dict[str, object] = {"rpcVersion": 1, "eventSubscriptions": 0}
            challenge = data.get("authentication")
            password = obs.password.get_secret_value()
            if challenge:
                if not password:
                    return Check(
                        "obs", "fail", f"OBS at {where} requires a password; none is set", password_fix
                    )
                identify["authentication"] = obs_auth(password, challenge["salt"], challenge["challenge"])
            ws.send(json.dumps({"op": 1, "d": identify}))
            reply = json.loads(ws.recv(timeout=timeout_s))
            if reply.get("op") != 2:
                raise ValueError("no Identified")
            version = data.get("obsWebSocketVersion", "?")
            return Check("obs", "ok", f"obs-websocket {version} at {where}, logged in")
    except ConnectionClosed as exc:
        code = exc.rcvd.code if exc.rcvd else 0
        if code == 4009:  # AuthenticationFailed
            return Check("obs", "fail", f"OBS at {where} rejected the password", password_fix)
        reason = exc.rcvd.reason if exc.rcvd else "no close frame"
        return Check("obs", "fail", f"OBS at {where} closed the connection ({code} {reason})", _not_obs(obs))
    except TimeoutError:
        return Check(
            "obs", "fail", f"no obs-websocket reply from {where} within {timeout_s:g} s", _not_obs(obs)
        )
    except (WebSocketException, OSError, ValueError, KeyError, TypeError, AttributeError):
        return Check("obs", "fail", f"{where} answers but is not obs-websocket 5", _not_obs(obs))


def _not_obs(obs: ObsConfig) -> str:
    return f"check obs.port ({obs.port}) against OBS Tools > WebSocket Server Settings (OBS 28 or newer)"
