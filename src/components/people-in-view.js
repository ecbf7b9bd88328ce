// How many people were in view over time: tracked customers (area) against the count stage's
// people count (line; with its 90% interval as a band when one calibrated camera is shown), from
// the footage rows of data/store.bin, summed over the chosen cameras (each camera's mean per bin).
// A gap between them shows what the tracker filled in or filtered out.
import * as Plot from "@observablehq/plot";
import {countInterval} from "./count-interval.js";
import {gapGroups, lowerBound} from "./window.js";

const SERIES = ["tracked customers", "people counted"];
const COLORS = ["#2563eb", "#d97706"];
const MAX_BINS = 300;

/** Per display bin over the domain: customers and people counted in view (sum of the chosen cameras' means), the most tracked at once. */
export function inViewSeries(store, scope) {
  const [d0, d1] = scope.domain;
  // never finer than the coarsest camera's frames: a bin per frame, not every other bin empty
  const frame = Math.max(...store.cameras.map((c, k) => (scope.cams[k] ? c.frameSeconds : 0)));
  const step = Math.max(store.coverageStep || 0, niceStep(Math.max((d1 - d0) / MAX_BINS, 1.5 * frame)));
  const first = Math.floor(d0 / step) * step;
  const n = Math.max(1, Math.ceil((d1 - first) / step - 1e-9));
  const cams = store.cameras.length;
  const seconds = new Float64Array(n * cams), persons = new Float64Array(n * cams), counted = new Float64Array(n * cams), frames = new Float64Array(n * cams);
  const peak = new Float64Array(n);
  const b = store.tables.coverage;
  for (let i = lowerBound(b.t, d0); i < b.t.length && b.t[i] < d1; i++) {
    const k = b.cam[i];
    if (!scope.cams[k]) continue;
    const j = Math.min(n - 1, Math.floor((b.t[i] - first) / step));
    seconds[j * cams + k] += b.seconds[i];
    persons[j * cams + k] += b.customers[i];
    counted[j * cams + k] += b.counted[i];
    frames[j * cams + k] += b.countedFrames[i];
    peak[j] = Math.max(peak[j], b.peak[i]);
  }
  const rows = [];
  for (let j = 0; j < n; j++) {
    let tracked = 0, count = 0, filmed = false, cf = 0, cs = 0;
    for (let k = 0; k < cams; k++) {
      const s = seconds[j * cams + k];
      if (!(s > 0)) continue;
      filmed = true;
      tracked += persons[j * cams + k] / s;
      if (frames[j * cams + k] > 0) count += counted[j * cams + k] / frames[j * cams + k];
      cf += frames[j * cams + k];
      cs += counted[j * cams + k];
    }
    if (filmed) rows.push({t: first + j * step, tracked, counted: count, peak: peak[j], countedSum: cs, countedFrames: cf});
  }
  return {step, rows};
}

function niceStep(s) {
  const steps = [0.04, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];
  return steps.find((x) => x >= s) ?? 86400;
}

/**
 * @param series inViewSeries(...)
 * @param options.clock makeClock(...); options.win the window (shaded); options.counting the
 *   camera's counting (a band only for one calibrated camera)
 */
export function peopleInView(series, {width, height = 240, clock, win, counting}) {
  width = Math.max(240, width || 0); // resize() reports 0 while the page is not laid out
  const {rows, step} = series;
  const bins = counting?.residuals ? rows.map((r) => countInterval({sum: r.countedSum, n: r.countedFrames}, counting)) : null;
  const value = bins ? bins.map((b) => b.value) : rows.map((r) => r.counted);
  const X = rows.map((r) => clock.x(r.t));
  const peak = Math.max(1, ...rows.map((r) => r.peak), ...value, ...(bins ? bins.map((b) => b.hi).filter(Number.isFinite) : []));
  const band = win && !win.full ? [win] : [];
  const binned = step > 0.5;
  const z = gapGroups(rows.map((r) => r.t), step);
  return Plot.plot({
    width,
    height,
    marginLeft: 44,
    marginBottom: 36,
    x: clock.xOptions(width),
    y: {domain: [0, Math.ceil(peak * 1.1)], label: binned ? "↑ people (mean per bin)" : "↑ people", grid: true, nice: true},
    color: {domain: SERIES, range: COLORS, legend: true},
    marks: [
      Plot.rectX(band, {x1: (d) => clock.x(d.t0), x2: (d) => clock.x(d.t1), fill: "currentColor", fillOpacity: 0.07}),
      Plot.areaY(rows, {x: X, y: rows.map((r) => r.tracked), z, fill: () => SERIES[0], fillOpacity: 0.18, curve: "step-after"}),
      Plot.lineY(rows, {x: X, y: rows.map((r) => r.tracked), z, stroke: () => SERIES[0], strokeWidth: 2, curve: "step-after"}),
      bins ? Plot.areaY(rows, {x: X, y1: bins.map((b) => b.lo), y2: bins.map((b) => b.hi), z, fill: COLORS[1], fillOpacity: 0.16, curve: "step-after"}) : null,
      Plot.lineY(rows, {x: X, y: value, z, stroke: () => SERIES[1], strokeWidth: 1.25, strokeOpacity: 0.9, curve: "step-after"}),
      Plot.ruleY([0]),
      Plot.tip(rows, Plot.pointerX({
        x: X,
        y: rows.map((r) => r.tracked),
        channels: {tracked: {value: rows.map((r) => r.tracked), label: SERIES[0]}, counted: {value, label: SERIES[1]}, most: {value: rows.map((r) => r.peak), label: "most tracked at once"}},
        format: {x: (d) => clock.format(clock.t(d)), y: false, tracked: fmt, counted: fmt}
      }))
    ]
  });
}

const fmt = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
