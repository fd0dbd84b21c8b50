// Who is typing, who has read what (✓✓ on my messages in a direct chat, "Seen by …" under my
// last one in a group) and who is online. Names inside a sentence are each isolated
// (FSI…PDI), so an Arabic name in a French sentence, or the reverse, keeps its order, and
// joined the way the page's language joins a list ("a، b و c").
const TYPING_SHOWN = 4000;
const listFormat = new Intl.ListFormat(document.documentElement.lang || "ar", { type: "conjunction" });

export function nameList(names) {
  return listFormat.format(names.map((name) => `\u2068${name}\u2069`));
}

export function readState(root, { me, list, labels }) {
  const typingLine = root.querySelector("[data-typing]");
  const seenLine = root.querySelector("[data-seen]");
  const names = new Map();
  const lastRead = new Map(); // user_id -> last_read_id
  const typing = new Map(); // user_id -> timer
  let kind = null;

  function render() {
    if (kind === "direct" || kind === "subject") {
      const seen = Math.max(0, ...[...lastRead].filter(([uid]) => uid !== me).map(([, last]) => last || 0));
      for (const li of list.querySelectorAll("li.mine[data-message-id]")) {
        li.classList.toggle("seen", Number(li.dataset.messageId) <= seen);
      }
      return;
    }
    if (!seenLine || kind !== "group") return;
    const mine = [...list.querySelectorAll(`li[data-message-id][data-sender-id="${me}"]`)].pop();
    if (!mine) {
      seenLine.textContent = "";
      return;
    }
    const id = Number(mine.dataset.messageId);
    const readers = [...lastRead].filter(([uid, last]) => uid !== me && last >= id).map(([uid]) => names.get(uid) || "?");
    seenLine.textContent = readers.length ? labels.labelSeen.replace("{names}", nameList(readers)) : "";
  }

  function renderTyping() {
    if (!typingLine) return;
    const who = [...typing.keys()].map((uid) => names.get(uid) || "…");
    typingLine.textContent = who.length ? labels.labelTyping.replace("{name}", nameList(who)) : "";
  }

  return {
    render,
    // the conversation's details: its kind, its members' names and read marks
    know(detail) {
      kind = detail.kind;
      for (const m of detail.members) {
        names.set(m.user_id, m.display_name);
        lastRead.set(m.user_id, m.last_read_id);
      }
      render();
    },
    read(userId, lastReadId) {
      lastRead.set(userId, Math.max(lastRead.get(userId) || 0, lastReadId));
      render();
    },
    typing(userId) {
      clearTimeout(typing.get(userId));
      typing.set(
        userId,
        setTimeout(() => {
          typing.delete(userId);
          renderTyping();
        }, TYPING_SHOWN),
      );
      renderTyping();
    },
    stoppedTyping(userId) {
      clearTimeout(typing.get(userId));
      if (typing.delete(userId)) renderTyping();
    },
  };
}

// Every presence dot for a person (the list, the header) takes their state.
export function showPresence(userId, online, labels) {
  for (const dot of document.querySelectorAll(`[data-presence="${userId}"]`)) {
    dot.classList.toggle("online", online);
    dot.title = online ? labels.labelOnline : labels.labelOffline;
  }
}

// On every (re)connect the server sends who is online now: every dot on the page takes that
// state (what the page rendered or a pause missed is corrected).
export function correctPresence(online, me, labels) {
  const now = new Set(online);
  for (const dot of document.querySelectorAll("[data-presence]")) {
    const uid = Number(dot.dataset.presence);
    if (uid === me) continue;
    dot.classList.toggle("online", now.has(uid));
    dot.title = now.has(uid) ? labels.labelOnline : labels.labelOffline;
  }
}
