// Live topic: new replies and changed posts appear without reloading (namespace /forums).
// A post's markup is always the server's (forums/_post.html, in the reader's language, with
// the actions this reader may take): a push says which post, this module fetches it.
import { api, coalesced, connect } from "/static/js/realtime.js";

const container = document.getElementById("posts");
const status = document.getElementById("live-status");

function lastNumber() {
  return Number(container.dataset.lastNumber || "0");
}

function onLastPage() {
  return Number(container.dataset.page) >= Number(container.dataset.pages);
}

// The fragment's posts in place: a known post is replaced, a new one appended (in number
// order: the fragment comes sorted, and a catch-up only brings numbers above the last held).
function show(html) {
  const holder = document.createElement("template");
  holder.innerHTML = html;
  for (const article of holder.content.querySelectorAll("article[data-post-id]")) {
    const known = container.querySelector(`[data-post-id="${article.dataset.postId}"]`);
    if (known) {
      const open = known.querySelector("details[open]"); // a flag form being filled stays
      if (open) {
        const fresh = article.querySelector(`details.${open.classList[0]}`);
        if (fresh) fresh.replaceWith(open);
      }
      known.replaceWith(article);
    } else {
      article.classList.add("live");
      container.append(article);
    }
  }
}

// Everything after the last post held, page by page (one catch-up at a time: see coalesced).
const catchUp = coalesced(async () => {
  for (let guard = 0; guard < 50; guard += 1) {
    const data = await api("GET", `/topics/${topicId}/items?after_number=${lastNumber()}`);
    if (data.last_number <= lastNumber()) break;
    container.dataset.lastNumber = String(data.last_number);
    if (onLastPage()) show(data.html);
    else status.textContent = `+ #${data.last_number}`;
    if (!data.has_more) break;
  }
});

async function refresh(postId) {
  if (!container.querySelector(`[data-post-id="${postId}"]`)) return;
  show((await api("GET", `/posts/${postId}/item`)).html);
}

const topicId = container ? Number(container.dataset.topicId) : 0;
if (container) {
  const socket = connect("/forums");
  if (socket) {
    const failed = (error) => {
      status.textContent = error.message;
    };
    socket.on("connect", () => {
      socket.emit("topic_watch", { topic_id: topicId }, (answer) => {
        container.dataset.live = answer && answer.ok ? "on" : "off";
      });
      catchUp().catch(failed); // what was posted while disconnected
    });
    socket.on("post_new", ({ post }) => {
      if (post.topic_id === topicId && post.number > lastNumber()) catchUp().catch(failed);
    });
    socket.on("post_updated", ({ post }) => {
      if (post.topic_id === topicId) refresh(post.id).catch(failed);
    });
  }
}
