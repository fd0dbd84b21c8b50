// Shared Socket.IO connection helper for the pages' modules (the client comes from npm,
// served from /static/vendor). The browser's session cookie authenticates the socket.
export function connect(namespace) {
  if (!window.io) return null;
  return window.io(namespace, { transports: ["websocket", "polling"], withCredentials: true });
}

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// JSON fetch with the CSRF header the server expects on cookie-authenticated writes.
export async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error((data && data.error && data.error.message) || response.statusText);
    error.status = response.status;
    error.payload = data;
    throw error;
  }
  return data;
}

// One run of ``run`` at a time: calls made while it runs fold into one more run after it, so
// a burst of pushes costs two fetches, and the last one sees everything. Returns a function
// that starts (or joins) a run and gives its promise.
export function coalesced(run) {
  let running = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await run();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}
