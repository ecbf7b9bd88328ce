// Per-zone charts: how long visits last, and how often displays hold a passer-by's attention.
import * as Plot from "@observablehq/plot";
import {medianOf} from "./stats.js";
import {formatDuration} from "./clock.js";
import {COLORS} from "./scales.js";

// dots drawn in all: each is an SVG element, and thousands of them cost more than the numbers
const MAX_DOTS = 1200;


/**
 * Seconds per visit, one row per zone: visits as dots (an even sample, MAX_DOTS shared by the zones:
 * a month is hundreds of thousands), the median of all as a tick and a number.
 * @param visits visitsIn(...) columns; zones store.zonesOf(cams) (all of them get a row, visited or not)
 */
export function dwellDistribution(visits, zones, {width, maxSeconds}) {
  width = Math.max(240, width || 0); // resize() reports 0 while the page is not laid out
  const names = zones.map((z) => z.name);
  // each zone's visits: their count, an even sample of indexes, and the median of all (a typed-array sort)
  const slot = new Int32Array(Math.max(0, ...zones.map((z) => z.key)) + 1).fill(-1);
  zones.forEach((z, i) => (slot[z.key] = i));
  const count = new Int32Array(zones.length);
  let top = Math.max(1, maxSeconds ?? 0);
  for (let j = 0; j < visits.n; j++) {
    const i = visits.key[j] < slot.length ? slot[visits.key[j]] : -1;
    if (i < 0) continue;
    count[i]++;
    if (visits.seconds[j] > top) top = visits.seconds[j];
  }
  const per = zones.map((_, i) => new Float64Array(count[i]));
  const seen = new Int32Array(zones.length);
  const rows = [];
  for (let j = 0; j < visits.n; j++) {
    const i = visits.key[j] < slot.length ? slot[visits.key[j]] : -1;
    if (i < 0) continue;
    const at = seen[i]++;
    per[i][at] = visits.seconds[j];
    // every k-th visit of the zone as a dot: at most MAX_DOTS / zones per zone
    if (at % Math.ceil((count[i] * zones.length) / MAX_DOTS) === 0) rows.push({name: zones[i].name, seconds: visits.seconds[j], who: visits.who[j]});
  }
  const stats = zones.map((z, i) => ({name: z.name, n: count[i], median: count[i] ? medianOf(per[i]) : NaN}));
  // zone name and its numbers on a line above each row's dots: fits a narrow card
  return Plot.plot({
    width,
    height: 40 + 52 * Math.max(1, zones.length),
    marginLeft: 12,
    marginRight: 16,
    marginTop: 8,
    marginBottom: 36,
    x: {domain: [0, top], label: "seconds per visit →", labelAnchor: "right", labelOffset: 30, grid: true, nice: true},
    y: {domain: names, axis: null, padding: 0.55, align: 1},
    marks: [
      Plot.ruleY(names, {y: (d) => d, stroke: "currentColor", strokeOpacity: 0.08, strokeWidth: 14}),
      Plot.dot(rows, {x: "seconds", y: "name", r: 3.5, fill: COLORS.a, fillOpacity: rows.length > 500 ? 0.15 : 0.55, stroke: "white", strokeWidth: 0.6}),
      Plot.tickX(stats.filter((d) => d.n), {x: "median", y: "name", stroke: "#111", strokeWidth: 2.5}),
      Plot.text(stats, {
        y: "name",
        frameAnchor: "left",
        dy: -17,
        textAnchor: "start",
        text: (d) => `${d.name}: ${d.n ? `median ${formatDuration(d.median)} · ${d.n} visit${d.n === 1 ? "" : "s"}` : "no visits"}`,
        fill: "currentColor",
        fontSize: 11,
        fontWeight: 500
      }),
      Plot.tip(rows, Plot.pointer({x: "seconds", y: "name", title: (d) => `${d.name}\ntrack #${d.who + 1}\n${formatDuration(d.seconds)} in the zone`}))
    ]
  });
}

/**
 * Display zones: visits long enough to count as an impression (at least `minSeconds`) against
 * people who passed through quicker.
 */
export function impressionsChart(visits, zones, {width, minSeconds}) {
  width = Math.max(240, width || 0); // resize() reports 0 while the page is not laid out
  const displays = zones.filter((z) => z.kind === "display");
  const counts = new Map(displays.map((z) => [z.key, {all: 0, long: 0}]));
  for (let j = 0; j < visits.n; j++) {
    const c = counts.get(visits.key[j]);
    if (c) (c.all++, visits.seconds[j] >= minSeconds && c.long++);
  }
  const data = displays.flatMap((z) => {
    const c = counts.get(z.key);
    return [
      {name: z.name, kind: `impression (≥ ${formatDuration(minSeconds)})`, count: c.long},
      {name: z.name, kind: "passed by", count: c.all - c.long}
    ];
  });
  const kinds = [`impression (≥ ${formatDuration(minSeconds)})`, "passed by"];
  const peak = Math.max(1, ...displays.map((z) => counts.get(z.key).all));
  return Plot.plot({
    width,
    height: 64 + 30 * Math.max(1, displays.length),
    marginLeft: Math.min(130, 12 + 6.5 * Math.max(...displays.map((d) => d.name.length), 4)),
    marginBottom: 36,
    x: {label: "visits to the display →", labelAnchor: "right", labelOffset: 30, grid: true, nice: true, ticks: Math.min(5, peak), tickFormat: "d"},
    y: {domain: displays.map((d) => d.name), label: null},
    color: {domain: kinds, range: [COLORS.sales, "#cbd5e1"], legend: true},
    marks: [
      Plot.barX(data, {x: "count", y: "name", fill: "kind", tip: {format: {y: true, x: true, fill: true}}}),
      Plot.ruleX([0])
    ]
  });
}
