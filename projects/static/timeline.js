// The project page's timeline: on load, scroll the months (inside the figure, never the page)
// so that today's column sits in the middle of what is visible beside the sticky names; a
// finished project opens at its last month, a future one at its first.
// Works from physical boxes, so Arabic (RTL) needs no special case: there the scroll position
// runs from 0 at the start (the right) to negative values, and adding a physical distance to
// scrollLeft moves the view the same way in both directions (the browser clamps it). Without
// this module the table simply opens at the project's first month.

function show(scroller) {
  const months = scroller.querySelectorAll("thead th.tl-month");
  const target = scroller.querySelector("thead th.tl-today")
    || (scroller.dataset.timeline === "after" ? months[months.length - 1] : null);
  if (!target) return;
  const names = scroller.querySelector("thead th.tl-corner");
  const box = scroller.getBoundingClientRect();
  const rtl = getComputedStyle(scroller).direction === "rtl";
  const covered = names ? names.getBoundingClientRect().width : 0;
  // the part of the scroller the months are seen through, beside the sticky name column
  const left = box.left + scroller.clientLeft + (rtl ? 0 : covered);
  const right = box.left + scroller.clientLeft + scroller.clientWidth - (rtl ? covered : 0);
  const column = target.getBoundingClientRect();
  const delta = (column.left + column.right) / 2 - (left + right) / 2;
  if (Math.abs(delta) > 1) scroller.scrollLeft += delta;
}

document.querySelectorAll("[data-timeline]").forEach(show);
