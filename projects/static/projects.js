// Live project page: watch the project on /projects and apply milestone, activity and
// progress changes without a reload. The page works without this module.
import { connect } from "/static/js/realtime.js";

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
  if (bar) { bar.value = value; bar.textContent = `${value}%`; }
  if (text) text.textContent = `${value}%`;
}

const STATES = ["planned", "in_progress", "done", "cancelled", "overdue"];
const STATE_ICONS = {
  planned: "circle",
  in_progress: "hourglass-split",
  done: "check-circle-fill",
  cancelled: "x-circle",
  overdue: "exclamation-triangle-fill",
};

function percent(value) {
  return `${Number(value.toFixed(2))}%`;
}

// The milestone's row of the timeline table: its state (class, icon, word) and the progress
// fill of each cell (``data-bar``: the share of the bar the cell holds, and where, in %).
function updateTimelineRow(m) {
  const rtl = document.documentElement.dir === "rtl";
  const state = m.overdue ? "overdue" : m.status;
  root.querySelectorAll(`tr[data-kind="milestone"][data-id="${m.id}"]`).forEach((row) => {
    STATES.forEach((s) => row.classList.toggle(`is-${s}`, s === state));
    const icon = row.querySelector('[data-field="tl-status"] .bi');
    if (icon) icon.className = `bi bi-${STATE_ICONS[state] || "circle"}`;
    const text = row.querySelector('[data-field="tl-status-text"]');
    if (text) {
      const open = !["done", "cancelled"].includes(state) && m.effective_progress > 0;
      text.textContent = label(state) + (open ? ` · ${m.effective_progress}%` : "");
    }
    row.querySelectorAll("rect.fill[data-bar]").forEach((fill) => {
      const [f0, f1, p0, p1] = fill.dataset.bar.split(" ").map(Number);
      const low = fill.dataset.first === "1" ? p0 : -10;
      const high = fill.dataset.last === "1" ? p1 : 110;
      const share = m.effective_progress;
      let end = low;
      if (share >= f1) end = high;
      else if (share > f0) end = p0 + ((share - f0) / (f1 - f0)) * (p1 - p0);
      fill.setAttribute("width", percent(end - low));
      fill.setAttribute("x", percent(rtl ? 100 - end : low));
    });
  });
}

function field(item, name) {
  return item.querySelector(`[data-field="${name}"]`);
}

function newMilestoneItem(m) {
  const li = document.createElement("li");
  li.id = `milestone-${m.id}`;
  li.dataset.milestoneId = String(m.id);
  const head = document.createElement("div");
  head.className = "milestone-head";
  const title = document.createElement("strong");
  title.dir = "auto";
  title.dataset.field = "title";
  const status = document.createElement("span");
  status.className = "badge status";
  status.dataset.field = "status";
  const overdue = document.createElement("span");
  overdue.className = "flag overdue-flag";
  overdue.dataset.field = "overdue";
  overdue.textContent = label("overdue");
  const soon = document.createElement("span");
  soon.className = "flag due-soon-flag";
  soon.dataset.field = "due_soon";
  soon.textContent = label("due-soon");
  head.append(title, " ", status, " ", overdue, " ", soon);
  const dates = document.createElement("p");
  dates.className = "muted";
  const due = document.createElement("span");
  due.dataset.field = "due_on";
  dates.append(due);
  const prog = document.createElement("p");
  prog.className = "milestone-progress";
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.dataset.field = "progress";
  const text = document.createElement("span");
  text.dataset.field = "progress-text";
  prog.append(bar, " ", text);
  li.append(head, dates, prog);
  const list = root.querySelector("#milestones");
  const empty = list.querySelector(".empty");
  if (empty) empty.remove();
  list.append(li);
  return li;
}

function applyMilestone(m) {
  let item = root.querySelector(`#milestone-${m.id}`);
  if (m.deleted) {
    if (item) item.remove();
    return;
  }
  if (!item) item = newMilestoneItem(m);
  item.className = ["milestone", m.status, m.overdue ? "overdue" : "", m.due_soon ? "due-soon" : ""]
    .filter(Boolean).join(" ");
  const title = field(item, "title");
  if (title) title.textContent = m.title;
  const status = field(item, "status");
  if (status) status.textContent = label(m.status);
  const due = field(item, "due_on");
  if (due) {
    // the same day style as the page (the server's medium date), in the page's language
    const day = new Date(`${m.due_on}T12:00:00`);
    due.textContent = day.toLocaleDateString(document.documentElement.lang || undefined, {
      day: "numeric",
      month: "short",
      year: "numeric",
    });
  }
  const bar = field(item, "progress");
  if (bar) { bar.value = m.effective_progress; bar.textContent = `${m.effective_progress}%`; }
  const text = field(item, "progress-text");
  if (text) text.textContent = `${m.effective_progress}%`;
  const weight = field(item, "weight");
  if (weight) weight.textContent = String(m.weight);
  const overdue = field(item, "overdue");
  if (overdue) overdue.hidden = !m.overdue;
  const soon = field(item, "due_soon");
  if (soon) soon.hidden = !m.due_soon;
  updateTimelineRow(m);
  item.classList.add("live-updated");
  announce(`${label("updated")}: ${m.title} — ${label(m.status)} ${m.effective_progress}%`);
}

function applyActivity(a) {
  let item = root.querySelector(`#activity-${a.id}`);
  if (a.deleted) {
    if (item) item.remove();
    return;
  }
  if (!item) {
    item = document.createElement("li");
    item.id = `activity-${a.id}`;
    item.className = "activity";
    item.dataset.activityId = String(a.id);
    const title = document.createElement("strong");
    title.dir = "auto";
    title.dataset.field = "title";
    const when = document.createElement("time");
    when.dataset.field = "starts_at";
    const place = document.createElement("span");
    place.dir = "auto";
    place.dataset.field = "location";
    item.append(title, " ", when, " ", place);
    const list = root.querySelector("#activities");
    const empty = list.querySelector(".empty");
    if (empty) empty.remove();
    list.append(item);
  }
  const title = field(item, "title");
  if (title) title.textContent = a.title;
  const when = field(item, "starts_at");
  if (when) {
    when.dateTime = a.starts_at;
    when.textContent = new Date(a.starts_at).toLocaleString(document.documentElement.lang || undefined);
  }
  const place = field(item, "location");
  if (place) place.textContent = a.location || ""; // the "·" before it comes from the CSS
  item.classList.add("live-updated");
  announce(`${label("updated")}: ${a.title}`);
}

if (root && projectId) {
  const socket = connect("/projects");
  if (socket) {
    const watch = () => socket.emit("project_watch", { project_id: projectId }, (ack) => {
      if (ack && ack.ok) {
        root.dataset.live = "on";
        if (ack.project) setProgress(ack.project.progress);
      }
    });
    socket.on("connect", watch);
    socket.on("milestone_updated", (data) => {
      if (!data || !data.milestone || data.milestone.project_id !== projectId) return;
      applyMilestone(data.milestone);
      if (typeof data.progress === "number") setProgress(data.progress);
    });
    socket.on("activity_updated", (data) => {
      if (data && data.activity && data.activity.project_id === projectId) applyActivity(data.activity);
    });
    socket.on("project_updated", (data) => {
      if (data && data.project && data.project.id === projectId) setProgress(data.project.progress);
    });
  }
}
