// The header's unread-messages badge, live on every page (the chat page keeps it itself).
import { connect } from "/static/js/realtime.js";

const badges = [...document.querySelectorAll("[data-chat-unread]")];
const me = Number(document.body.dataset.userId || 0);
if (badges.length && me && !document.querySelector("[data-chat]")) {
  const socket = connect("/chat");
  const set = (count) => {
    for (const badge of badges) {
      badge.textContent = String(Math.max(0, count));
      badge.hidden = count <= 0;
    }
  };
  if (socket) {
    socket.on("message_new", ({ message }) => {
      if (message.sender_id !== me) set((parseInt(badges[0].textContent, 10) || 0) + 1);
    });
    socket.on("read", (data) => {
      if (data.user_id === me && typeof data.unread_total === "number") set(data.unread_total);
    });
  }
}
