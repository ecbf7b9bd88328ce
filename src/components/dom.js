// Small DOM helpers for the pages' text blocks (Framework's implicit `html` tag would be fetched
// from a CDN, so the pages build their few HTML pieces with these instead).

/** Escapes text for use inside HTML. */
export const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);

/** An element from an HTML string whose variable parts were passed through esc(). */
export function fromHtml(text, tag = "span") {
  const node = document.createElement(tag);
  node.innerHTML = text;
  return node;
}

/** document.createElement with attributes ("class" sets className) and children (strings or nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.flat().filter((c) => c != null && c !== false));
  return node;
}

/** A plain table: columns [{label, value(row), num?}] over rows. */
export function table(rows, columns, {className = "smw-table"} = {}) {
  return el(
    "table",
    {class: className},
    el("thead", {}, el("tr", {}, columns.map((c) => el("th", c.num ? {class: "smw-num"} : {}, c.label)))),
    el("tbody", {}, rows.map((r) => el("tr", {}, columns.map((c) => el("td", c.num ? {class: "smw-num"} : {}, String(c.value(r)))))))
  );
}
