// Ask before a destructive action: a form[data-confirm] submits only after "Confirm" in the
// page's dialog (macros/confirm.html). Without JavaScript the form posts directly; the server
// enforces permissions either way. Other modules call ask(question) for actions without a form.

const dialog = document.querySelector("[data-confirm-dialog]");

export function ask(question) {
  if (!dialog) return Promise.resolve(window.confirm(question));
  dialog.querySelector("[data-confirm-text]").textContent = question;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}

// Capture on window: runs before ui.js, whose busy spinner skips a prevented submit.
window.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (form.dataset.confirmed === "yes") return;
  event.preventDefault();
  const submitter = event.submitter;
  if (await ask(form.dataset.confirm)) {
    form.dataset.confirmed = "yes";
    form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
  }
}, true);
