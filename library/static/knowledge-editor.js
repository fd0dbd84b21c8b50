// The knowledge editor: the title and the text box follow the writing direction chosen, so
// mixed Arabic and French text is seen as it will read. Without JavaScript the choice is
// still saved and applied on the next page.
for (const group of document.querySelectorAll("[data-direction-toggle]")) {
  const form = group.closest("form");
  const targets = form.querySelectorAll("[data-direction-target], #kp-title");
  group.addEventListener("change", (event) => {
    if (event.target.name !== "direction") return;
    for (const target of targets) target.setAttribute("dir", event.target.value);
  });
}
