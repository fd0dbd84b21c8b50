// The open conversation's messages. Every stored message is the server's own markup
// (messaging/_message.html), fetched as a fragment in the reader's language and time zone;
// only a message still being sent is a copy of the page's hidden prototype, its text set as
// text.
import { api, coalesced } from "/static/js/realtime.js";

const PAGE = 200;

export function messageList(root, { me, conversationId, labels }) {
  const list = root.querySelector("[data-messages]");
  const prototype = root.querySelector("[data-pending-message] > li");
  const base = `/chat/${conversationId}/messages`;
  const ids = new Set();
  let lastId = 0;
  let firstId = 0;
  let hasMore = root.dataset.hasMore === "true";
  let loadingOlder = false;

  const nearBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const scrollToBottom = () => {
    list.scrollTop = list.scrollHeight;
  };
  const byClientId = (clientId) =>
    list.querySelector(`li[data-sender-id="${me}"][data-client-id="${CSS.escape(clientId)}"]:not([data-message-id])`);

  function remember(id) {
    ids.add(id);
    lastId = Math.max(lastId, id);
    firstId = firstId ? Math.min(firstId, id) : id;
  }

  // A stored message into its place, once: it replaces its own earlier copy (an edit, or
  // the bubble it was while being sent), or goes in id order before the unsent ones.
  function place(li) {
    const id = Number(li.dataset.messageId);
    for (const button of li.querySelectorAll("button[data-action]")) button.hidden = false;
    const known = list.querySelector(`li[data-message-id="${id}"]`);
    if (known) {
      li.classList.toggle("seen", known.classList.contains("seen"));
      known.replaceWith(li);
      remember(id);
      return false;
    }
    const bubble = li.classList.contains("mine") ? byClientId(li.dataset.clientId) : null;
    if (bubble) bubble.remove();
    let before = null;
    for (const other of list.querySelectorAll("li[data-message-id]")) {
      if (Number(other.dataset.messageId) > id) {
        before = other;
        break;
      }
    }
    list.insertBefore(li, before || list.querySelector("li.pending, li.failed"));
    remember(id);
    return !bubble;
  }

  // The fragment's items placed; how many were new to this page.
  function show(html) {
    const holder = document.createElement("template");
    holder.innerHTML = html;
    const stick = nearBottom();
    const items = [...holder.content.querySelectorAll("li[data-message-id]")];
    let added = 0;
    let mine = false;
    for (const li of items) {
      if (place(li)) added += 1;
      mine = mine || li.classList.contains("mine");
    }
    // my own message, or anything while the reader is at the bottom, keeps the end in view
    if (items.length && (stick || (added && mine))) scrollToBottom();
    return added;
  }

  // Everything after the newest message held, page by page (one catch-up at a time: see
  // coalesced).
  const sync = coalesced(async () => {
    for (let guard = 0; guard < 50; guard += 1) {
      const data = await api("GET", `${base}?after_id=${lastId}&limit=${PAGE}`);
      show(data.html);
      if (!data.has_more) break;
    }
  });

  // The newest page again (after the server's queue was away, a gap may lie anywhere).
  async function reload() {
    show((await api("GET", `${base}?limit=${PAGE}`)).html);
    await sync();
  }

  // One message again, as stored now (edited or deleted).
  async function refresh(id) {
    if (!ids.has(id)) return;
    show((await api("GET", `${base}/${id}`)).html);
  }

  async function loadOlder() {
    if (!hasMore || loadingOlder || !firstId) return;
    loadingOlder = true;
    try {
      const data = await api("GET", `${base}?before_id=${firstId}&limit=50`);
      const height = list.scrollHeight;
      const top = list.scrollTop;
      show(data.html);
      hasMore = data.has_more;
      list.scrollTop = top + (list.scrollHeight - height);
      const older = root.querySelector("[data-older]");
      if (older && !hasMore) older.parentElement.remove();
    } finally {
      loadingOlder = false;
    }
  }

  // -- a message being sent ------------------------------------------------------------

  const timeFormat = new Intl.DateTimeFormat(`${document.documentElement.lang || "ar"}-u-nu-latn`, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: root.dataset.timezone || undefined,
  });
  const statusLabel = { pending: labels.labelPending, failed: labels.labelFailed };

  function bubble(clientId, body) {
    const li = prototype.cloneNode(true);
    li.dataset.clientId = clientId;
    li.querySelector(".body").textContent = body;
    li.dataset.time = timeFormat.format(new Date());
    list.append(li);
    scrollToBottom();
    return li;
  }

  // "Sending…", "Not sent — tap to retry", or stored (the ✓ shows until its markup arrives)
  function mark(li, status, id) {
    li.classList.remove("pending", "failed");
    if (id) {
      li.dataset.messageId = String(id);
      li.classList.add("sent");
      ids.add(id);
    } else {
      li.classList.add(status);
    }
    li.querySelector("[data-meta]").textContent = [li.dataset.time, id ? "" : statusLabel[status]]
      .filter(Boolean)
      .join(" · ");
  }

  function adopt() {
    for (const li of list.querySelectorAll("li[data-message-id]")) remember(Number(li.dataset.messageId));
    for (const button of list.querySelectorAll("button[data-action]")) button.hidden = false;
    scrollToBottom();
  }

  return {
    list,
    adopt,
    has: (id) => ids.has(id),
    get lastId() {
      return lastId;
    },
    sync,
    reload,
    refresh,
    loadOlder,
    bubble,
    mark,
  };
}
