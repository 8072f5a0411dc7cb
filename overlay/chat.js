// Cohost overlay: the chat feed (danmaku, gifts, guard purchases) and the pinned super chats.
// Lines arrive already vetted by the agent's filters; each carries a `line` number the
// agent updates it by (a flood's count, a gift combo's total). Every viewer string is
// set with textContent only. The list never holds more than `lines` items.

const MAX_PINS = 8;

// Bilibili's super chat price tiers (yuan): the card's colour.
export function priceTier(price) {
  const p = Number(price) || 0;
  return p >= 2000 ? 6 : p >= 1000 ? 5 : p >= 500 ? 4 : p >= 100 ? 3 : p >= 50 ? 2 : 1;
}

function span(className, text) {
  const el = document.createElement("span");
  el.className = className;
  if (text !== undefined) el.textContent = String(text);
  return el;
}

function level(value) {
  const n = Math.trunc(Number(value));
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export class Chat {
  constructor(list, pins, settings, labels) {
    this.list = list;
    this.pins = pins;
    this.settings = settings;
    this.labels = labels;
    this.lines = new Map(); // "session:line" -> <li>
    this.keys = new WeakMap(); // <li> -> "session:line"
    this.pinTimers = new Map(); // <li> -> timeout
  }

  clear() {
    for (const timer of this.pinTimers.values()) clearTimeout(timer);
    this.pinTimers.clear();
    this.lines.clear();
    this.list.replaceChildren();
    this.pins.replaceChildren();
  }

  show(msg, session, instant) {
    const key = `${session}:${Math.trunc(Number(msg.line))}`;
    if (msg.type === "super_chat") return this.pin(msg, key);
    let li = this.lines.get(key);
    const fresh = !li;
    if (fresh) {
      li = document.createElement("li");
      li.className = instant ? "line" : "line enter";
    }
    li.dataset.kind = msg.type;
    li.replaceChildren(...this.render(msg));
    if (!fresh) return;
    this.lines.set(key, li);
    this.keys.set(li, key);
    this.list.appendChild(li);
    this.trim();
    const life = Number(this.settings.life);
    if (life > 0) setTimeout(() => this.drop(li, key), life * 1000);
  }

  render(msg) {
    const parts = [];
    const guard = level(msg.type === "guard" ? 0 : msg.guard_level);
    if (guard >= 1 && guard <= 3) parts.push(span(`guard g${guard}`, this.labels.guard[guard]));
    if (msg.medal_name) {
      const medal = span("medal");
      medal.append(span("medal-name", msg.medal_name), span("medal-level", level(msg.medal_level)));
      parts.push(medal);
    }
    const name = span("name", msg.uname);
    if (guard) name.dataset.guard = String(guard);
    parts.push(name);
    if (msg.type === "danmaku") {
      parts.push(span("sep", "："), span(msg.emoticon ? "text emoticon" : "text", msg.text));
      const count = level(msg.count);
      if (count > 1) parts.push(span("count", `×${count}`));
    } else if (msg.type === "gift") {
      const tier = msg.paid ? priceTier(msg.price) : 0;
      parts.push(span("verb", this.labels.gift), span(`gift tier${tier}`, msg.gift_name));
      parts.push(span("count", `×${level(msg.combo_total) || level(msg.count) || 1}`));
    } else if (msg.type === "guard") {
      const bought = level(msg.level);
      parts.push(span("verb", this.labels.bought), span(`gift guard-buy g${bought}`, this.labels.guard[bought] || ""));
      if (level(msg.count) > 1) parts.push(span("count", `×${level(msg.count)}`));
    }
    return parts;
  }

  trim() {
    const max = Math.max(1, Number(this.settings.lines) || 1);
    while (this.list.childElementCount > max) this.remove(this.list.firstElementChild);
  }

  remove(li) {
    li.remove();
    const key = this.keys.get(li);
    if (key !== undefined && this.lines.get(key) === li) this.lines.delete(key);
  }

  drop(li, key) {
    if (this.lines.get(key) !== li) return;
    li.classList.add("leaving");
    li.addEventListener("transitionend", () => this.remove(li), { once: true });
    setTimeout(() => this.remove(li), 1000); // no transition ran (hidden page): remove anyway
  }

  pin(msg, key) {
    let li = this.lines.get(key);
    if (!li) {
      li = document.createElement("li");
      li.className = "sc enter";
      this.lines.set(key, li);
      this.keys.set(li, key);
      this.pins.appendChild(li);
      while (this.pins.childElementCount > MAX_PINS) this.unpin(this.pins.firstElementChild);
    }
    li.dataset.tier = String(priceTier(msg.price));
    const head = span("sc-head");
    head.append(span("name", msg.uname), span("price", this.labels.yuan(Number(msg.price) || 0)));
    const body = span("sc-text", msg.text);
    li.replaceChildren(head, body);
    const seconds = Number(msg.remaining_s ?? msg.duration_s);
    clearTimeout(this.pinTimers.get(li));
    this.pinTimers.set(li, setTimeout(() => this.unpin(li), (Number.isFinite(seconds) ? seconds : 60) * 1000));
  }

  unpin(li) {
    clearTimeout(this.pinTimers.get(li));
    this.pinTimers.delete(li);
    this.remove(li);
  }
}
