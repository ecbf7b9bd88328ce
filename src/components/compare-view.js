// The Compare page's table and plain-language summary, from compareWindows(...).
import {verdict} from "./compare.js";

// one decimal for small numbers, none for big ones (rates from short windows run into thousands)
const fixed = (v, digits) => (Math.abs(v) >= 100 ? Math.round(Math.abs(v)).toLocaleString("en-US") : Math.abs(v).toFixed(digits));
const signed = (v, digits = 1) => (Number.isFinite(v) ? `${v > 0 ? "+" : v < 0 ? "−" : "±"}${fixed(v, digits)}` : "–");
const plain = (v, digits = 1) => (Number.isFinite(v) ? `${v < 0 ? "−" : ""}${fixed(v, digits)}` : "–");
const ci = (d, digits = 1) => (Number.isFinite(d.lo) ? `${signed(d.lo, digits)} to ${signed(d.hi, digits)}` : "–");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) k === "class" ? (node.className = v) : node.setAttribute(k, v);
  node.append(...children.filter((c) => c != null));
  return node;
}

/** Zone table: visits per hour and mean dwell in A and B, the change and its 95% interval. */
export function compareTable(result, {labelA = "A", labelB = "B"} = {}) {
  const head = el(
    "thead",
    {},
    el("tr", {}, el("th", {rowspan: 2}, "Zone"), el("th", {colspan: 4, class: "smw-group"}, "Visits per hour"), el("th", {colspan: 4, class: "smw-group"}, "Mean seconds per visit")),
    el("tr", {}, ...["A", "B", "B − A", "95% interval"].map((h) => el("th", {class: "smw-num"}, h)), ...["A", "B", "B − A", "95% interval"].map((h) => el("th", {class: "smw-num"}, h)))
  );
  const row = (name, rate, dwell, note) =>
    el(
      "tr",
      {},
      el("td", {}, name, note ? el("span", {class: "smw-note"}, ` ${note}`) : null),
      el("td", {class: "smw-num"}, plain(rate.a)),
      el("td", {class: "smw-num"}, plain(rate.b)),
      el("td", {class: `smw-num smw-${tone(rate)}`}, signed(rate.diff)),
      el("td", {class: "smw-num smw-ci"}, ci(rate)),
      el("td", {class: "smw-num"}, dwell ? plain(dwell.a) : ""),
      el("td", {class: "smw-num"}, dwell ? plain(dwell.b) : ""),
      el("td", {class: `smw-num smw-${dwell ? tone(dwell) : "none"}`}, dwell ? signed(dwell.diff) : ""),
      el("td", {class: "smw-num smw-ci"}, dwell ? ci(dwell) : "")
    );
  const body = el(
    "tbody",
    {},
    row("All people entering view", result.visitors, null, `(${result.visitors.countA} in A, ${result.visitors.countB} in B)`),
    ...result.zones.map((z) => row(z.name, z.rate, z.dwell, `(${z.visitsA} / ${z.visitsB} visits${z.kind === "display" ? ", display" : ""})`))
  );
  const table = el("table", {class: "smw-compare-table"}, head, body);
  table.setAttribute("aria-label", `Zone comparison ${labelA} against ${labelB}`);
  return table;
}

function tone(d) {
  const v = verdict(d);
  return v === "clearly higher" ? "up" : v === "clearly lower" ? "down" : "none";
}

/** A few sentences a store manager can read: what changed, by how much, how sure. */
export function compareSummary(result, {labelA, labelB, describeA, describeB}) {
  const parts = [];
  const v = result.visitors;
  const pct = (d) => (d.a > 0 ? ` (${signed((d.diff / d.a) * 100, 0)}%)` : "");
  parts.push(
    `<p><strong>${labelB}</strong> (${describeB}) against <strong>${labelA}</strong> (${describeA}).</p>`,
    `<p>People entering view: ${plain(v.a)} per hour in A, ${plain(v.b)} per hour in B${pct(v)}: <strong>${sentence(verdict(v))}</strong>${Number.isFinite(v.lo) ? ` (95% interval for the change ${ci(v)} per hour)` : ""}.</p>`
  );
  const items = result.zones
    .map((z) => {
      const rv = verdict(z.rate), dv = verdict(z.dwell);
      const bits = [];
      if (rv.startsWith("clearly")) bits.push(`${rv.replace("clearly ", "")} visits per hour (${signed(z.rate.diff)}, interval ${ci(z.rate)})`);
      if (dv.startsWith("clearly")) bits.push(`${dv === "clearly higher" ? "longer" : "shorter"} visits (${signed(z.dwell.diff)} s each, interval ${ci(z.dwell)} s)`);
      return bits.length ? `<li><strong>${escape(z.name)}</strong>: ${bits.join("; ")}.</li>` : null;
    })
    .filter(Boolean);
  parts.push(
    items.length
      ? `<p>Zones that clearly changed:</p><ul>${items.join("")}</ul>`
      : `<p>No zone changed clearly: every 95% interval includes no change. ${result.zones.length ? "With more footage the intervals narrow." : ""}</p>`
  );
  parts.push(
    `<p class="smw-caption">"Clearly" means the 95% interval of the change excludes zero. Intervals come from a block bootstrap: each window is cut into ${result.blocks} equal stretches, resampled ${result.resamples} times. Windows of very different times of day or weekdays compare more than the change you made.</p>`
  );
  const div = el("div", {class: "smw-summary"});
  div.innerHTML = parts.join("");
  return div;
}

function sentence(v) {
  return v === "clearly higher" ? "clearly more in B" : v === "clearly lower" ? "clearly fewer in B" : v === "no clear change" ? "no clear change" : "not enough data to say";
}

function escape(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})[c]);
}

