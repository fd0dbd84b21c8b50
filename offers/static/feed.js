// The open feed hears new offers matching its filters (offer_new) and drops ended ones
// (offer_closed) without a reload; "Near me" fills the near filter from the phone's position.
import { connect } from "/static/js/realtime.js";

const section = document.querySelector(".offers-feed");
const list = section && section.querySelector("[data-feed]");
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

// A new offer's card, built with textContent only (the offer's words are never HTML).
function addOffer(offer) {
  if (!list || list.querySelector(`[data-offer-id="${offer.id}"]`)) return;
  const card = element("li", "card offer-card offer-fresh");
  card.dataset.offerId = offer.id;
  const body = element("div", "card-body");
  const type = element("p", "offer-type");
  type.append(element("span", "badge badge-new", section.dataset.newLabel), " ", offer.support_type_label);
  const title = element("h2", "card-title");
  const link = element("a", "", offer.title);
  link.dir = "auto";
  link.href = `/offers/${offer.id}`;
  title.append(link);
  const place = element("p", "offer-meta muted", offer.area_hint || "");
  place.dir = "auto";
  body.append(type, title, place);
  card.append(body);
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
