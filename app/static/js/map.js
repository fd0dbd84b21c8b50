// The map of a place (templates/macros/map.html): Leaflet, loaded before this module by the
// same macro, draws each [data-map] box with one marker. The box stays hidden when Leaflet is
// missing, so a page without it still shows the address and the "Open in a map" link.
// The wheel does not zoom (a phone's or a laptop's scroll passes over the map), the zoom
// buttons speak the page's language and sit on the reading side (top right in Arabic).

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** The tiles' credit as the HTML Leaflet's attribution control takes (settings, escaped). */
function credit(data) {
  if (!data.attribution) return "";
  if (!data.attributionUrl) return escapeHtml(data.attribution);
  return `<a href="${escapeHtml(data.attributionUrl)}" rel="noopener noreferrer">${escapeHtml(data.attribution)}</a>`;
}

function draw(box, L) {
  const data = box.dataset;
  const place = [Number(data.lat), Number(data.lng)];
  if (!place.every(Number.isFinite)) return;
  const rtl = getComputedStyle(box).direction === "rtl";
  box.hidden = false; // before the map is made: Leaflet measures its box
  const map = L.map(box, {
    center: place,
    zoom: Number(data.zoom) || 13,
    zoomControl: false,
    attributionControl: false,
    scrollWheelZoom: false,
  });
  L.control
    .zoom({
      position: rtl ? "topright" : "topleft",
      zoomInTitle: data.zoomIn,
      zoomOutTitle: data.zoomOut,
    })
    .addTo(map);
  // Leaflet's own credit without its default flag: an inline <svg> the page checks refuse
  L.control
    .attribution({
      position: rtl ? "bottomleft" : "bottomright",
      prefix: '<a href="https://leafletjs.com" rel="noopener noreferrer">Leaflet</a>',
    })
    .addTo(map);
  if (data.tiles) {
    L.tileLayer(data.tiles, { attribution: credit(data), maxZoom: 19 }).addTo(map);
  }
  // Not focusable: it opens nothing. Its picture is named for screen readers.
  L.marker(place, { title: data.label, alt: data.label, keyboard: false }).addTo(map);
}

const L = window.L;
if (L) {
  for (const box of document.querySelectorAll("[data-map]")) draw(box, L);
}
