// Live project page: watch the project on /projects; when a milestone, an activity or the
// project changes, fetch the page's live parts as the server draws them (progress, timeline,
// milestones, activities: GET /projects/<id>/live) and put them in place. The page works
// without this module; nothing here builds an item's markup.
import { api, coalesced, connect } from "/static/js/realtime.js";

const root = document.querySelector("article.project[data-project-id]");
const projectId = root ? Number(root.dataset.projectId) : 0;

function label(key) {
  return (root && root.getAttribute(`data-label-${key}`)) || key;
}

function announce(text) {
  const status = root.querySelector("[data-live-status]");
  if (status) status.textContent = text;
}

function setProgress(value) {
  const bar = root.querySelector("[data-project-progress]");
  const text = root.querySelector("[data-project-progress-text]");
  if (bar) {
    bar.value = value;
    bar.textContent = `${value}%`;
  }
  if (text) text.textContent = `${value}%`;
}

// An item's edit form that is open keeps what the editor is typing: the new item takes the
// open <details> in place of its own (the server answers 409 if the milestone moved on).
// An item marked as changed live keeps its mark through later refreshes.
function carryOver(current, fresh) {
  for (const open of current.querySelectorAll(":scope > li[id] > details[open]")) {
    const twin = fresh.querySelector(`#${CSS.escape(open.parentElement.id)} > details.${open.classList[0]}`);
    if (twin) twin.replaceWith(open);
  }
  for (const marked of current.querySelectorAll(":scope > li.live-updated[id]")) {
    const twin = fresh.querySelector(`#${CSS.escape(marked.id)}`);
    if (twin) twin.classList.add("live-updated");
  }
}

function replacePart(name, html) {
  const current = root.querySelector(`[data-live-part="${name}"]`);
  if (!current) return;
  const holder = document.createElement("template");
  holder.innerHTML = html;
  if (name === "timeline") {
    // the months stay scrolled where the reader left them
    const scroller = current.querySelector("[data-timeline]");
    const left = scroller ? scroller.scrollLeft : 0;
    current.replaceChildren(holder.content);
    const again = current.querySelector("[data-timeline]");
    if (again && scroller) again.scrollLeft = left;
    return;
  }
  carryOver(current, holder.content);
  current.replaceChildren(holder.content);
}

// The live parts again (one refresh at a time: see coalesced); the items a push named keep
// the live mark.
const changed = new Set();
const refresh = coalesced(async () => {
  try {
    const data = await api("GET", `/projects/${projectId}/live`);
    const ids = [...changed];
    changed.clear();
    setProgress(data.progress);
    replacePart("timeline", data.parts.timeline);
    replacePart("milestones", data.parts.milestones);
    replacePart("activities", data.parts.activities);
    for (const id of ids) {
      const item = root.querySelector(`#${id}`);
      if (item) item.classList.add("live-updated");
    }
  } catch (_error) {
    /* offline: the next push or reconnect refreshes */
  }
});

if (root && projectId) {
  const socket = connect("/projects");
  if (socket) {
    let watched = false;
    const watch = () =>
      socket.emit("project_watch", { project_id: projectId }, (ack) => {
        if (!ack || !ack.ok) return;
        root.dataset.live = "on";
        if (watched) refresh(); // back after a cut: what changed meanwhile
        watched = true;
      });
    socket.on("connect", watch);
    socket.on("milestone_updated", (data) => {
      if (!data || !data.milestone || data.milestone.project_id !== projectId) return;
      const m = data.milestone;
      if (!m.deleted) changed.add(`milestone-${m.id}`);
      announce(`${label("updated")}: ${m.title} — ${label(m.status)} ${m.effective_progress}%`);
      refresh();
    });
    socket.on("activity_updated", (data) => {
      if (!data || !data.activity || data.activity.project_id !== projectId) return;
      if (!data.activity.deleted) changed.add(`activity-${data.activity.id}`);
      announce(`${label("updated")}: ${data.activity.title}`);
      refresh();
    });
    socket.on("project_updated", (data) => {
      if (data && data.project && data.project.id === projectId) refresh();
    });
  }
}
