// How many people were in view over time: confirmed tracks (area) against raw detections
// (line); a gap between them shows what the tracker filled in or filtered out.
import * as Plot from "@observablehq/plot";

const SERIES = ["tracked people", "detections"];
const COLORS = ["#2563eb", "#d97706"];

/**
 * @param series the output of data/people-in-view.json: {binSeconds, t, tracks, detections,
 *   tracksMax} (columnar, one entry per time bin)
 * @param options.width chart width in CSS pixels
 * @param options.height chart height in CSS pixels
 */
export function peopleInView(series, {width, height = 240} = {}) {
  const {t, tracks, detections, tracksMax, binSeconds} = series;
  const n = t.length;
  const data = {length: n};
  const binned = binSeconds > 0.5;
  const end = n ? t[n - 1] + binSeconds : 1;
  const peak = Math.max(1, ...tracksMax, ...detections);
  return Plot.plot({
    width,
    height,
    marginLeft: 44,
    marginBottom: 36,
    x: {domain: [0, end], label: "time (s) →", labelAnchor: "right", labelOffset: 32},
    y: {domain: [0, Math.ceil(peak * 1.1)], label: binned ? "↑ people (mean per bin)" : "↑ people", grid: true, nice: true},
    color: {domain: SERIES, range: COLORS, legend: true},
    marks: [
      Plot.areaY(data, {x: t, y: tracks, fill: () => SERIES[0], fillOpacity: 0.18, curve: "step-after"}),
      Plot.lineY(data, {x: t, y: tracks, stroke: () => SERIES[0], strokeWidth: 2, curve: "step-after"}),
      Plot.lineY(data, {x: t, y: detections, stroke: () => SERIES[1], strokeWidth: 1.25, strokeOpacity: 0.9, curve: "step-after"}),
      Plot.ruleY([0]),
      Plot.ruleX(data, Plot.pointerX({x: t, stroke: "currentColor", strokeOpacity: 0.3})),
      Plot.tip(
        data,
        Plot.pointerX({
          x: t,
          y: tracks,
          channels: {
            tracked: {value: tracks, label: SERIES[0]},
            detected: {value: detections, label: SERIES[1]},
            ...(binned ? {max: {value: tracksMax, label: "most tracked in bin"}} : {})
          },
          format: {x: (v) => `${v.toFixed(2)} s`, y: false, tracked: (v) => fmt(v), detected: (v) => fmt(v)}
        })
      )
    ]
  });
}

const fmt = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
