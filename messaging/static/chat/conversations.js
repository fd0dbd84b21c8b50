// The conversation list beside the chat: the server's markup (messaging/_conversation.html),
// fetched again when a conversation starts, changes or ends; a new message moves its item to
// the top with its preview and unread count.
import { addToBadge, setBadge } from "/static/js/badge.js";
import { api } from "/static/js/realtime.js";

export function conversationList({ currentId, labels, navBadges }) {
  const container = document.querySelector("[data-conversation-list]");

  async function refresh() {
    if (!container) return;
    let data;
    try {
      data = await api("GET", `/chat/list?current=${currentId || ""}`);
    } catch (_error) {
      return; // offline: the next connect refreshes it
    }
    container.innerHTML = data.html;
    setBadge(navBadges, data.unread_total);
  }

  function update(message, { unreadDelta = 0 } = {}) {
    const item = container && container.querySelector(`[data-conversation="${message.conversation_id}"]`);
    if (!item) {
      refresh();
      return;
    }
    const preview = item.querySelector("[data-preview]");
    if (preview) {
      const text = document.createElement("template");
      text.innerHTML = message.body_html || "";
      preview.textContent = message.deleted ? labels.labelDeleted : (text.content.textContent || "").trim().slice(0, 140);
    }
    if (unreadDelta) addToBadge(item.querySelector("[data-unread]"), unreadDelta);
    const parent = item.parentElement;
    if (parent && parent.firstElementChild !== item) parent.prepend(item);
  }

  // what the user just read (in any of their tabs)
  function read(conversationId, unreadCount) {
    const badge = container && container.querySelector(`[data-conversation="${conversationId}"] [data-unread]`);
    if (badge && unreadCount !== undefined) setBadge(badge, unreadCount);
  }

  return { refresh, update, read };
}
