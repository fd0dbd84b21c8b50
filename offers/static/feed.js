// The open feed hears new offers matching its filters (offer_new) and drops ended ones
// (offer_closed) without a reload; "Near me" fills the near filter from the phone's position.
import { connect } from "/static/js/realtime.js";

const section = document.querySelector(".offers-feed");
const list = section && section.querySelector("[data-feed]");
const template = document.getElementById("offer-new-template");

function addOffer(offer) {
  if (!list || !template || list.querySelector(`[data-offer-id="${offer.id}"]`)) return;
  const card = template.content.firstElementChild.cloneNode(true);
  card.dataset.offerId = offer.id;
  card.querySelector("[data-type]").textContent = offer.support_type_label;
  const link = card.querySelector("[data-title]");
  link.textContent = offer.title;
  link.href = `/offers/${offer.id}`;
  card.querySelector("[data-places]").textContent = offer.area_hint || "";
  list.prepend(card);
}

function removeOffer(id) {
  const card = list && list.querySelector(`[data-offer-id="${id}"]`);
  if (card) card.remove();
}

if (section) {
  const socket = connect("/offers");
  if (socket) {
    const filters = JSON.parse(section.dataset.filters || "{}");
    const watch = () => socket.emit("feed_watch", { filters });
    socket.on("connect", watch);
    socket.on("offer_new", (data) => {
      const params = new URLSearchParams(location.search);
      if (params.get("q") || params.get("audience") || params.get("near")) return; // reload shows them
      addOffer(data.offer);
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
