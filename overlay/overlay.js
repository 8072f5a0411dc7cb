// Cohost overlay: draws the bot's reply lines and state from the /ws/events feed.
// Every string from the feed is untrusted (model output quoting viewers, source
// details): it is only ever assigned to textContent or a data-* attribute, never
// parsed as HTML.
"use strict";

(() => {
  const params = new URLSearchParams(location.search);
  const token = params.get("token") || "";
  const debug = params.get("debug") === "1";

  const linesEl = document.getElementById("lines");
  const badgeEl = document.getElementById("badge");
  const debugEl = document.getElementById("debug");
  const latenciesEl = document.getElementById("latencies");
  const sourcesEl = document.getElementById("sources");
  const connEl = document.getElementById("conn");

  const settings = { max_lines: 4, fade_after_s: 15, font_size_px: 32 };
  const utterances = new Map(); // utterance_id -> <li>
  const latencies = new Map(); // metric name -> last ms
  const sources = new Map(); // source name -> state
  let botState = { state: "offline", muted: false };
  let retryMs = 500;

  debugEl.hidden = !debug;

  function authHeaders() {
    return token ? { Authorization: "Bearer " + token } : {};
  }

  async function loadSettings() {
    try {
      const response = await fetch("/api/overlay-config", { headers: authHeaders(), cache: "no-store" });
      if (response.ok) Object.assign(settings, await response.json());
    } catch (err) {
      // Agent not up yet: keep the defaults; the socket retries on its own.
    }
    document.documentElement.style.setProperty("--font-size", Number(settings.font_size_px) + "px");
  }

  function showState() {
    const label = botState.muted ? "muted" : String(botState.state || "unknown");
    badgeEl.dataset.state = label;
    badgeEl.textContent = label;
  }

  function fadeLater(li) {
    const seconds = Number(settings.fade_after_s);
    if (!(seconds > 0) || li.dataset.fadeScheduled) return;
    li.dataset.fadeScheduled = "1";
    setTimeout(() => removeLine(li), seconds * 1000);
  }

  function removeLine(li) {
    li.classList.add("fading");
    setTimeout(() => {
      li.remove();
      for (const [id, el] of utterances) if (el === li) utterances.delete(id);
    }, 900);
  }

  function lineFor(utteranceId) {
    let li = utterances.get(utteranceId);
    if (!li) {
      li = document.createElement("li");
      utterances.set(utteranceId, li);
      linesEl.appendChild(li);
      const live = [...linesEl.children].filter((el) => !el.classList.contains("fading"));
      live.forEach((el, i) => el.classList.toggle("old", i < live.length - 1));
      for (const el of live.slice(0, Math.max(0, live.length - Number(settings.max_lines)))) removeLine(el);
    }
    return li;
  }

  function addSentence(msg) {
    const li = lineFor(msg.utterance_id);
    const span = document.createElement("span");
    span.dataset.index = String(msg.index);
    span.textContent = String(msg.text ?? "");
    if (li.childElementCount > 0) li.appendChild(document.createTextNode(" "));
    li.appendChild(span);
  }

  function markSpeaking(msg) {
    const li = utterances.get(msg.utterance_id);
    if (!li) return;
    for (const span of li.querySelectorAll("span")) {
      span.classList.toggle("speaking", span.dataset.index === String(msg.index));
    }
  }

  function finish(msg) {
    const li = utterances.get(msg.utterance_id);
    if (!li) return;
    for (const span of li.querySelectorAll("span.speaking")) span.classList.remove("speaking");
    if (msg.outcome === "interrupted") li.classList.add("interrupted");
    fadeLater(li);
  }

  function renderPairs(dl, pairs) {
    const rows = [];
    for (const [name, value] of pairs) {
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.textContent = value;
      rows.push(dt, dd);
    }
    dl.replaceChildren(...rows);
  }

  function renderDebug() {
    if (!debug) return;
    renderPairs(latenciesEl, [...latencies].map(([name, ms]) => [name, Math.round(ms).toString()]));
    renderPairs(sourcesEl, [...sources]);
  }

  let subtitleTimer = null;
  function subtitle(msg) {
    // The streamer's own words (speech recognition), shown for a few seconds.
    const el = document.getElementById("subtitle");
    if (!el) return;
    el.textContent = String(msg.text ?? "");
    clearTimeout(subtitleTimer);
    subtitleTimer = setTimeout(() => {
      el.textContent = "";
    }, 6000);
  }

  const handlers = {
    transcript: subtitle,
    reply_sentence: addSentence,
    audio: markSpeaking,
    utterance_done: finish,
    state: (msg) => {
      botState = { state: msg.state, muted: Boolean(msg.muted) };
      showState();
    },
    source_status: (msg) => {
      sources.set(String(msg.source), String(msg.state));
      renderDebug();
    },
    metric: (msg) => {
      const ms = Number(msg.ms);
      if (Number.isFinite(ms)) latencies.set(String(msg.name), ms);
      renderDebug();
    },
  };

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = token ? "?token=" + encodeURIComponent(token) : "";
    const ws = new WebSocket(`${scheme}://${location.host}/ws/events${query}`);
    ws.onopen = () => {
      retryMs = 500;
      connEl.textContent = "connected";
    };
    ws.onmessage = (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (err) {
        return;
      }
      const handle = msg && Object.hasOwn(handlers, msg.type) ? handlers[msg.type] : null;
      if (handle) handle(msg);
    };
    ws.onclose = () => {
      // The agent restarted or is not up yet: show it, then try again, backing off.
      botState = { state: "offline", muted: false };
      showState();
      connEl.textContent = `reconnecting in ${retryMs} ms`;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  }

  loadSettings().finally(connect);
})();
