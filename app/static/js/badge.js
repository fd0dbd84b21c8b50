// The small counters on a page (unread messages, notifications, a conversation's unread):
// one way to set them. A target is an element, a list of elements (a page may show the
// header twice) or nothing; a count of zero hides it.
function nodes(target) {
  if (!target) return [];
  return target instanceof Element ? [target] : [...target];
}

export function badgeCount(target) {
  const [first] = nodes(target);
  return first ? parseInt(first.textContent, 10) || 0 : 0;
}

export function setBadge(target, count) {
  const value = Math.max(0, count);
  for (const node of nodes(target)) {
    node.textContent = String(value);
    node.hidden = value <= 0;
  }
}

export function addToBadge(target, delta) {
  setBadge(target, badgeCount(target) + delta);
}
