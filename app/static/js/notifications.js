// Live unread count of in-app notifications in the page header.
import { addToBadge } from "./badge.js";
import { connect } from "./realtime.js";

const badge = document.querySelector("[data-notification-count]");
const socket = connect("/notifications");
if (socket && badge) {
  socket.on("notification_new", () => addToBadge(badge, 1));
}
