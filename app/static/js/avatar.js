// A person's picture, or their initials on a colour: the same markup as the ui.avatar macro
// (app/templates/macros/ui.html), for items that pages add live.
export function avatar(name, url, size = "sm", square = false) {
  const sizeClass = size ? ` avatar-${size}` : "";
  const squareClass = square ? " logo-square" : "";
  if (url) {
    const img = document.createElement("img");
    img.className = `avatar${sizeClass}${squareClass}`;
    img.src = url;
    img.alt = "";
    img.loading = "lazy";
    return img;
  }
  const text = name || "?";
  const span = document.createElement("span");
  span.className = `avatar${sizeClass} hue-${[...text].length % 5}${squareClass}`;
  span.setAttribute("aria-hidden", "true");
  span.textContent = initials(text);
  return span;
}

// As app.text.initials: the first letter of the first two words that start with a letter or
// digit, after the Arabic article.
export function initials(name) {
  const letters = [];
  for (let word of (name || "").split(/\s+/)) {
    if (word.startsWith("ال") && [...word].length > 3) word = word.slice(2);
    const first = [...word][0];
    if (first && /[\p{L}\p{N}]/u.test(first)) letters.push(first);
    if (letters.length === 2) break;
  }
  return letters.join("") || "?";
}
