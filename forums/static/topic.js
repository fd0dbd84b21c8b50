// Live topic: new replies and edits appear without reloading (namespace /forums).
// Post HTML comes from the server, sanitized by render_markdown(); names go in as text.
import { avatar } from "/static/js/avatar.js";
import { connect, api } from "/static/js/realtime.js";

const container = document.getElementById("posts");
const status = document.getElementById("live-status");

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderPost(post) {
  const article = el("article", {
    class: "post card live",
    id: `post-${post.number}`,
    "data-post-id": String(post.id),
    "data-number": String(post.number),
  });
  const head = el("header", { class: "post-head" });
  const author = el("a", { class: "post-author", href: `/users/${post.author.id}` });
  author.append(avatar(post.author.display_name, post.author.avatar_url), el("bdi", {}, post.author.display_name));
  head.append(author);
  head.append(el("a", { class: "post-number muted", href: `#post-${post.number}` }, `#${post.number}`));
  head.append(el("time", { class: "muted", datetime: post.created_at }, post.created_at.slice(0, 16).replace("T", " ")));
  article.append(head);
  if (post.quote && post.quote.post_id) {
    const quote = el("blockquote", { class: "quote" });
    quote.append(el("p", { class: "muted", dir: "auto" }, `${post.quote.author.display_name}:`));
    quote.append(el("p", { dir: "auto" }, post.quote.excerpt));
    article.append(quote);
  }
  article.append(bodyOf(post));
  return article;
}

function bodyOf(post) {
  if (!post.body_html) {
    return el("p", { class: "muted placeholder" }, post.deleted ? "—" : "…");
  }
  const body = el("div", { class: "user-content post-body", dir: "auto" });
  body.innerHTML = post.body_html; // sanitized server-side (nh3)
  return body;
}

function lastNumber() {
  return Number(container.dataset.lastNumber || "0");
}

function onLastPage() {
  return Number(container.dataset.page) >= Number(container.dataset.pages);
}

function addPost(post) {
  if (document.querySelector(`[data-post-id="${post.id}"]`)) return;
  if (post.number > lastNumber()) container.dataset.lastNumber = String(post.number);
  if (onLastPage()) {
    container.append(renderPost(post));
  } else {
    status.textContent = `+ #${post.number}`;
  }
}

function updatePost(post) {
  const article = document.querySelector(`[data-post-id="${post.id}"]`);
  if (!article) return;
  const old = article.querySelector(".post-body, .placeholder");
  if (old) old.replaceWith(bodyOf(post));
  for (const reaction of post.reactions || []) {
    const count = article.querySelector(`.reaction[value="${reaction.kind}"] .count`);
    if (count) count.textContent = reaction.count ? String(reaction.count) : "";
  }
}

if (container) {
  const topicId = Number(container.dataset.topicId);
  const socket = connect("/forums");
  if (socket) {
    socket.on("connect", async () => {
      socket.emit("topic_watch", { topic_id: topicId }, (answer) => {
        container.dataset.live = answer && answer.ok ? "on" : "off";
      });
      // Catch up on what was posted while disconnected ("after number N").
      try {
        const missed = await api("GET", `/api/v1/topics/${topicId}/posts?after_number=${lastNumber()}`);
        for (const post of missed.items) addPost(post);
      } catch (error) {
        status.textContent = error.message;
      }
    });
    socket.on("post_new", ({ post }) => { if (post.topic_id === topicId) addPost(post); });
    socket.on("post_updated", ({ post }) => { if (post.topic_id === topicId) updatePost(post); });
  }
}
