// Cohost overlay: what a browser-source URL may set, its checks and defaults, shared by the
// overlay page and the settings page. Every URL parameter is untrusted: values are parsed
// into numbers, names from a fixed list, or colours matching a strict pattern; image
// URLs must be this server's or a platform image host's.

export const PANELS = ["status", "chat", "superchats", "reply", "subtitles"];
export const POSITIONS = ["", "left", "right", "top", "bottom"];
export const LANGS = ["zh", "en"];
// Keep in step with IMAGE_HOSTS in agent/control/overlay_routes.py (the page's CSP img-src).
export const IMAGE_HOSTS = ["i0.hdslb.com", "i1.hdslb.com", "i2.hdslb.com", "static-cdn.jtvnw.net"];

// Name -> [kind, limits] for each layout parameter; the defaults come from config.toml [overlay].
export const FIELDS = {
  panels: ["panels"],
  position: ["choice", POSITIONS],
  font: ["int", 8, 200],
  color: ["colour"],
  bg: ["colour"],
  lines: ["int", 1, 200],
  rows: ["int", 1, 20],
  replies: ["int", 1, 50],
  life: ["number", 0, 3600],
  fade: ["number", 0, 3600],
  subs: ["number", 0, 3600],
  lang: ["choice", LANGS],
  transparent: ["bool"],
  name: ["text", 40],
  avatar: ["image"],
};

// The agent's [overlay] settings (GET /api/overlay-config), or {} when the agent is not up
// yet: the built-in defaults will do (the overlay's socket retries on its own).
export async function loadConfig(token) {
  try {
    const headers = token ? { Authorization: "Bearer " + token } : {};
    const response = await fetch("/api/overlay-config", { headers, cache: "no-store" });
    if (response.ok) return await response.json();
  } catch (err) {
    // Not up yet: the defaults.
  }
  return {};
}

export function defaultsFrom(config) {
  const c = config || {};
  return {
    panels: PANELS.slice(),
    position: "",
    font: num(c.font_size_px, 32),
    color: "#ffffff",
    bg: "#000000a0",
    lines: num(c.chat_lines, 20),
    rows: num(c.chat_line_rows, 3),
    replies: num(c.max_lines, 4),
    life: 0,
    fade: num(c.fade_after_s, 15),
    subs: num(c.subtitle_s, 6),
    lang: LANGS.includes(c.lang) ? c.lang : "zh",
    transparent: true,
    name: typeof c.persona_name === "string" ? c.persona_name.slice(0, 40) : "",
    avatar: typeof c.avatar === "string" ? c.avatar : "",
  };
}

function num(value, fallback) {
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

// One parameter's text -> its value, or undefined when it is not acceptable.
export function parseField(name, raw) {
  const spec = FIELDS[name];
  if (!spec || raw === null || raw === undefined) return undefined;
  const text = String(raw).trim();
  switch (spec[0]) {
    case "panels": {
      const chosen = text.split(",").map((p) => p.trim()).filter((p) => PANELS.includes(p));
      return chosen.length ? [...new Set(chosen)] : undefined;
    }
    case "choice":
      return spec[1].includes(text) ? text : undefined;
    case "int":
    case "number": {
      if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
      const n = spec[0] === "int" ? Math.round(Number(text)) : Number(text);
      return n >= spec[1] && n <= spec[2] ? n : undefined;
    }
    case "colour": {
      const hex = text.startsWith("#") ? text.slice(1) : text;
      return /^([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(hex) ? "#" + hex.toLowerCase() : undefined;
    }
    case "bool":
      return ["1", "true", "yes"].includes(text) ? true : ["0", "false", "no"].includes(text) ? false : undefined;
    case "text":
      return Array.from(text).filter((ch) => ch >= " " && ch !== "\u007f").slice(0, spec[1]).join("");
    case "image":
      return safeImageUrl(text) ?? undefined;
    default:
      return undefined;
  }
}

// The settings a URL asks for, over the defaults; bad values fall back to the default.
export function readSettings(search, config) {
  const params = new URLSearchParams(search);
  const settings = defaultsFrom(config);
  for (const name of Object.keys(FIELDS)) {
    if (!params.has(name)) continue;
    const value = parseField(name, params.get(name));
    if (value !== undefined) settings[name] = value;
  }
  return settings;
}

// The query string for settings that differ from the defaults (what the settings page builds).
export function toQuery(settings, config) {
  const defaults = defaultsFrom(config);
  const params = new URLSearchParams();
  for (const name of Object.keys(FIELDS)) {
    const value = settings[name];
    const plain = Array.isArray(value) ? value.join(",") : typeof value === "boolean" ? (value ? "1" : "0") : String(value);
    const base = defaults[name];
    const basePlain = Array.isArray(base) ? base.join(",") : typeof base === "boolean" ? (base ? "1" : "0") : String(base);
    if (plain !== basePlain) params.set(name, plain);
  }
  return params.toString();
}

// An image URL the page may load: this server's own paths, or https on a platform image host.
export function safeImageUrl(raw) {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return null;
  let url;
  try {
    url = new URL(raw.startsWith("//") ? "https:" + raw : raw, location.origin);
  } catch (err) {
    return null;
  }
  if (url.origin === location.origin && url.pathname.startsWith("/overlay/")) return url.pathname;
  if (url.protocol === "http:" && IMAGE_HOSTS.includes(url.hostname)) url.protocol = "https:";
  if (url.protocol !== "https:" || !IMAGE_HOSTS.includes(url.hostname) || url.username || url.password) return null;
  return url.href;
}
