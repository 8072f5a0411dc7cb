// Cohost overlay settings page: a form over the URL parameters (params.js), the URL it
// makes, a copy button and a live preview of that URL.

import { loadConfig, readSettings, toQuery } from "/overlay/params.js";

const token =
  new URLSearchParams(location.hash.slice(1)).get("token") ||
  new URLSearchParams(location.search).get("token") ||
  "";
const form = document.getElementById("form");
const urlBox = document.getElementById("url");
const preview = document.getElementById("preview");
let config = {};

function splitColour(hex) {
  const h = hex.slice(1);
  const full = h.length <= 4 ? [...h].map((c) => c + c).join("") : h;
  return { rgb: "#" + full.slice(0, 6), alpha: full.length === 8 ? parseInt(full.slice(6), 16) : 255 };
}

function fill(settings) {
  for (const box of form.elements.namedItem("panels")) box.checked = settings.panels.includes(box.value);
  for (const name of ["position", "font", "lines", "rows", "replies", "life", "fade", "subs", "lang", "name", "avatar"]) {
    form.elements.namedItem(name).value = String(settings[name]);
  }
  form.elements.namedItem("color").value = splitColour(settings.color).rgb;
  const bg = splitColour(settings.bg);
  form.elements.namedItem("bg").value = bg.rgb;
  form.elements.namedItem("bg_alpha").value = String(bg.alpha);
  form.elements.namedItem("transparent").checked = settings.transparent;
}

function read() {
  const raw = new URLSearchParams();
  const panels = [...form.elements.namedItem("panels")].filter((b) => b.checked).map((b) => b.value);
  raw.set("panels", panels.join(","));
  for (const name of ["position", "font", "lines", "rows", "replies", "life", "fade", "subs", "lang", "name", "avatar", "color"]) {
    raw.set(name, form.elements.namedItem(name).value);
  }
  const alpha = Number(form.elements.namedItem("bg_alpha").value).toString(16).padStart(2, "0");
  raw.set("bg", form.elements.namedItem("bg").value + alpha);
  raw.set("transparent", form.elements.namedItem("transparent").checked ? "1" : "0");
  return readSettings("?" + raw.toString(), config);
}

function update() {
  const query = toQuery(read(), config);
  const text = new URLSearchParams(query).toString();
  const fragment = token ? "#token=" + encodeURIComponent(token) : "";
  urlBox.value = `${location.origin}/overlay${text ? "?" + text : ""}${fragment}`;
  if (preview.getAttribute("src") !== urlBox.value) preview.src = urlBox.value;
}

async function copy() {
  const status = document.getElementById("copied");
  try {
    await navigator.clipboard.writeText(urlBox.value);
  } catch (err) {
    urlBox.select();
    document.execCommand("copy");
  }
  status.textContent = "Copied · 已复制";
}

async function main() {
  config = await loadConfig(token);
  fill(readSettings(location.search, config));
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  document.getElementById("copy").addEventListener("click", copy);
  update();
}

main();
