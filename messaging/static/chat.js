// The live chat page: socket delivery, exactly-once sends with safe resend, catch-up after
// reconnect ("everything after the last id I hold", duplicates dropped), typing, presence,
// read state and unread counts. The page works without this module (plain form posts).
import { avatar } from "/static/js/avatar.js";
import { ask } from "/static/js/confirm.js";
import { api, connect } from "/static/js/realtime.js";

const root = document.querySelector("[data-chat]");
const me = root ? Number(root.dataset.userId) : 0;
const labels = root ? root.dataset : {};
const ACK_TIMEOUT = 8000;
const TYPING_EVERY = 1500;
const TYPING_SHOWN = 4000;

const state = {
  conversationId: root && root.dataset.conversationId ? Number(root.dataset.conversationId) : null,
  ids: new Set(), // message ids shown in the open conversation
  lastId: 0,
  firstId: 0,
  hasMore: root ? root.dataset.hasMore === "true" : false,
  loadingOlder: false,
  pending: new Map(), // client_id -> {body, li}
  names: new Map(),
  lastRead: new Map(), // user_id -> last_read_id (seen by)
  kind: null,
  typingTimers: new Map(),
  lastTypingSent: 0,
};

const list = root && root.querySelector("[data-messages]");
const composer = root && root.querySelector("[data-composer]");
const typingLine = root && root.querySelector("[data-typing]");
const seenLine = root && root.querySelector("[data-seen]");
// the header's unread badge (a page may show the nav twice): one object that sets them all
const navBadges = [...document.querySelectorAll("[data-chat-unread]")];
const navBadge = navBadges.length
  ? {
      get textContent() {
        return navBadges[0].textContent;
      },
      set textContent(value) {
        navBadges.forEach((b) => (b.textContent = value));
      },
      set hidden(value) {
        navBadges.forEach((b) => (b.hidden = value));
      },
    }
  : null;

function newClientId() {
  if (window.crypto && crypto.randomUUID) return `w-${crypto.randomUUID()}`;
  return `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

function setBadge(el, count) {
  if (!el) return;
  el.textContent = String(count);
  el.hidden = !count;
}

function addToBadge(el, delta) {
  if (!el) return;
  setBadge(el, Math.max(0, (parseInt(el.textContent, 10) || 0) + delta));
}

function statusLabel(status) {
  return { pending: labels.labelPending, sent: labels.labelSent, failed: labels.labelFailed }[status] || "";
}

// The time of day in the reader's zone (their account's, as the server renders it), digits as
// on the server-rendered lines.
const timeFormat = new Intl.DateTimeFormat(`${document.documentElement.lang || "ar"}-u-nu-latn`, {
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: (root && root.dataset.timezone) || undefined,
});
function timeOf(iso) {
  return iso ? timeFormat.format(new Date(iso)) : "";
}

// One <li> per message; the same markup as the server-rendered page.
function renderMessage(li, message, status) {
  li.className = "message";
  if (message.sender_id === me) li.classList.add("mine");
  if (message.deleted) li.classList.add("deleted");
  if (status) li.classList.add(status);
  if (message.id) li.dataset.messageId = String(message.id);
  li.dataset.clientId = message.client_id;
  if (message.body !== undefined) li.dataset.body = message.body;
  li.dataset.senderId = String(message.sender_id);
  li.replaceChildren();
  const sender = document.createElement("span");
  sender.className = "sender";
  sender.dir = "auto";
  sender.textContent = message.sender_id === me ? labels.labelYou : state.names.get(message.sender_id) || "…";
  const body = document.createElement("div");
  body.className = "body";
  body.dir = "auto";
  if (message.deleted) {
    body.classList.add("muted");
    body.textContent = labels.labelDeleted;
  } else if (message.body_html !== undefined) {
    body.innerHTML = message.body_html; // sanitized server-side by render_markdown (nh3)
  } else {
    body.textContent = message.body;
  }
  const meta = document.createElement("span");
  meta.className = "meta muted";
  const parts = [timeOf(message.created_at)];
  if (message.edited_at && !message.deleted) parts.push(labels.labelEdited);
  if (status) parts.push(statusLabel(status));
  meta.textContent = parts.filter(Boolean).join(" · ");
  meta.dataset.status = status || "";
  li.append(sender, body, meta);
  if (message.id && message.sender_id === me && !message.deleted) {
    // Edit and Delete apart, each with an icon and its label (they read as one word when joined)
    const action = (name, icon, label, extra) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `btn btn-link btn-sm link${extra ? ` ${extra}` : ""}`;
      button.dataset.action = name;
      const mark = document.createElement("i");
      mark.className = `bi ${icon}`;
      mark.setAttribute("aria-hidden", "true");
      button.append(mark, " ", label);
      return button;
    };
    const actions = document.createElement("span");
    actions.className = "message-actions";
    actions.append(action("edit", "bi-pencil", labels.labelEdit), " ", action("delete", "bi-trash", labels.labelDelete, "danger"));
    li.append(actions);
  }
  return li;
}

// A stored message of mine reads "sent"; others' carry no status.
function storedStatus(message) {
  return message.sender_id === me ? "sent" : "";
}

function findByClientId(clientId) {
  return list.querySelector(`li[data-sender-id="${me}"][data-client-id="${CSS.escape(clientId)}"]`);
}

function nearBottom() {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
}

function scrollToBottom() {
  list.scrollTop = list.scrollHeight;
}

// Insert a stored message in id order, once; a pending bubble with its client_id becomes it.
function showMessage(message) {
  if (!list || message.conversation_id !== state.conversationId) return false;
  if (state.ids.has(message.id)) {
    const li = list.querySelector(`li[data-message-id="${message.id}"]`);
    if (li) renderMessage(li, message, storedStatus(message));
    return false;
  }
  const stick = nearBottom();
  let li = message.sender_id === me ? findByClientId(message.client_id) : null;
  if (li) {
    li.remove();
    state.pending.delete(message.client_id);
  }
  li = renderMessage(li || document.createElement("li"), message, storedStatus(message));
  state.ids.add(message.id);
  // find the first stored message with a larger id; pending ones stay at the bottom
  let before = null;
  for (const other of list.querySelectorAll("li[data-message-id]")) {
    if (Number(other.dataset.messageId) > message.id) {
      before = other;
      break;
    }
  }
  if (!before) before = list.querySelector("li.pending, li.failed");
  list.insertBefore(li, before);
  state.lastId = Math.max(state.lastId, message.id);
  state.firstId = state.firstId ? Math.min(state.firstId, message.id) : message.id;
  if (stick || message.sender_id === me) scrollToBottom();
  return true;
}

function updateListItem(message, { unreadDelta = 0 } = {}) {
  const item = document.querySelector(`[data-conversation-list] [data-conversation="${message.conversation_id}"]`);
  if (!item) {
    refreshList();
    return;
  }
  const preview = item.querySelector("[data-preview]");
  if (preview) {
    const text = document.createElement("div");
    text.innerHTML = message.body_html || "";
    preview.textContent = message.deleted ? labels.labelDeleted : (text.textContent || "").trim().slice(0, 140);
  }
  if (unreadDelta) addToBadge(item.querySelector("[data-unread]"), unreadDelta);
  const parent = item.parentElement;
  if (parent && parent.firstElementChild !== item) parent.prepend(item);
}

async function refreshList() {
  const container = document.querySelector("[data-conversation-list]");
  if (!container) return;
  let data;
  try {
    data = await api("GET", "/api/v1/conversations");
  } catch (_error) {
    return;
  }
  setBadge(navBadge, data.unread_total);
  const items = data.items.map((c) => {
    const li = document.createElement("li");
    li.dataset.conversation = String(c.id);
    if (c.id === state.conversationId) li.setAttribute("aria-current", "true");
    const a = document.createElement("a");
    a.href = `/chat/${c.id}`;
    const face = document.createElement("span");
    face.className = "chat-avatar";
    if (c.kind === "direct") {
      for (const m of c.members) {
        if (m.user_id === me) continue;
        const dot = document.createElement("span");
        dot.className = `presence-dot${m.online ? " online" : ""}`;
        dot.dataset.presence = String(m.user_id);
        dot.setAttribute("aria-hidden", "true");
        face.append(avatar(m.display_name, m.avatar_url, ""), dot);
      }
    } else {
      face.append(avatar(c.display_title, null, "", true));
    }
    a.append(face);
    const title = document.createElement("span");
    title.className = "title";
    title.append(document.createElement("bdi"));
    title.firstChild.textContent = c.display_title;
    const count = document.createElement("span");
    count.className = "count";
    count.dataset.unread = "";
    setBadge(count, c.id === state.conversationId ? 0 : c.unread_count);
    const preview = document.createElement("bdi");
    preview.className = "preview muted";
    preview.dataset.preview = "";
    preview.textContent = c.last_message_preview;
    a.append(title, count, preview);
    li.append(a);
    return li;
  });
  container.replaceChildren(...items);
}

// -- sending -------------------------------------------------------------------------------

function markStatus(clientId, status) {
  const entry = state.pending.get(clientId);
  if (!entry) return;
  const message = { ...entry.message };
  renderMessage(entry.li, message, status);
}

function trySend(clientId) {
  const entry = state.pending.get(clientId);
  if (!entry || entry.inFlight) return;
  if (!socket || !socket.connected) {
    markStatus(clientId, "pending"); // resent on reconnect
    return;
  }
  entry.inFlight = true;
  markStatus(clientId, "pending");
  const payload = { conversation_id: entry.message.conversation_id, body: entry.message.body, client_id: clientId };
  socket.timeout(ACK_TIMEOUT).emit("message_send", payload, (err, ack) => {
    entry.inFlight = false;
    if (err || !ack) {
      // lost ack: the message may or may not be stored; resending the same client_id is safe
      markStatus(clientId, "failed");
      return;
    }
    if (ack.ok) {
      showMessage(ack.message);
      markRead();
      return;
    }
    entry.error = ack.error;
    markStatus(clientId, "failed");
    const li = entry.li;
    if (li && ack.error && ack.error.message) li.title = ack.error.message;
  });
}

function queueSend(body) {
  const clientId = newClientId();
  const message = {
    id: 0,
    conversation_id: state.conversationId,
    sender_id: me,
    body,
    client_id: clientId,
    created_at: new Date().toISOString(),
  };
  const li = renderMessage(document.createElement("li"), message, "pending");
  li.addEventListener("click", () => {
    if (li.classList.contains("failed")) trySend(clientId);
  });
  list.append(li);
  scrollToBottom();
  state.pending.set(clientId, { message, li, inFlight: false });
  trySend(clientId);
}

// -- reading -------------------------------------------------------------------------------

let readTimer = null;
function markRead() {
  if (!state.conversationId || !state.lastId || document.hidden) return;
  clearTimeout(readTimer);
  readTimer = setTimeout(() => {
    if (socket && socket.connected) {
      socket.emit("read", { conversation_id: state.conversationId, last_read_id: state.lastId });
    }
  }, 300);
}

// Names inside a sentence: each isolated (FSI…PDI) so an Arabic name in a French sentence, or
// the reverse, keeps its order, joined the way the page's language joins a list ("a، b و c").
const listFormat = new Intl.ListFormat(document.documentElement.lang || "ar", { type: "conjunction" });
function nameList(names) {
  return listFormat.format(names.map((name) => `\u2068${name}\u2069`));
}

function renderSeen() {
  if (state.kind === "direct") {
    // ✓ sent, ✓✓ seen: what the other person has read, on each of my messages
    const seen = Math.max(0, ...[...state.lastRead].filter(([uid]) => uid !== me).map(([, last]) => last || 0));
    for (const li of list.querySelectorAll("li.mine[data-message-id]")) {
      li.classList.toggle("seen", Number(li.dataset.messageId) <= seen);
    }
    return;
  }
  if (!seenLine || state.kind !== "group") return;
  const mine = [...list.querySelectorAll(`li[data-message-id][data-sender-id="${me}"]`)].pop();
  if (!mine) {
    seenLine.textContent = "";
    return;
  }
  const id = Number(mine.dataset.messageId);
  const names = [...state.lastRead]
    .filter(([uid, last]) => uid !== me && last >= id)
    .map(([uid]) => state.names.get(uid) || "?");
  seenLine.textContent = names.length ? labels.labelSeen.replace("{names}", nameList(names)) : "";
}

// -- history -------------------------------------------------------------------------------

async function catchUp() {
  if (!state.conversationId) return;
  // everything after the last id held, page by page; duplicates are dropped by showMessage
  for (let guard = 0; guard < 50; guard += 1) {
    const data = await api("GET", `/api/v1/conversations/${state.conversationId}/messages?after_id=${state.lastId}&limit=200`);
    data.items.forEach(showMessage);
    if (!data.has_more) break;
  }
  renderSeen();
  markRead();
}

// The server's message queue was away for a while: events may be missing anywhere in the
// recent past, not only after the last id held, so the newest page is merged (in id order).
async function resync() {
  if (state.conversationId) {
    const data = await api("GET", `/api/v1/conversations/${state.conversationId}/messages?limit=200`);
    data.items.forEach(showMessage);
  }
  await catchUp();
  refreshList();
}

async function loadOlder() {
  if (!state.hasMore || state.loadingOlder || !state.firstId) return;
  state.loadingOlder = true;
  try {
    const data = await api("GET", `/api/v1/conversations/${state.conversationId}/messages?before_id=${state.firstId}&limit=50`);
    const height = list.scrollHeight;
    const top = list.scrollTop;
    const first = list.firstElementChild;
    for (const message of data.items) {
      if (state.ids.has(message.id)) continue;
      const li = renderMessage(document.createElement("li"), message, storedStatus(message));
      state.ids.add(message.id);
      list.insertBefore(li, first);
      state.firstId = Math.min(state.firstId, message.id);
    }
    state.hasMore = data.has_more;
    list.scrollTop = top + (list.scrollHeight - height);
    const older = document.querySelector("[data-older]");
    if (older && !state.hasMore) older.parentElement.remove();
  } finally {
    state.loadingOlder = false;
  }
}

// -- live events ---------------------------------------------------------------------------

const socket = root ? connect("/chat") : null;

function showTyping(userId) {
  if (!typingLine) return;
  clearTimeout(state.typingTimers.get(userId));
  state.typingTimers.set(
    userId,
    setTimeout(() => {
      state.typingTimers.delete(userId);
      renderTyping();
    }, TYPING_SHOWN),
  );
  renderTyping();
}

function renderTyping() {
  const names = [...state.typingTimers.keys()].map((uid) => state.names.get(uid) || "…");
  typingLine.textContent = names.length ? labels.labelTyping.replace("{name}", nameList(names)) : "";
}

// Presence correction: on every (re)connect the server sends who is online now; every dot on
// the page takes that state (what the page rendered or a pause missed is corrected).
function correctPresence({ online }) {
  const now = new Set(online);
  for (const dot of document.querySelectorAll("[data-presence]")) {
    const uid = Number(dot.dataset.presence);
    if (uid === me) continue;
    const on = now.has(uid);
    dot.classList.toggle("online", on);
    dot.title = on ? labels.labelOnline : labels.labelOffline;
  }
}

if (socket) {
  socket.on("connect", async () => {
    try {
      await catchUp();
    } catch (_error) {
      /* the next reconnect tries again */
    }
    for (const clientId of state.pending.keys()) trySend(clientId);
    refreshList();
  });

  socket.on("resync", async () => {
    try {
      await resync();
    } catch (_error) {
      /* the next reconnect tries again */
    }
  });

  socket.on("message_new", ({ message }) => {
    const mine = message.sender_id === me;
    if (message.conversation_id === state.conversationId) {
      const added = showMessage(message);
      if (added) {
        state.typingTimers.delete(message.sender_id);
        if (typingLine) renderTyping();
        if (!mine) markRead();
        renderSeen();
      }
      updateListItem(message);
      if (added && !mine && document.hidden) addToBadge(navBadge, 1);
    } else {
      updateListItem(message, { unreadDelta: mine ? 0 : 1 });
      if (!mine) addToBadge(navBadge, 1);
    }
  });

  socket.on("message_updated", ({ message }) => {
    const li = list && list.querySelector(`li[data-message-id="${message.id}"]`);
    if (li) renderMessage(li, message, storedStatus(message));
    updateListItem(message);
  });

  socket.on("typing", ({ conversation_id: cid, user_id: uid }) => {
    if (cid === state.conversationId && uid !== me) showTyping(uid);
  });

  socket.on("read", (data) => {
    if (data.user_id === me) {
      if (data.unread_total !== undefined && data.unread_total !== null) setBadge(navBadge, data.unread_total);
      const item = document.querySelector(`[data-conversation-list] [data-conversation="${data.conversation_id}"] [data-unread]`);
      if (item && data.unread_count !== undefined) setBadge(item, data.unread_count);
      return;
    }
    if (data.conversation_id === state.conversationId) {
      state.lastRead.set(data.user_id, Math.max(state.lastRead.get(data.user_id) || 0, data.last_read_id));
      renderSeen();
    }
  });

  socket.on("presence", ({ user_id: uid, online }) => {
    for (const dot of document.querySelectorAll(`[data-presence="${uid}"]`)) {
      dot.classList.toggle("online", online);
      dot.title = online ? labels.labelOnline : labels.labelOffline;
    }
  });

  socket.on("presence_state", correctPresence);

  socket.on("conversation_new", refreshList);
  socket.on("conversation_updated", refreshList);
  socket.on("conversation_removed", ({ conversation_id: cid }) => {
    if (cid === state.conversationId) window.location.assign("/chat");
    else refreshList();
  });
}

// -- start ---------------------------------------------------------------------------------

async function init() {
  if (!list || !state.conversationId) return;
  for (const li of list.querySelectorAll("li[data-message-id]")) {
    const id = Number(li.dataset.messageId);
    state.ids.add(id);
    state.lastId = Math.max(state.lastId, id);
    state.firstId = state.firstId ? Math.min(state.firstId, id) : id;
  }
  scrollToBottom();
  for (const button of list.querySelectorAll("button[data-action]")) button.hidden = false;
  // every handler is bound before the first await: on a slow network the composer works
  // (Enter sends) before the conversation's details have arrived
  // edit / delete my own messages (others see "edited" / "deleted" live)
  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    const li = button && button.closest("li[data-message-id]");
    if (!li || !socket) return;
    const id = Number(li.dataset.messageId);
    if (button.dataset.action === "edit") {
      const current = li.dataset.body || li.querySelector(".body").textContent;
      const body = window.prompt(labels.labelEdit, current);
      if (body && body.trim()) socket.emit("message_edit", { message_id: id, body }, (ack) => ack && ack.ok && renderMessage(li, ack.message, "sent"));
    } else if (await ask(labels.labelDeleteConfirm)) {
      socket.emit("message_delete", { message_id: id }, (ack) => ack && ack.ok && renderMessage(li, ack.message, "sent"));
    }
  });
  list.addEventListener("scroll", () => {
    if (list.scrollTop < 40) loadOlder();
  });
  const older = document.querySelector("[data-older]");
  if (older) {
    older.addEventListener("click", (event) => {
      event.preventDefault();
      loadOlder();
    });
  }
  if (composer) {
    const textarea = composer.querySelector("textarea");
    composer.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = textarea.value.trim();
      if (!body) return;
      textarea.value = "";
      queueSend(body);
      textarea.focus();
    });
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        composer.requestSubmit();
      }
    });
    textarea.addEventListener("input", () => {
      const now = Date.now();
      if (socket && socket.connected && now - state.lastTypingSent > TYPING_EVERY) {
        state.lastTypingSent = now;
        socket.emit("typing", { conversation_id: state.conversationId });
      }
    });
  }
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) markRead();
  });
  markRead();
  try {
    const detail = await api("GET", `/api/v1/conversations/${state.conversationId}`);
    state.kind = detail.kind;
    for (const m of detail.members) {
      state.names.set(m.user_id, m.display_name);
      state.lastRead.set(m.user_id, m.last_read_id);
    }
    renderSeen();
  } catch (_error) {
    /* names stay as rendered */
  }
}

init();
