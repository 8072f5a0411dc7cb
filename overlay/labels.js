// Cohost overlay: every word the page itself writes, in Chinese (default) and English.

const LABELS = {
  zh: {
    state: {
      offline: "未连接",
      idle: "待命",
      listening: "在听你说",
      thinking: "思考中",
      speaking: "说话中",
      cooldown: "冷却中",
      muted: "已静音",
    },
    source: {
      connecting: "连接中",
      live: "已连接",
      reconnecting: "重连中",
      failed: "连接失败",
      stopped: "已停止",
      ended: "已结束",
      live_on: "开播",
      live_off: "未开播",
    },
    guard: { 1: "总督", 2: "提督", 3: "舰长" },
    topic: "话题",
    gift: "投喂",
    bought: "开通了",
    connecting: "正在连接 Cohost…",
    retry: (s) => `与 Cohost 断开，${s} 秒后重连`,
    yuan: (p) => `￥${p}`,
  },
  en: {
    state: {
      offline: "offline",
      idle: "idle",
      listening: "listening",
      thinking: "thinking",
      speaking: "speaking",
      cooldown: "cooldown",
      muted: "muted",
    },
    source: {
      connecting: "connecting",
      live: "connected",
      reconnecting: "reconnecting",
      failed: "failed",
      stopped: "stopped",
      ended: "ended",
      live_on: "on air",
      live_off: "off air",
    },
    guard: { 1: "Governor", 2: "Admiral", 3: "Captain" },
    topic: "Topic",
    gift: "sent",
    bought: "became",
    connecting: "connecting to Cohost…",
    retry: (s) => `lost Cohost, retrying in ${s} s`,
    yuan: (p) => `¥${p}`,
  },
};

export function labelsFor(lang) {
  return LABELS[lang] || LABELS.zh;
}
