// Footfall re-cut by a time window: people entering view and line crossings per time bin, and
// by daypart on weekdays and weekends. Bins follow the store's clock (whole minutes, hours).
import * as Plot from "@observablehq/plot";
import {COLORS} from "./scales.js";
import {formatDuration, hourOf, weekdayOf, firstWeekday} from "./clock.js";
import {forEachIn} from "./window.js";

const STEPS = [0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Bin size in seconds: "minute", "hour", or "auto" (at most ~maxBins bins over the window). */
export function binSeconds(resolution, win, maxBins = 120) {
  if (resolution === "minute") return 60;
  if (resolution === "hour") return 3600;
  const span = win.t1 - win.t0;
  return STEPS.find((s) => span / s <= maxBins) ?? 86400;
}

export function binName(bin) {
  if (bin < 60) return `${bin} s`;
  if (bin === 60) return "minute";
  if (bin < 3600) return `${bin / 60} min`;
  if (bin === 3600) return "hour";
  return `${bin / 3600} h`;
}

/**
 * Counts per clock-aligned bin over the window: visitors (customers entering view) and, per line
 * of the chosen cameras, crossings in and out. Bins start at whole multiples of the bin on the
 * store's clock (whole minutes, hours, days).
 */
export function footfallBins(store, scope, {bin}) {
  const first = Math.floor(scope.t0 / bin + 1e-9) * bin;
  const n = Math.max(1, Math.ceil((scope.t1 - first) / bin - 1e-9));
  const at = (t) => Math.min(n - 1, Math.max(0, Math.floor((t - first) / bin + 1e-9)));
  const visitors = new Array(n).fill(0);
  const v = store.tables.visitors;
  forEachIn(v.start, scope.intervals, (i) => scope.cams[v.cam[i]] && visitors[at(v.start[i])]++);
  const lines = store.linesOf(scope.cams);
  const index = new Int32Array(store.lineCount).fill(-1);
  lines.forEach((l, k) => (index[l.key] = k));
  const flows = lines.map(() => ({in: new Array(n).fill(0), out: new Array(n).fill(0)}));
  const c = store.tables.crossings;
  forEachIn(c.t, scope.intervals, (i) => {
    const k = c.cam[i];
    const j = scope.cams[k] ? index[store.lineBase[k] + c.line[i]] : -1;
    if (j >= 0) flows[j][c.dir[i] > 0 ? "in" : "out"][at(c.t[i])]++;
  });
  const starts = Array.from({length: n}, (_, i) => first + i * bin);
  return {bin, starts, visitors, flows, lines};
}

/** Bars of people entering view per bin. */
export function visitorsChart(bins, {clock, width, win, height = 220}) {
  width = Math.max(240, width || 0); // resize() reports 0 while the page is not laid out
  const {bin, starts, visitors} = bins;
  const data = starts.map((t, i) => ({t, value: visitors[i]}));
  const peak = Math.max(1, ...visitors);
  return Plot.plot({
    width,
    height,
    marginLeft: 48,
    marginBottom: 36,
    x: {...clock.axis, domain: [clock.x(Math.min(win.t0, starts[0] ?? 0)), clock.x(Math.max(win.t1, (starts.at(-1) ?? 0) + bin))], ticks: Math.max(2, Math.floor(width / 110)), labelAnchor: "right", labelOffset: 32},
    y: {label: `↑ people entering view per ${binName(bin)}`, grid: true, nice: true, ticks: Math.min(5, peak), tickFormat: "d"},
    marks: [
      Plot.rectY(data, {x1: (d) => clock.x(d.t), x2: (d) => clock.x(d.t + bin), y: "value", fill: COLORS.visitors, inset: data.length > 80 ? 0.3 : 1, tip: {format: {x1: false, x2: false}}, title: (d) => `${clock.format(d.t)}–${clock.format(d.t + bin)}\n${d.value} entering view`}),
      Plot.ruleY([0])
    ]
  });
}

/** Per counting line: crossings in (up) and out (down) per bin, one row per line. */
export function lineFlowsChart(bins, {clock, width, win}) {
  const {lines} = bins;
  width = Math.max(240, width || 0); // resize() reports 0 while the page is not laid out
  const {bin, starts, flows} = bins;
  const data = flows.flatMap((f, l) =>
    starts.flatMap((t, i) => [
      {line: lines[l].name, t, dir: "in", value: f.in[i]},
      {line: lines[l].name, t, dir: "out", value: -f.out[i]}
    ])
  ).filter((d) => d.value !== 0);
  const peak = Math.max(1, ...data.map((d) => Math.abs(d.value)));
  return Plot.plot({
    width,
    height: 40 + 150 * Math.max(1, lines.length),
    marginLeft: 48,
    marginRight: 90,
    marginBottom: 36,
    x: {...clock.axis, domain: [clock.x(Math.min(win.t0, starts[0] ?? 0)), clock.x(Math.max(win.t1, (starts.at(-1) ?? 0) + bin))], ticks: Math.max(2, Math.floor(width / 110)), labelAnchor: "right", labelOffset: 32},
    y: {label: `↑ in · out ↓ (crossings per ${binName(bin)})`, domain: [-peak, peak], nice: true, grid: true, ticks: Math.min(6, 2 * peak), tickFormat: (d) => Math.abs(d)},
    fy: {domain: lines.map((l) => l.name), label: null, tickFormat: (d) => `${d} line`},
    color: {domain: ["in", "out"], range: [COLORS.in, COLORS.out], legend: true},
    marks: [
      Plot.rectY(data, {fy: "line", x1: (d) => clock.x(d.t), x2: (d) => clock.x(d.t + bin), y: "value", fill: "dir", inset: starts.length > 80 ? 0.3 : 1, title: (d) => `${d.line}: ${Math.abs(d.value)} ${d.dir}\n${clock.format(d.t)}–${clock.format(d.t + bin)}`, tip: true}),
      Plot.ruleY([0])
    ]
  });
}

/**
 * The config's dayparts ({name, from, to} in whole hours, sorted), with the hours none covers
 * (`rest`, "night") added as one more part.
 */
export function dayparts(config) {
  const parts = config.dayparts.map((p) => ({...p}));
  const covered = new Array(24).fill(false);
  for (const p of parts) for (let h = p.from; h < p.to; h++) covered[h] = true;
  const rest = [];
  for (let h = 0; h < 24; h++) if (!covered[h]) rest.push(h);
  if (rest.length) parts.push({name: config.restDaypart, hours: rest});
  return parts.map((p) => ({...p, hours: p.hours ?? Array.from({length: p.to - p.from}, (_, k) => p.from + k)}));
}

/**
 * People entering view per hour filmed, by daypart, on weekdays and on weekends (Saturday,
 * Sunday), summed over the chosen cameras (each camera's count over its own hours filmed). Only
 * footage in the scope counts, so a daypart filmed for 10 minutes is a rate over 10 minutes.
 */
export function daypartRates(store, scope, parts) {
  const w0 = firstWeekday(store);
  const P = parts.length;
  const partOfHour = new Int32Array(24);
  parts.forEach((p, k) => p.hours.forEach((h) => (partOfHour[h] = k)));
  // as the analytics engine does: the hour of the store's clock decides the daypart, its day of week the weekend
  const key = (t) => (weekdayOf(t, w0) >= 5 ? P : 0) + partOfHour[hourOf(t)];
  const observed = store.cameras.map(() => new Float64Array(2 * P));
  const counts = store.cameras.map(() => new Float64Array(2 * P));
  const b = store.tables.coverage;
  forEachIn(b.t, scope.intervals, (i) => scope.cams[b.cam[i]] && (observed[b.cam[i]][key(b.t[i])] += b.seconds[i]));
  const v = store.tables.visitors;
  forEachIn(v.start, scope.intervals, (i) => scope.cams[v.cam[i]] && counts[v.cam[i]][key(v.start[i])]++);
  return ["weekday", "weekend"].flatMap((dayType, d) =>
    parts.map((p, k) => {
      let seconds = 0, count = 0, rate = 0;
      store.cameras.forEach((_, c) => {
        const s = observed[c][d * P + k], n = counts[c][d * P + k];
        seconds = Math.max(seconds, s);
        count += n;
        if (s > 0) rate += (n / s) * 3600;
      });
      return {dayType, daypart: p.name, seconds, count, rate: seconds > 0 ? rate : NaN};
    })
  );
}

/** Small multiples: weekday | weekend, a bar per daypart; unobserved dayparts say so. */
export function daypartChart(rows, parts, {width}) {
  width = Math.max(240, width || 0); // resize() reports 0 while the page is not laid out
  const names = parts.map((p) => `${p.name[0].toUpperCase()}${p.name.slice(1)} ${label(p)}`);
  const withName = rows.map((d) => ({...d, part: names[parts.findIndex((p) => p.name === d.daypart)]}));
  const peak = Math.max(1, ...rows.map((d) => (Number.isFinite(d.rate) ? d.rate : 0)));
  return Plot.plot({
    width,
    height: 300,
    marginLeft: 64,
    marginBottom: 44,
    marginTop: 28,
    fx: {domain: ["weekday", "weekend"], label: null, tickFormat: (d) => (d === "weekday" ? "Weekdays (Mon–Fri)" : "Weekends (Sat, Sun)"), padding: 0.08},
    x: {domain: names, label: null, tickFormat: (d) => d.replace(" ", "\n"), tickSize: 0},
    y: {domain: [0, peak * 1.2], label: "people entering view per hour filmed", labelAnchor: "center", grid: true, nice: true},
    marks: [
      Plot.barY(withName.filter((d) => d.seconds > 0), {fx: "dayType", x: "part", y: "rate", fill: COLORS.visitors, title: (d) => `${d.dayType}, ${d.part}\n${d.count} people in ${formatDuration(d.seconds)} observed\n= ${d.rate.toFixed(1)} per hour`, tip: true}),
      Plot.text(withName, {fx: "dayType", x: "part", y: (d) => (d.seconds > 0 ? d.rate : 0), dy: -8, text: (d) => (d.seconds > 0 ? `${formatDuration(d.seconds)} filmed` : "not filmed"), fontSize: 10, fill: (d) => (d.seconds > 0 ? "currentColor" : "#9ca3af")}),
      Plot.ruleY([0])
    ]
  });
}

// "06–12"; the rest of the day as its runs of hours, e.g. "00–06, 24" -> "00–06"
function label(p) {
  const runs = [];
  for (const h of p.hours) {
    const last = runs.at(-1);
    if (last && last[1] === h) last[1] = h + 1;
    else runs.push([h, h + 1]);
  }
  // a run ending at 24 and one starting at 0 are one run over midnight
  if (runs.length > 1 && runs[0][0] === 0 && runs.at(-1)[1] === 24) runs[0] = [runs.pop()[0], runs[0][1]];
  return runs.map(([a, b]) => `${String(a).padStart(2, "0")}–${String(b % 24).padStart(2, "0")}`).join(", ");
}

