// Per-zone charts: how long visits last, and how often displays hold a passer-by's attention.
import * as Plot from "@observablehq/plot";
import {median} from "d3";
import {formatDuration} from "./clock.js";
import {COLORS} from "./scales.js";

/**
 * Seconds per visit, one row per zone: every visit as a dot, the median as a tick and a number.
 * @param rows visitsIn(...) rows; zones config.zones (all of them get a row, visited or not)
 */
export function dwellDistribution(rows, zones, {width, maxSeconds}) {
  width = Math.max(240, width || 0); // resize() reports 0 while the page is not laid out
  const names = zones.map((z) => z.name);
  const stats = zones.map((z, i) => {
    const s = rows.filter((r) => r.zone === i).map((r) => r.seconds);
    return {name: z.name, n: s.length, median: s.length ? median(s) : NaN};
  });
  const top = Math.max(1, maxSeconds ?? 0, ...rows.map((r) => r.seconds));
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
      Plot.tip(rows, Plot.pointer({x: "seconds", y: "name", title: (d) => `${d.name}\ntrack #${d.track}\n${formatDuration(d.seconds)} in the zone`}))
    ]
  });
}

/**
 * Display zones: visits long enough to count as an impression (at least `minSeconds`) against
 * people who passed through quicker.
 */
export function impressionsChart(rows, zones, {width, minSeconds}) {
  width = Math.max(240, width || 0); // resize() reports 0 while the page is not laid out
  const displays = zones.map((z, i) => ({...z, i})).filter((z) => z.kind === "display");
  const data = displays.flatMap((z) => {
    const visits = rows.filter((r) => r.zone === z.i);
    const impressions = visits.filter((r) => r.seconds >= minSeconds).length;
    return [
      {name: z.name, kind: `impression (≥ ${formatDuration(minSeconds)})`, count: impressions},
      {name: z.name, kind: "passed by", count: visits.length - impressions}
    ];
  });
  const kinds = [`impression (≥ ${formatDuration(minSeconds)})`, "passed by"];
  const peak = Math.max(1, ...displays.map((z) => rows.filter((r) => r.zone === z.i).length));
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
