// The header's unread-messages badge, live on every page (the chat page keeps it itself).
import { setBadge } from "/static/js/badge.js";
import { connect } from "/static/js/realtime.js";

const badges = [...document.querySelectorAll("[data-chat-unread]")];
const me = Number(document.body.dataset.userId || 0);
if (badges.length && me && !document.querySelector("[data-chat]")) {
  const socket = connect("/chat");
  const set = (count) => setBadge(badges, count);
  if (socket) {
    // Pushes are at-most-once, so the figure comes from the server: on every (re)connect (a
    // message sent before this socket was up still counts) and on each new message. Only the
    // answer to the latest request is shown, whatever order the answers arrive in.
    let latest = 0;
    const refresh = async () => {
      const mine = ++latest;
      try {
        const response = await fetch("/api/v1/conversations/unread", { credentials: "same-origin" });
        const body = response.ok ? await response.json() : null;
        if (body && mine === latest) set(body.unread_total);
      } catch {
        // offline: the next connect corrects it
      }
    };
    socket.on("connect", refresh);
    socket.on("message_new", ({ message }) => {
      if (message.sender_id !== me) {
        refresh();
        // and once more a moment later: under load an answer can leave before the newest
        // message is visible to it, and no other push may come to correct the figure
        setTimeout(refresh, 1500);
      }
    });
    socket.on("read", (data) => {
      if (data.user_id === me && typeof data.unread_total === "number") {
        latest += 1; // an answer already on its way is older than this figure
        set(data.unread_total);
      }
    });
  }
}
