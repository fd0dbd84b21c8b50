// The open feed hears new offers matching its filters (offer_new) and drops ended ones
// (offer_closed) without a reload; "Near me" fills the near filter from the phone's position.
import { api, connect } from "/static/js/realtime.js";

const section = document.querySelector(".offers-feed");
const list = section && section.querySelector("[data-feed]");
const ended = new Set(); // offers closed while their card was on its way

// A new offer's card as the server renders it for the feed (offers/_card.html), fetched under
// the offer page's visibility rules: the page never builds one itself.
async function addOffer(id) {
  const has = () => list.querySelector(`[data-offer-id="${id}"]`);
  if (!list || !Number.isInteger(id) || has()) return;
  let data;
  try {
    data = await api("GET", `/offers/${id}/card`);
  } catch {
    return; // gone or hidden since: a reload shows the feed as it is
  }
  const holder = document.createElement("template");
  holder.innerHTML = data.html; // the server's markup: the offer's words are escaped there
  const card = holder.content.querySelector("[data-offer-id]");
  if (card && !has() && !ended.has(id)) list.prepend(card);
}

function removeOffer(id) {
  ended.add(id);
  const card = list && list.querySelector(`[data-offer-id="${id}"]`);
  if (card) card.remove();
}

if (section) {
  const socket = connect("/offers");
  if (socket) {
    const filters = JSON.parse(section.dataset.filters || "{}");
    const watch = () =>
      socket.emit("feed_watch", { filters }, (ack) => {
        if (ack && ack.ok) section.dataset.live = "on";
      });
    socket.on("connect", watch);
    socket.on("offer_new", (data) => {
      const params = new URLSearchParams(location.search);
      if (params.get("q") || params.get("audience") || params.get("near")) return; // reload shows them
      addOffer(data.offer && data.offer.id);
    });
    socket.on("offer_closed", (data) => removeOffer(data.id));
  }
  const near = section.querySelector("[data-near-me]");
  if (near && navigator.geolocation) {
    near.hidden = false;
    near.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition((pos) => {
        const form = section.querySelector(".offers-filters");
        form.querySelector("[data-near]").value = `${pos.coords.latitude.toFixed(3)},${pos.coords.longitude.toFixed(3)}`;
        form.submit();
      });
    });
  }
}
