// Cohost overlay: the co-host's reply as speech bubbles, revealed in step with its voice.
// A sentence appears when its audio starts (`audio`), is marked while it plays and
// settles when it ends (`audio_ended`); what is on screen is what has been said.
// Chinese sentences join without a space, Latin ones with one (as join_sentences does).

const MAX_SENTENCES = 64;

function isAscii(ch) {
  return ch !== undefined && ch.charCodeAt(0) < 128;
}

// The same rule as agent/reply/sentences.py _needs_space.
export function needsSpace(left, right) {
  if (!left || !right) return false;
  const a = left[left.length - 1];
  const b = right[0];
  return isAscii(a) && !/\s/.test(a) && isAscii(b) && !/\s/.test(b);
}

export class Replies {
  constructor(list, settings) {
    this.list = list;
    this.settings = settings;
    this.instant = false; // set while a snapshot is replayed: no entry animation
    this.bubbles = new Map(); // utterance id -> {li, texts: Map(index -> text), shown: Map(index -> span)}
  }

  clear() {
    this.bubbles.clear();
    this.list.replaceChildren();
  }

  bubble(id, create) {
    let b = this.bubbles.get(id);
    if (!b && create) {
      const li = document.createElement("li");
      li.className = this.instant ? "bubble" : "bubble enter";
      b = { li, texts: new Map(), shown: new Map(), done: false };
      this.bubbles.set(id, b);
      this.list.appendChild(li);
      const live = [...this.bubbles.values()];
      live.forEach((x, i) => x.li.classList.toggle("old", i < live.length - 1));
      const max = Math.max(1, Number(this.settings.replies) || 1);
      for (const [old, x] of this.bubbles) {
        if (this.bubbles.size <= max) break;
        x.li.remove();
        this.bubbles.delete(old);
      }
    }
    return b;
  }

  sentence(msg) {
    const b = this.bubble(msg.utterance_id, true);
    if (b.texts.size < MAX_SENTENCES) b.texts.set(Math.trunc(Number(msg.index)), String(msg.text ?? ""));
  }

  // Audio for sentence `index` started: reveal it (and any earlier one not yet shown).
  playing(msg) {
    const b = this.bubble(msg.utterance_id, true);
    const index = Math.trunc(Number(msg.index));
    if (!b.texts.has(index) && b.texts.size < MAX_SENTENCES) b.texts.set(index, String(msg.text ?? ""));
    for (const i of [...b.texts.keys()].sort((x, y) => x - y)) {
      if (i <= index) this.reveal(b, i);
    }
    for (const [i, el] of b.shown) el.classList.toggle("speaking", i === index && !b.done);
  }

  ended(msg) {
    const b = this.bubble(msg.utterance_id, false);
    const el = b && b.shown.get(Math.trunc(Number(msg.index)));
    if (!el) return;
    el.classList.remove("speaking");
    if (msg.cut) el.classList.add("cut");
  }

  reveal(b, index) {
    if (b.shown.has(index)) return;
    const el = document.createElement("span");
    el.className = "sentence";
    el.dataset.index = String(index);
    el.textContent = b.texts.get(index);
    // Insert in sentence order, with a space only between Latin neighbours.
    const after = [...b.shown.keys()].filter((i) => i < index).sort((x, y) => y - x)[0];
    const before = after === undefined ? null : b.shown.get(after);
    const next = before ? before.nextSibling : b.li.firstChild;
    b.li.insertBefore(el, next);
    if (before && needsSpace(before.textContent, el.textContent)) b.li.insertBefore(document.createTextNode(" "), el);
    b.shown.set(index, el);
  }

  // The reply ended. This can arrive before its last sentences' timings (the agent sends
  // it ahead of other events), so the bubble may still fill in; an empty one stays hidden.
  done(msg) {
    const b = this.bubble(msg.utterance_id, true);
    if (b.done) return;
    b.done = true;
    for (const el of b.shown.values()) el.classList.remove("speaking");
    if (msg.outcome === "interrupted") b.li.classList.add("interrupted");
    const fade = Number(this.settings.fade);
    if (fade > 0) {
      setTimeout(() => {
        if (this.bubbles.get(msg.utterance_id) !== b) return;
        b.li.classList.add("leaving");
        setTimeout(() => {
          b.li.remove();
          if (this.bubbles.get(msg.utterance_id) === b) this.bubbles.delete(msg.utterance_id);
        }, 900);
      }, fade * 1000);
    }
  }
}
