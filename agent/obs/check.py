"""`cohost doctor`'s OBS line: is obs-websocket reachable, and does our password log in?

The same obsws-python login the agent uses (``agent.obs.client.connect_blocking``), so
doctor and the stream cannot disagree about OBS.
"""

from __future__ import annotations

import contextlib
import socket

from agent.config import ObsConfig
from agent.obs.client import ObsAuthError, ObsUnavailable, connect_blocking
from agent.shared.checks import Check


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


def _obs_login(obs: ObsConfig, where: str, timeout_s: float) -> Check:
    password_fix = (
        "put the password from OBS Tools > WebSocket Server Settings > Show Connect Info "
        "in COHOST_OBS__PASSWORD (or obs.password)"
    )
    try:
        client = connect_blocking(obs.model_copy(update={"timeout_s": timeout_s}))
    except ObsAuthError:
        if not obs.password.get_secret_value():
            return Check("obs", "fail", f"OBS at {where} requires a password; none is set", password_fix)
        return Check("obs", "fail", f"OBS at {where} rejected the password", password_fix)
    except ObsUnavailable:
        return Check("obs", "fail", f"{where} answers but is not obs-websocket 5", _not_obs(obs))
    try:
        hello = getattr(client.base_client, "server_hello", {}) or {}
        version = (hello.get("d") or {}).get("obsWebSocketVersion", "?")
    except AttributeError:
        version = "?"
    finally:
        with contextlib.suppress(Exception):  # the check is done either way
            client.disconnect()
    return Check("obs", "ok", f"obs-websocket {version} at {where}, logged in")


def _not_obs(obs: ObsConfig) -> str:
    return f"check obs.port ({obs.port}) against OBS Tools > WebSocket Server Settings (OBS 28 or newer)"
