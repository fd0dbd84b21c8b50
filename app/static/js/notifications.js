// Live unread count of in-app notifications in the page header.
import { connect } from "./realtime.js";

const badge = document.querySelector("[data-notification-count]");
const socket = connect("/notifications");
if (socket && badge) {
  socket.on("notification_new", () => {
    const count = (parseInt(badge.textContent, 10) || 0) + 1;
    badge.textContent = String(count);
    badge.hidden = false;
  });
}
