// The chat's people picker and its phone layout. An ES module, no bundler.
// - people picker: the usernames field suggests people (display name and username) as you type,
//   from GET /chat/people?q=, only people you may message; the form still works without it.
// - full-height chat: --chat-offset is the space above the chat (the page header) and
//   --chat-viewport the visible height (it shrinks when the on-screen keyboard opens), so the
//   composer stays pinned above the keyboard.

const form = document.querySelector("form[data-people-picker]");
if (form) {
  const input = form.querySelector('input[name="usernames"]');
  const list = form.querySelector("datalist");
  let timer = 0;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });

  async function suggest() {
    const parts = input.value.split(",");
    const term = parts[parts.length - 1].trim();
    if (term.length < 2 || term === asked) return;
    asked = term;
    const url = `${form.dataset.peoplePicker}?q=${encodeURIComponent(term)}`;
    let people = [];
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      people = (await response.json()).people || [];
    } catch {
      return;
    }
    const head = parts.slice(0, -1).map((p) => p.trim()).filter(Boolean);
    list.replaceChildren(
      ...people.map((person) => {
        const option = document.createElement("option");
        option.value = [...head, person.username].join(", ");
        option.label = `${person.display_name} (@${person.username})`;
        option.textContent = option.label;
        return option;
      }),
    );
  }
}

const chat = document.querySelector("[data-chat]");
if (chat) {
  const root = document.documentElement;
  const fit = () => {
    const viewport = window.visualViewport;
    const height = viewport ? viewport.height : window.innerHeight;
    root.style.setProperty("--chat-viewport", `${Math.round(height)}px`);
    const top = chat.getBoundingClientRect().top + window.scrollY;
    root.style.setProperty("--chat-offset", `${Math.max(0, Math.round(top))}px`);
  };
  fit();
  window.addEventListener("resize", fit);
  if (window.visualViewport) window.visualViewport.addEventListener("resize", fit);
}
