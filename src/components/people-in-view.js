// How many people were in view over time: confirmed tracks (area) against the count stage's
// per-frame count (line; with its 90% interval as a band when the camera is calibrated). A gap
// between them shows what the tracker filled in or filtered out.
import * as Plot from "@observablehq/plot";
import {countInterval} from "./count-interval.js";

const SERIES = ["tracked people", "people counted"];
const COLORS = ["#2563eb", "#d97706"];

/**
 * @param series the output of data/people-in-view.json: {binSeconds, t, tracks, tracksMax,
 *   counted, countedFrames, counting} (columnar, one entry per time bin)
 * @param options.width chart width in CSS pixels
 * @param options.height chart height in CSS pixels
 * @param options.clock makeClock(...) for wall-clock times (optional)
 * @param options.win the page's time window, shaded (optional)
 */
export function peopleInView(series, {width, height = 240, clock, win} = {}) {
  width = Math.max(240, width || 0); // resize() reports 0 while the page is not laid out
  const {t, tracks, counted, countedFrames, tracksMax, binSeconds, counting} = series;
  const n = t.length;
  const data = {length: n};
  // per-bin interval of the count (calibrated runs only)
  const bins = counting.residuals ? Array.from(counted, (c, i) => countInterval({sum: c * countedFrames[i], n: countedFrames[i]}, counting)) : null;
  const value = bins ? bins.map((b) => b.value) : counted;
  const binned = binSeconds > 0.5;
  const end = n ? t[n - 1] + binSeconds : 1;
  const peak = Math.max(1, ...tracksMax, ...value, ...(bins ? bins.map((b) => b.hi) : []));
  const X = clock ? Array.from(t, clock.x) : t;
  const xAxis = clock
    ? {...clock.axis, domain: [clock.x(0), clock.x(end)], ticks: Math.max(2, Math.floor(width / 110))}
    : {domain: [0, end], label: "time (s) →"};
  const band = win && !win.full ? [win] : [];
  return Plot.plot({
    width,
    height,
    marginLeft: 44,
    marginBottom: 36,
    x: {...xAxis, labelAnchor: "right", labelOffset: 32},
    y: {domain: [0, Math.ceil(peak * 1.1)], label: binned ? "↑ people (mean per bin)" : "↑ people", grid: true, nice: true},
    color: {domain: SERIES, range: COLORS, legend: true},
    marks: [
      Plot.rectX(band, {x1: (d) => (clock ? clock.x(d.t0) : d.t0), x2: (d) => (clock ? clock.x(d.t1) : d.t1), fill: "currentColor", fillOpacity: 0.07}),
      Plot.areaY(data, {x: X, y: tracks, fill: () => SERIES[0], fillOpacity: 0.18, curve: "step-after"}),
      Plot.lineY(data, {x: X, y: tracks, stroke: () => SERIES[0], strokeWidth: 2, curve: "step-after"}),
      bins ? Plot.areaY(data, {x: X, y1: bins.map((b) => b.lo), y2: bins.map((b) => b.hi), fill: COLORS[1], fillOpacity: 0.16, curve: "step-after"}) : null,
      Plot.lineY(data, {x: X, y: value, stroke: () => SERIES[1], strokeWidth: 1.25, strokeOpacity: 0.9, curve: "step-after"}),
      Plot.ruleY([0]),
      Plot.ruleX(data, Plot.pointerX({x: X, stroke: "currentColor", strokeOpacity: 0.3})),
      Plot.tip(
        data,
        Plot.pointerX({
          x: X,
          y: tracks,
          channels: {
            tracked: {value: tracks, label: SERIES[0]},
            counted: {value: value, label: SERIES[1]},
            ...(bins ? {lo: {value: bins.map((b) => b.lo), label: "90% from"}, hi: {value: bins.map((b) => b.hi), label: "90% to"}} : {}),
            ...(binned ? {max: {value: tracksMax, label: "most tracked in bin"}} : {})
          },
          format: {x: clock ? (d) => clock.format(clock.t(d)) : (v) => `${v.toFixed(2)} s`, y: false, tracked: (v) => fmt(v), counted: (v) => fmt(v), lo: (v) => fmt(v), hi: (v) => fmt(v)}
        })
      )
    ]
  });
}

const fmt = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/**
 * A per-bin mean column of data/people-in-view.json ("customers", "counted") summed over the
 * window's analysed frames, and how many: the bins that start in [t0, t1), each its mean times
 * its frames. With one frame per bin (runs of up to 1,500 analysed frames) that is the engine's
 * windowing exactly (test/pages-engine.test.ts); coarser bins cut the window to whole bins.
 */
export function windowSum(series, column, {t0, t1}) {
  const {t, countedFrames} = series;
  const values = series[column];
  let sum = 0, n = 0;
  for (let i = 0; i < t.length; i++) if (t[i] >= t0 && t[i] < t1) (sum += values[i] * countedFrames[i]), (n += countedFrames[i]);
  return {sum, n};
}

/** Customers in view on average over the window's analysed frames (the engine's meanInView). */
export function meanInView(series, win) {
  const {sum, n} = windowSum(series, "customers", win);
  return n ? sum / n : NaN;
}
