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
