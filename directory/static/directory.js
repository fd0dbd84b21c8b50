// "Near me": the browser's position becomes near=lat,lng and the results sort by distance.
// Without geolocation (or JavaScript) the button stays hidden; the city filter still works.
const button = document.querySelector("[data-near-me]");
const status = document.querySelector("[data-near-status]");

if (button && "geolocation" in navigator) {
  button.hidden = false;
  button.addEventListener("click", () => {
    const form = button.form;
    button.disabled = true;
    status.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const near = `${position.coords.latitude.toFixed(4)},${position.coords.longitude.toFixed(4)}`;
        let field = form.querySelector("input[name=near]");
        if (!field) {
          field = document.createElement("input");
          field.type = "hidden";
          field.name = "near";
          form.append(field);
        }
        field.value = near;
        const sort = form.querySelector("select[name=sort]");
        if (![...sort.options].some((option) => option.value === "distance")) {
          sort.append(new Option("", "distance"));
        }
        sort.value = "distance";
        form.submit();
      },
      () => {
        button.disabled = false;
        status.textContent = button.dataset.denied;
      },
      { timeout: 10000, maximumAge: 600000 },
    );
  });
}

// Filters apply as you tick: the form is sent at each change (the "Apply filters" button stays
// for pages without JavaScript). On a phone the filters live in a drawer (Bootstrap offcanvas).
const facets = document.querySelector(".facets");
if (facets) {
  const apply = facets.querySelector("[data-apply-filters]");
  if (apply) apply.hidden = true;
  facets.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.type === "checkbox") {
      event.target.form.requestSubmit();
    }
  });
}
