// Cohost overlay: the page OBS shows. Reads its layout from the URL (defaults from
// config.toml [overlay]), follows the agent's /ws/events feed and reconnects with
// backoff. Every string from the feed is untrusted (viewer chat, model output): it is
// only ever assigned to textContent, never parsed as HTML; images load only from this
// server or a platform image host (params.js safeImageUrl; the page's CSP enforces it).

import { Chat } from "/overlay/chat.js";
import { labelsFor } from "/overlay/labels.js";
import { loadConfig, readSettings, safeImageUrl } from "/overlay/params.js";
import { Replies } from "/overlay/reply.js";

const query = new URLSearchParams(location.search);
// The control token, when one is set: #token=... (never sent to any server) or ?token=...;
// this script hands it to the event socket and the config request itself (no cookie).
const token = new URLSearchParams(location.hash.slice(1)).get("token") || query.get("token") || "";
const debug = query.get("debug") === "1";
const $ = (id) => document.getElementById(id);

const view = { settings: null, labels: null, chat: null, replies: null };
const model = {
  state: "offline",
  muted: false,
  topic: "",
  sources: new Map(),
  latencies: new Map(),
  session: null,
  snapshotLeft: 0,
};
let retryMs = 500;
let subtitleTimer = null;

function applyLayout(settings) {
  const root = document.documentElement;
  root.lang = settings.lang;
  root.style.setProperty("--font-size", settings.font + "px");
  root.style.setProperty("--text", settings.color);
  root.style.setProperty("--line-bg", settings.bg);
  root.style.setProperty("--line-rows", String(settings.rows));
  document.body.classList.toggle("transparent", settings.transparent);
  document.body.dataset.position = settings.position || "dashboard";
  for (const el of document.querySelectorAll("[data-panel]")) {
    el.hidden = !el.dataset.panel.split(" ").some((p) => settings.panels.includes(p));
  }
  $("chat-panel").hidden = !(settings.panels.includes("chat") || settings.panels.includes("superchats"));
  $("chat").hidden = !settings.panels.includes("chat");
  $("persona-name").textContent = settings.name;
  const avatar = safeImageUrl(settings.avatar);
  if (avatar) $("avatar").src = avatar;
  $("avatar").hidden = !avatar;
  $("debug").hidden = !debug;
}

function showStatus() {
  const { labels } = view;
  const state = model.muted ? "muted" : model.state;
  $("badge").dataset.state = Object.hasOwn(labels.state, state) ? state : "idle";
  $("badge").textContent = labels.state[state] ?? String(state);
  $("topic").hidden = !model.topic;
  $("topic").textContent = model.topic ? `${labels.topic}：${model.topic}` : "";
  const alerts = [];
  for (const [source, state] of model.sources) {
    if (state === "live" || state === "live_on" || state === "ended") continue;
    const el = document.createElement("span");
    el.className = "alert";
    el.dataset.state = Object.hasOwn(labels.source, state) ? state : "failed";
    el.textContent = `${source} ${labels.source[state] ?? state}`;
    alerts.push(el);
  }
  $("alerts").replaceChildren(...alerts);
  if (debug) renderDebug();
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
  renderPairs($("latencies"), [...model.latencies].map(([name, ms]) => [name, Math.round(ms).toString()]));
  renderPairs($("sources"), [...model.sources]);
}

function subtitle(msg) {
  const el = $("subtitle");
  el.textContent = String(msg.text ?? "");
  el.classList.toggle("partial", msg.final === false);
  clearTimeout(subtitleTimer);
  const seconds = Number(view.settings.subs);
  if (seconds > 0) {
    subtitleTimer = setTimeout(() => {
      el.textContent = "";
    }, seconds * 1000);
  }
}

function startSnapshot(msg) {
  // Same agent as before (a reconnect): rebuild from its memory. A new agent (restarted):
  // keep what is on screen and add to it.
  if (msg.session === model.session) view.chat.clear();
  view.replies.clear(); // replies are numbered per agent run and replayed whole
  model.session = String(msg.session);
  model.sources.clear();
  model.snapshotLeft = Math.max(0, Math.trunc(Number(msg.messages)) || 0);
}

function chatLine(msg) {
  view.chat.show(msg, model.session, model.snapshotLeft > 0);
}

const handlers = {
  snapshot: startSnapshot,
  danmaku: chatLine,
  gift: chatLine,
  guard: chatLine,
  super_chat: chatLine,
  transcript: subtitle,
  reply_sentence: () => {}, // written, not yet said: a sentence shows when its audio starts
  audio: (msg) => view.replies.playing(msg),
  audio_ended: (msg) => view.replies.ended(msg),
  utterance_done: (msg) => view.replies.done(msg),
  state: (msg) => {
    model.state = String(msg.state);
    model.muted = msg.muted === true;
    model.topic = String(msg.topic ?? "");
    showStatus();
  },
  source_status: (msg) => {
    model.sources.set(String(msg.source), String(msg.state));
    showStatus();
  },
  metric: (msg) => {
    const ms = Number(msg.ms);
    if (Number.isFinite(ms)) model.latencies.set(String(msg.name), ms);
    if (debug) renderDebug();
  },
};

function receive(data) {
  let msg;
  try {
    msg = JSON.parse(data);
  } catch (err) {
    return;
  }
  if (!msg || typeof msg !== "object" || !Object.hasOwn(handlers, msg.type)) return;
  const inSnapshot = model.snapshotLeft > 0 && msg.type !== "snapshot";
  view.replies.instant = inSnapshot;
  handlers[msg.type](msg);
  if (inSnapshot) model.snapshotLeft -= 1;
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const suffix = token ? "?token=" + encodeURIComponent(token) : "";
  const ws = new WebSocket(`${scheme}://${location.host}/ws/events${suffix}`);
  $("conn").textContent = model.session ? "" : view.labels.connecting;
  ws.onopen = () => {
    retryMs = 500;
    $("conn").textContent = "";
    document.body.dataset.connected = "1";
  };
  ws.onmessage = (event) => receive(event.data);
  ws.onclose = () => {
    // The agent restarted or is not up yet: say so, then try again, backing off.
    document.body.dataset.connected = "0";
    model.state = "offline";
    model.muted = false;
    showStatus();
    $("conn").textContent = view.labels.retry((retryMs / 1000).toFixed(1));
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10000);
  };
}

async function main() {
  const settings = readSettings(location.search, await loadConfig(token));
  view.settings = settings;
  view.labels = labelsFor(settings.lang);
  view.chat = new Chat($("chat"), $("pins"), settings, view.labels);
  view.replies = new Replies($("lines"), settings);
  applyLayout(settings);
  showStatus();
  connect();
}

main();
