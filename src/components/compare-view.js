// The Compare page's zone table and plain-language summary, from the analytics engine's compare()
// (data/compare.json) or, for moved windows, from pointComparison(...) (no intervals).

const fixed = (v, digits) => (Math.abs(v) >= 100 ? Math.round(Math.abs(v)).toLocaleString("en-US") : Math.abs(v).toFixed(digits));
const signed = (v, digits = 1) => (Number.isFinite(v) ? `${v > 0 ? "+" : v < 0 ? "−" : "±"}${fixed(v, digits)}` : "–");
const plain = (v, digits = 1) => (Number.isFinite(v) ? `${v < 0 ? "−" : ""}${fixed(v, digits)}` : "–");
// the engine gives no interval below its minimum number of people per side (compare.ts MIN_PEOPLE)
const interval = (e, digits = 1) =>
  e.tooFew ? "too few people to tell" : e.ciDiff && Number.isFinite(e.ciDiff[0]) ? `${signed(e.ciDiff[0], digits)} to ${signed(e.ciDiff[1], digits)}` : "–";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) k === "class" ? (node.className = v) : node.setAttribute(k, v);
  node.append(...children.filter((c) => c != null));
  return node;
}

function tone(e) {
  if (!(e.ciDiff && Number.isFinite(e.ciDiff[0]))) return "none";
  return e.ciDiff[0] > 0 ? "up" : e.ciDiff[1] < 0 ? "down" : "none";
}

/**
 * Zone table: visits per hour of footage and mean seconds per visit in A and B, the change and
 * its 95% interval.
 * @param result {hours, visitors, zones: [{zone, kind, visitRate, meanDwell, visitsA?, visitsB?}]}
 */
export function compareTable(result) {
  const cols = ["A", "B", "B − A", "95% interval"];
  const head = el(
    "thead",
    {},
    el("tr", {}, el("th", {rowspan: 2}, "Zone"), el("th", {colspan: 4, class: "smw-group"}, "Visits per hour of footage"), el("th", {colspan: 4, class: "smw-group"}, "Mean seconds per visit")),
    el("tr", {}, ...cols.map((h) => el("th", {class: "smw-num"}, h)), ...cols.map((h) => el("th", {class: "smw-num"}, h)))
  );
  const cells = (e) => [
    el("td", {class: "smw-num"}, plain(e.a)),
    el("td", {class: "smw-num"}, plain(e.b)),
    el("td", {class: `smw-num smw-${tone(e)}`}, signed(e.diff)),
    el("td", {class: "smw-num smw-ci", title: e.people ? `${e.people[0]} and ${e.people[1]} people behind this figure` : ""}, interval(e))
  ];
  const blank = () => [el("td", {class: "smw-num"}, "–"), el("td", {class: "smw-num"}, "–"), el("td", {class: "smw-num"}, "–"), el("td", {class: "smw-num"}, "")];
  const footfall = result.footfall ? [el("tr", {class: "smw-footfall"}, el("td", {}, "everyone entering view", el("span", {class: "smw-note"}, ` · ${result.visitors[0]} / ${result.visitors[1]} people`)), ...cells(result.footfall), ...blank())] : [];
  const rows = result.zones.map((z) =>
    el(
      "tr",
      {},
      el("td", {}, z.zone, el("span", {class: "smw-note"}, ` ${z.kind}${z.visitsA != null ? ` · ${z.visitsA} / ${z.visitsB} visits` : ""}`)),
      ...cells(z.visitRate),
      ...cells(z.meanDwell)
    )
  );
  if (!rows.length) rows.push(el("tr", {}, el("td", {colspan: 9}, "No zones in the camera config.")));
  return el("table", {class: "smw-compare-table"}, head, el("tbody", {}, ...footfall, ...rows));
}

/**
 * A few sentences a store manager can read: which windows, how busy each was, and the changes
 * whose 95% interval excludes zero (the engine's summary), or why there are no intervals.
 */
export function compareSummary(results, {describeA, describeB, engine, moved, matched}) {
  const div = el("div", {class: "smw-summary"});
  const people = (k) => results.reduce((t, r) => t + r.visitors[k], 0);
  const hours = (k) => results.reduce((t, r) => t + r.matchedHours[k], 0);
  div.append(
    el("p", {}, el("strong", {}, "A"), ` ${describeA}: ${people(0)} people seen in ${duration(hours(0) * 3600)} of matched footage.`),
    el("p", {}, el("strong", {}, "B"), ` ${describeB}: ${people(1)} people seen in ${duration(hours(1) * 3600)} of matched footage.`),
    el("p", {class: "smw-matched"}, ...results.map((r) => el("span", {}, `${results.length > 1 ? `${r.camera}: ` : ""}${matched(r)}. `)))
  );
  if (moved) {
    div.append(
      el("p", {class: "smw-moved"}, "You moved the periods: the table shows point estimates for them. 95% intervals and the verdicts below come from the analytics engine for the configured periods; reset to see them.")
    );
  } else {
    div.append(el("p", {}, "What changed, with 95% confidence:"), el("ul", {}, ...results.flatMap((r) => r.summary.map((s) => el("li", {}, results.length > 1 ? `${r.camera}: ${s}` : s)))));
  }
  div.append(
    el("p", {class: "smw-caption"}, `Intervals: ${engine.method}, ${engine.resamples} resamples: people are drawn with replacement, each with all their visits; footfall's interval takes counts per stratum as Poisson. A change counts when its interval excludes zero. Each figure is averaged over the hours both periods filmed, weighted alike in A and B, so a period with more busy hours or more Saturdays does not read as your change; hours only one period filmed are left out.`)
  );
  return div;
}

function duration(s) {
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
