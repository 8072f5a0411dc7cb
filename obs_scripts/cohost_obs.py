"""Cohost control panel and hotkeys for OBS (Tools > Scripts > +).

Talks to the Cohost agent's control API (``cohost run`` with control.enabled =
true). Standard library only: OBS's embedded Python has no packages. OBS calls
every entry point on its UI thread, so nothing here waits on the network
there: requests go to one background thread (short timeouts), which also polls
the agent's status when idle; the panel shows the latest result.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
import urllib.error
import urllib.request

import obspython as obs

DEFAULT_ADDR = "http://127.0.0.1:8765"
HTTP_TIMEOUT_S = 2.0
POLL_S = 2.0
MAX_RETRY_WAIT_S = 3.0  # a hotkey pressed during a flood still lands within seconds

HOTKEYS = (
    ("cohost.mute", "Cohost: mute", "mute"),
    ("cohost.unmute", "Cohost: unmute", "unmute"),
    ("cohost.toggle_mute", "Cohost: toggle mute", "toggle_mute"),
    ("cohost.skip", "Cohost: skip the current reply", "skip"),
    ("cohost.reset", "Cohost: reset (forget the queue and topic)", "reset"),
)


class Agent:
    """The agent's address and token, a job queue and the thread that does the HTTP."""

    def __init__(self) -> None:
        self.addr = DEFAULT_ADDR
        self.token = ""
        self.status_text = "Cohost: checking…"
        self.muted = False
        self._jobs: queue.Queue[tuple[str, str, dict[str, str] | None] | None] = queue.Queue(maxsize=32)
        self._thread: threading.Thread | None = None
        self._last_logged = ""

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="cohost-http", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            with contextlib.suppress(queue.Full):
                self._jobs.put_nowait(None)
            thread.join(HTTP_TIMEOUT_S + 1)

    def submit(self, action: str, text: str = "") -> None:
        """Queue an action (never blocks: a full queue drops it and says so)."""
        if action == "toggle_mute":
            action = "unmute" if self.muted else "mute"
        body = {"text": text} if action == "say" else None
        try:
            self._jobs.put_nowait(("POST", "/api/" + action, body))
        except queue.Full:
            self._log("cohost: too many requests waiting; dropped " + action)

    # --- the background thread -----------------------------------------------

    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=POLL_S)
            except queue.Empty:
                job = ("GET", "/api/status", None)
            if job is None:
                return
            method, path, body = job
            self._do(method, path, body)

    def _do(self, method: str, path: str, body: dict[str, str] | None, retried: bool = False) -> None:
        addr = self.addr.rstrip("/")
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(addr + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
                payload = response.read(65536)
        except urllib.error.HTTPError as exc:
            if exc.code == 429 and not retried:
                # The agent is busy with other callers: wait as told (briefly) and try once more.
                time.sleep(_retry_after(exc.headers.get("Retry-After")))
                self._do(method, path, body, retried=True)
                return
            if exc.code in (401, 403):
                self._set_status("Cohost: token rejected — copy control.token from the agent's config")
            else:
                self._set_status(f"Cohost: {method} {path} failed with HTTP {exc.code}")
            return
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            self._set_status(
                f"Cohost agent not running at {addr} ({reason}) — start `cohost run` with control.enabled"
            )
            return
        if path == "/api/status":
            self._read_status(payload)
        elif path == "/api/say" and _refused(payload):
            # The text would have been filtered: it was not said, and the panel says why.
            self._set_status("Cohost: not said — " + _refused(payload))
        else:
            self._log(f"cohost: {method} {path} ok")
            if path in ("/api/mute", "/api/unmute"):
                self.muted = path == "/api/mute"
            if self._jobs.empty():  # show the effect soon instead of at the next poll
                with contextlib.suppress(queue.Full):
                    self._jobs.put_nowait(("GET", "/api/status", None))

    def _read_status(self, payload: bytes) -> None:
        try:
            status = json.loads(payload.decode("utf-8"))
        except ValueError:
            self._set_status("Cohost: the agent's /api/status did not return JSON")
            return
        if not isinstance(status, dict):
            return
        self.muted = bool(status.get("muted", False))
        state = str(status.get("state", "?"))
        self._set_status(f"Cohost: muted ({state})" if self.muted else f"Cohost: {state}")

    def _set_status(self, text: str) -> None:
        self.status_text = text
        self._log(text)

    def _log(self, text: str) -> None:
        if text != self._last_logged:  # one line per change, not one per poll
            self._last_logged = text
            print(text)


def _refused(payload: bytes) -> str:
    """Why the agent refused a /api/say ("banned_word: 词"); "" when it was said."""
    try:
        answer = json.loads(payload.decode("utf-8"))
    except ValueError:
        return ""
    if not isinstance(answer, dict) or answer.get("ok", True):
        return ""
    return f"{answer.get('refused', 'refused')}: {answer.get('rule', '')}"


def _retry_after(header: str | None) -> float:
    """Seconds to wait before retrying a 429: the agent's Retry-After, between 0.1 and MAX_RETRY_WAIT_S."""
    try:
        seconds = float(header or 1.0)
    except ValueError:
        seconds = 1.0
    return min(max(seconds, 0.1), MAX_RETRY_WAIT_S) if seconds == seconds else 1.0


agent = Agent()
_settings = None
_hotkey_ids: dict[str, int] = {}


# --- OBS entry points (UI thread) -------------------------------------------------


def script_description() -> str:
    return (
        "<b>Cohost</b> — mute, skip, reset and talk to your AI co-host.<br>"
        "Hotkeys: Settings > Hotkeys > “Cohost: …”. Needs `cohost run` with control.enabled = true."
    )


def script_defaults(settings) -> None:
    obs.obs_data_set_default_string(settings, "addr", DEFAULT_ADDR)
    obs.obs_data_set_default_string(settings, "token", "")


def script_update(settings) -> None:
    agent.addr = obs.obs_data_get_string(settings, "addr").strip() or DEFAULT_ADDR
    agent.token = obs.obs_data_get_string(settings, "token").strip()


def script_load(settings) -> None:
    global _settings
    _settings = settings
    script_update(settings)
    for name, description, action in HOTKEYS:
        hotkey_id = obs.obs_hotkey_register_frontend(name, description, _hotkey_callback(action))
        _hotkey_ids[name] = hotkey_id
        saved = obs.obs_data_get_array(settings, name)
        obs.obs_hotkey_load(hotkey_id, saved)
        obs.obs_data_array_release(saved)
    agent.start()


def script_save(settings) -> None:
    for name, hotkey_id in _hotkey_ids.items():
        saved = obs.obs_hotkey_save(hotkey_id)
        obs.obs_data_set_array(settings, name, saved)
        obs.obs_data_array_release(saved)


def script_unload() -> None:
    agent.stop()


def script_properties():
    props = obs.obs_properties_create()
    obs.obs_properties_add_text(props, "addr", "Agent address", obs.OBS_TEXT_DEFAULT)
    obs.obs_properties_add_text(props, "token", "Token (control.token)", obs.OBS_TEXT_PASSWORD)
    _show_status()
    obs.obs_properties_add_text(props, "status_info", "Status", obs.OBS_TEXT_INFO)
    obs.obs_properties_add_button(props, "refresh", "Refresh status", _button(None))
    for action, label in (("mute", "Mute"), ("unmute", "Unmute"), ("skip", "Skip reply"), ("reset", "Reset")):
        obs.obs_properties_add_button(props, "btn_" + action, label, _button(action))
    obs.obs_properties_add_text(props, "say_text", "Say", obs.OBS_TEXT_DEFAULT)
    obs.obs_properties_add_button(props, "btn_say", "Say it", _say)
    return props


# --- callbacks --------------------------------------------------------------------


def _hotkey_callback(action: str):
    def on_hotkey(pressed: bool) -> None:
        if pressed:  # act on key down only (TriggerHotkeyByName sends just that)
            agent.submit(action)

    return on_hotkey


def _button(action: str | None):
    def on_click(props, prop) -> bool:
        if action is not None:
            agent.submit(action)
        _show_status()
        return True  # redraw the panel so the status line is current

    return on_click


def _say(props, prop) -> bool:
    if _settings is not None:
        text = obs.obs_data_get_string(_settings, "say_text").strip()
        if text:
            agent.submit("say", text)
    _show_status()
    return True


def _show_status() -> None:
    if _settings is not None:
        obs.obs_data_set_string(_settings, "status_info", agent.status_text)
