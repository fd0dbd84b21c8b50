// Design-system behaviour shared by every page (docs/ui.md).
// Buttons with progress: while a form submits, its submit button is disabled and shows a
// spinner, so a second tap does not send twice. Scripts that send with fetch() use busy().

const SPINNER = '<span class="spinner-border" aria-hidden="true"></span>';

/** Mark ``button`` busy (disabled, spinner) until ``promise`` settles; returns the promise. */
export function busy(button, promise) {
  if (!button) return promise;
  start(button);
  return Promise.resolve(promise).finally(() => stop(button));
}

export function start(button) {
  if (button.getAttribute("aria-busy") === "true") return;
  button.setAttribute("aria-busy", "true");
  button.insertAdjacentHTML("afterbegin", SPINNER);
  // After the browser has read the form (a disabled submitter would not be sent).
  setTimeout(() => { button.disabled = true; }, 0);
  // A response that does not leave the page (a download, a server that never answers)
  // must not leave the button dead.
  setTimeout(() => stop(button), 20000);
}

export function stop(button) {
  button.removeAttribute("aria-busy");
  button.disabled = false;
  button.querySelector(":scope > .spinner-border")?.remove();
}

document.addEventListener("submit", (event) => {
  // A script that handles the form itself (preventDefault) shows its own progress with busy().
  if (event.defaultPrevented) return;
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.hasAttribute("data-no-busy")) return;
  const button = event.submitter || form.querySelector("[type=submit]");
  if (button && button.classList.contains("btn")) start(button);
});

// Back/forward cache: a page restored from history must not keep spinning buttons.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) document.querySelectorAll('.btn[aria-busy="true"]').forEach(stop);
});

// Sign-up: the person's time zone, as their browser knows it ("Africa/Casablanca"), so that
// times are shown in their zone from the first page; they can change it in the settings.
document.querySelectorAll("input[data-browser-timezone]").forEach((input) => {
  if (input.value) return;
  try {
    input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    // an old browser: the platform's zone applies
  }
});
