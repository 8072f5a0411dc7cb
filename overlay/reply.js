// Cohost overlay: the co-host's reply as speech bubbles, revealed in step with its voice.
// A sentence appears when its audio starts (`audio`), is marked while it plays and
// settles when it ends (`audio_ended`); what is on screen is what has been said.
// Each `audio` carries the reply as said so far (`said`), joined by the agent
// (agent/reply/sentences.py join_sentences): the page only appends what is new.

const MAX_SENTENCES = 64;

export class Replies {
  constructor(list, settings) {
    this.list = list;
    this.settings = settings;
    this.instant = false; // set while a snapshot is replayed: no entry animation
    this.bubbles = new Map(); // utterance id -> {li, said: text shown, shown: Map(index -> span), done}
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
      b = { li, said: "", shown: new Map(), done: false };
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

  // Audio for sentence `index` started: what `said` adds to the bubble is that sentence.
  playing(msg) {
    const b = this.bubble(msg.utterance_id, true);
    const index = Math.trunc(Number(msg.index));
    const said = String(msg.said ?? "");
    if (!said.startsWith(b.said)) {
      // Not a continuation of what is shown (a message was lost): show the reply as sent.
      b.li.replaceChildren();
      b.shown.clear();
      b.said = "";
    }
    if (said.length > b.said.length && !b.shown.has(index) && b.shown.size < MAX_SENTENCES) {
      const el = document.createElement("span");
      el.className = "sentence";
      el.dataset.index = String(index);
      el.textContent = said.slice(b.said.length);
      b.li.appendChild(el);
      b.shown.set(index, el);
      b.said = said;
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
