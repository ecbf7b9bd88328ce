// The page's time window: footfall over the chosen dates as bars, with a brush. Drag across it
// to choose a window, drag the window to move it, click outside it to go back to all of it.
// Its value is {t0, t1, full} in seconds on the store's clock; it fires "input" on every change,
// so `view(timeline(...))` (or the scope bar around it) makes every cell follow it.
import * as Plot from "@observablehq/plot";
import {brushX, select} from "d3";
import {stampWindowChange} from "./timing.js";
import {COLORS} from "./scales.js";

/**
 * @param series {bin, domain: [d0, d1], t[], visitors[]} (bin starts in store seconds)
 * @param options.clock makeClock(...) for the domain
 * @param options.width chart width in CSS pixels
 * @param options.value initial window [t0, t1] (default: the whole domain)
 * @param options.color bar colour; options.label a name shown at the top left ("Window A")
 */
export function timeline(series, {clock, width, height = 118, value, color = COLORS.visitors, label} = {}) {
  width = Math.max(240, width || 0); // Framework reports 0 while the page is hidden
  const {bin, t, visitors} = series;
  const [d0, d1] = series.domain;
  const n = t.length;
  const data = {length: n};
  const margin = {marginLeft: 44, marginRight: 16, marginTop: 22, marginBottom: 30};
  const chart = Plot.plot({
    ...margin,
    width,
    height,
    x: {...clock.axis, ticks: Math.max(2, Math.floor(width / 110)), labelAnchor: "right", labelOffset: 28},
    y: {label: `↑ people entering view per ${binLabel(bin)}`, labelAnchor: "top", ticks: 3, grid: true, nice: true},
    marks: [
      Plot.rectY(data, {x1: (_, i) => clock.x(t[i]), x2: (_, i) => clock.x(Math.min(d1, t[i] + bin)), y: visitors, fill: color, fillOpacity: 0.75, inset: n > 60 ? 0.5 : 0}),
      Plot.ruleY([0])
    ]
  });
  const x = chart.scale("x");
  const toPx = (s) => x.apply(clock.x(s));
  const fromPx = (px) => Math.max(d0, Math.min(d1, clock.t(x.invert(px))));

  const figure = document.createElement("figure");
  figure.className = "smw-timeline";
  if (label) {
    const tag = document.createElement("div");
    tag.className = "smw-timeline-label";
    tag.style.color = color;
    tag.textContent = label;
    figure.append(tag);
  }
  figure.append(chart);

  const full = {t0: d0, t1: d1, full: true};
  figure.value = full;
  const set = (v, fire) => {
    figure.value = v;
    if (fire) {
      stampWindowChange();
      figure.dispatchEvent(new Event("input", {bubbles: true}));
    }
  };

  const brush = brushX()
    .extent([[margin.marginLeft, margin.marginTop], [width - margin.marginRight, height - margin.marginBottom]])
    .on("brush end", (event) => {
      if (!event.sourceEvent) return; // moved by code, not by the user
      const s = event.selection;
      const next = s ? {t0: fromPx(s[0]), t1: fromPx(s[1]), full: false} : full;
      if (next.full && figure.value.full) return;
      if (!next.full && next.t1 - next.t0 < bin / 4) return; // a click, not a drag
      if (next.t0 === figure.value.t0 && next.t1 === figure.value.t1) return;
      set(next, true);
    });
  const g = select(chart).append("g").attr("class", "smw-brush").call(brush);
  g.select(".selection").attr("fill", color).attr("fill-opacity", 0.16).attr("stroke", color).attr("stroke-width", 1.5);
  if (value && !(value[0] <= d0 && value[1] >= d1)) {
    figure.value = {t0: value[0], t1: value[1], full: false};
    g.call(brush.move, [toPx(value[0]), toPx(value[1])]);
  }
  /** Moves the window from code (tests, links) and tells the page. */
  figure.setWindow = (t0, t1) => {
    if (t0 == null) {
      g.call(brush.move, null);
      set(full, true);
    } else {
      g.call(brush.move, [toPx(t0), toPx(t1)]);
      set({t0, t1, full: false}, true);
    }
  };
  return figure;
}

function binLabel(bin) {
  if (bin < 1) return `${bin} s`;
  if (bin < 60) return bin === 1 ? "second" : `${bin} s`;
  if (bin < 3600) return bin === 60 ? "minute" : `${bin / 60} min`;
  return bin === 3600 ? "hour" : `${bin / 3600} h`;
}
