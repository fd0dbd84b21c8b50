// The live chat page: socket delivery, exactly-once sends with safe resend, catch-up after
// reconnect ("everything after the last id I hold", duplicates dropped), typing, presence,
// read state and unread counts. The page works without this module (plain form posts); the
// markup of messages and conversations is always the server's (see chat/messages.js).
import { addToBadge, setBadge } from "/static/js/badge.js";
import { ask } from "/static/js/confirm.js";
import { api, connect } from "/static/js/realtime.js";
import { conversationList } from "./chat/conversations.js";
import { messageList } from "./chat/messages.js";
import { correctPresence, readState, showPresence } from "./chat/seen.js";

const ACK_TIMEOUT = 8000;
const TYPING_EVERY = 1500;

const root = document.querySelector("[data-chat]");
const me = root ? Number(root.dataset.userId) : 0;
const labels = root ? root.dataset : {};
const conversationId = root && root.dataset.conversationId ? Number(root.dataset.conversationId) : null;
// the header's unread badge (a page may show the nav twice)
const navBadges = document.querySelectorAll("[data-chat-unread]");
const socket = root ? connect("/chat") : null;
const conversations = conversationList({ currentId: conversationId, labels, navBadges });
const messages = root && conversationId ? messageList(root, { me, conversationId, labels }) : null;
const seen = messages ? readState(root, { me, list: messages.list, labels }) : null;

function newClientId() {
  if (window.crypto && crypto.randomUUID) return `w-${crypto.randomUUID()}`;
  return `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

// -- reading -------------------------------------------------------------------------------

let readTimer = null;
function markRead() {
  if (!messages || !messages.lastId || document.hidden) return;
  clearTimeout(readTimer);
  readTimer = setTimeout(() => {
    if (socket && socket.connected) {
      socket.emit("read", { conversation_id: conversationId, last_read_id: messages.lastId });
    }
  }, 300);
}

async function catchUp() {
  if (!messages) return;
  await messages.sync();
  seen.render();
  markRead();
}

// -- sending -------------------------------------------------------------------------------

const pending = new Map(); // client_id -> {body, li, queued}

// One message on the wire at a time, in the order written: the server numbers messages as it
// stores them and handles a socket's events side by side, so two sent together could swap.
let sendChain = Promise.resolve();

function trySend(clientId) {
  const entry = pending.get(clientId);
  if (!entry || entry.queued) return;
  messages.mark(entry.li, "pending");
  if (!socket || !socket.connected) return; // resent on reconnect
  entry.queued = true;
  sendChain = sendChain.then(() => sendNow(clientId, entry));
}

function sendNow(clientId, entry) {
  return new Promise((done) => {
    if (!socket.connected) {
      entry.queued = false; // resent on reconnect
      done();
      return;
    }
    const payload = { conversation_id: conversationId, body: entry.body, client_id: clientId };
    socket.timeout(ACK_TIMEOUT).emit("message_send", payload, (err, ack) => {
      entry.queued = false;
      done();
      if (err || !ack) {
        // lost ack: the message may or may not be stored; resending the same client_id is safe
        messages.mark(entry.li, "failed");
        return;
      }
      if (!ack.ok) {
        messages.mark(entry.li, "failed");
        if (ack.error && ack.error.message) entry.li.title = ack.error.message;
        return;
      }
      pending.delete(clientId);
      messages.mark(entry.li, "sent", ack.message.id);
      catchUp().catch(() => {}); // its stored markup (and anything before it) replaces the bubble
    });
  });
}

function queueSend(body) {
  const clientId = newClientId();
  const li = messages.bubble(clientId, body);
  li.addEventListener("click", () => {
    if (li.classList.contains("failed")) trySend(clientId);
  });
  pending.set(clientId, { body, li, queued: false });
  trySend(clientId);
}

// -- live events ---------------------------------------------------------------------------

if (socket) {
  socket.on("connect", async () => {
    // What was written while offline goes on the wire first, in the order written, before
    // anything typed during the catch-up below (sent at once, it would pass them); resending
    // a client_id the server already stored is a no-op.
    for (const clientId of pending.keys()) trySend(clientId);
    try {
      await catchUp();
    } catch (_error) {
      /* the next reconnect tries again */
    }
    conversations.refresh();
  });

  // The server's message queue was away for a while: events may be missing anywhere in the
  // recent past, not only after the last id held, so the newest page is merged.
  socket.on("resync", async () => {
    try {
      if (messages) await messages.reload();
      await catchUp();
    } catch (_error) {
      /* the next reconnect tries again */
    }
    conversations.refresh();
  });

  socket.on("message_new", async ({ message }) => {
    const mine = message.sender_id === me;
    if (messages && message.conversation_id === conversationId) {
      const fresh = !messages.has(message.id);
      seen.stoppedTyping(message.sender_id);
      conversations.update(message);
      if (fresh && !mine && document.hidden) addToBadge(navBadges, 1);
      try {
        await catchUp();
      } catch (_error) {
        /* the next reconnect catches up */
      }
    } else {
      conversations.update(message, { unreadDelta: mine ? 0 : 1 });
      if (!mine) addToBadge(navBadges, 1);
    }
  });

  socket.on("message_updated", ({ message }) => {
    if (messages && message.conversation_id === conversationId) {
      messages.refresh(message.id).catch(() => {});
    }
    conversations.update(message);
  });

  socket.on("typing", ({ conversation_id: cid, user_id: uid }) => {
    if (seen && cid === conversationId && uid !== me) seen.typing(uid);
  });

  socket.on("read", (data) => {
    if (data.user_id === me) {
      if (data.unread_total !== undefined && data.unread_total !== null) setBadge(navBadges, data.unread_total);
      conversations.read(data.conversation_id, data.unread_count);
    } else if (seen && data.conversation_id === conversationId) {
      seen.read(data.user_id, data.last_read_id);
    }
  });

  socket.on("presence", ({ user_id: uid, online }) => showPresence(uid, online, labels));
  socket.on("presence_state", ({ online }) => correctPresence(online, me, labels));

  socket.on("conversation_new", conversations.refresh);
  socket.on("conversation_updated", conversations.refresh);
  socket.on("conversation_removed", ({ conversation_id: cid }) => {
    if (cid === conversationId) window.location.assign("/chat");
    else conversations.refresh();
  });
}

// -- start ---------------------------------------------------------------------------------

async function init() {
  if (!messages) return;
  messages.adopt();
  const { list } = messages;
  // every handler is bound before the first await: on a slow network the composer works
  // (Enter sends) before the conversation's details have arrived
  // edit / delete my own messages (others see "edited" / "deleted" live)
  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    const li = button && button.closest("li[data-message-id]");
    if (!li || !socket) return;
    const id = Number(li.dataset.messageId);
    const refresh = (ack) => ack && ack.ok && messages.refresh(id).catch(() => {});
    if (button.dataset.action === "edit") {
      const body = window.prompt(labels.labelEdit, li.dataset.body || li.querySelector(".body").textContent);
      if (body && body.trim()) socket.emit("message_edit", { message_id: id, body }, refresh);
    } else if (await ask(labels.labelDeleteConfirm)) {
      socket.emit("message_delete", { message_id: id }, refresh);
    }
  });
  list.addEventListener("scroll", () => {
    if (list.scrollTop < 40) messages.loadOlder();
  });
  const older = document.querySelector("[data-older]");
  if (older) {
    older.addEventListener("click", (event) => {
      event.preventDefault();
      messages.loadOlder();
    });
  }
  const composer = root.querySelector("[data-composer]");
  if (composer) {
    const textarea = composer.querySelector("textarea");
    let lastTypingSent = 0;
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
      if (socket && socket.connected && now - lastTypingSent > TYPING_EVERY) {
        lastTypingSent = now;
        socket.emit("typing", { conversation_id: conversationId });
      }
    });
  }
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) markRead();
  });
  markRead();
  try {
    seen.know(await api("GET", `/api/v1/conversations/${conversationId}`));
  } catch (_error) {
    /* names stay as rendered */
  }
}

init();
