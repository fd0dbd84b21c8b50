// The composer: shows the offer or the blood-request fields, and checks the rules as the
// person writes (POST /api/v1/offers/check, nothing stored), so they read why before posting.
import { api } from "/static/js/realtime.js";

const form = document.querySelector("[data-offer-form]");
const panel = form && form.querySelector("[data-rule-hits]");

function kind() {
  const checked = form.querySelector('input[name="kind"]:checked');
  return checked ? checked.value : "offer";
}

function showKind() {
  for (const part of form.querySelectorAll("[data-kind]")) part.hidden = part.dataset.kind !== kind();
}

function body() {
  const data = new FormData(form);
  const number = (name) => (data.get(name) ? Number(data.get(name)) : undefined);
  const text = (name) => (data.get(name) || "").toString();
  const out = {
    kind: kind(),
    title: text("title"),
    body: text("body"),
    area_hint: text("area_hint"),
    city_id: number("city_id"),
  };
  if (out.kind === "offer") {
    Object.assign(out, {
      support_type: text("support_type") || undefined,
      capacity: number("capacity"),
      free: data.get("free") === "1",
      conditions: { audience: data.getAll("audience"), other: text("conditions_other") },
    });
  } else {
    out.blood = { group: text("blood_group") || undefined, facility: text("facility") };
    out.free = true;
  }
  return out;
}

function render(hits) {
  panel.replaceChildren();
  // Missing fields are said on posting; while typing, only what the text itself breaks.
  const shown = hits.filter((hit) => hit.code !== "MISSING_FIELD");
  if (!shown.length) return;
  const list = document.createElement("ul");
  list.className = "list-plain";
  for (const hit of shown) {
    const item = document.createElement("li");
    item.className = `rule-hit rule-${hit.action}`;
    item.dataset.code = hit.code;
    const icon = document.createElement("i");
    icon.className = `bi bi-${hit.action === "block" ? "x-octagon" : "hourglass-split"}`;
    icon.setAttribute("aria-hidden", "true");
    const box = document.createElement("div");
    const message = document.createElement("p");
    message.className = "mb-1";
    message.textContent = hit.message;
    box.append(message);
    if (hit.excerpt) {
      const excerpt = document.createElement("p");
      excerpt.className = "small muted mb-0";
      const quote = document.createElement("q");
      quote.dir = "auto";
      quote.textContent = hit.excerpt;
      excerpt.append(quote);
      box.append(excerpt);
    }
    item.append(icon, box);
    list.append(item);
  }
  panel.append(list);
}

let timer = null;
let sent = 0;
async function check() {
  const mine = ++sent;
  try {
    const result = await api("POST", "/api/v1/offers/check", body());
    if (mine === sent) render(result.hits);
  } catch (error) {
    // Offline or rate limited: the server checks again on posting.
  }
}

if (form && panel) {
  for (const radio of form.querySelectorAll('input[name="kind"]')) radio.addEventListener("change", showKind);
  form.addEventListener("input", (event) => {
    if (!["title", "body", "area_hint", "conditions_other", "facility"].includes(event.target.name)) return;
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  });
  showKind();
}
