// One set of colours for the whole workbench, so a colour means the same thing on every page.
import * as Plot from "@observablehq/plot";
import {interpolateInferno, interpolateRdBu} from "d3";

export const COLORS = {
  visitors: "#475569", // people entering view (timeline bars)
  in: "#0f766e", // line crossings in
  out: "#c2410c", // line crossings out
  a: "#2563eb", // window / run A ("before")
  b: "#d97706", // window / run B ("after")
  sales: "#7c3aed" // transactions and revenue
};

/** Heat (dwell, motion): inferno on a square-root scale; empty cells stay transparent over the plate. */
export const HEAT = {scheme: "inferno", type: "sqrt", interpolate: interpolateInferno};

/** Differences (B − A): red where B has more, blue where it has less, white for no change. */
export const DIFF = {scheme: "rdbu", interpolate: (u) => interpolateRdBu(1 - u)};

/** Time within the run (paths coloured by time). */
export const TIME_SCHEME = "viridis";

/** Tracks: a categorical palette, cycled by track id. */
export const TRACK_COLORS = ["#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5", "#9c6b4e", "#9498a0"];
export const trackColor = (id) => TRACK_COLORS[((id % TRACK_COLORS.length) + TRACK_COLORS.length) % TRACK_COLORS.length];

/** A colour legend for a heat map with domain [0, max]. */
export function heatLegend({max, label, width = 280, tickFormat}) {
  return Plot.legend({color: {type: HEAT.type, scheme: HEAT.scheme, domain: [0, max || 1], label, width, ticks: 4, tickFormat}});
}

/** A colour legend for a difference map with domain [-max, max]. */
export function diffLegend({max, label, width = 280, tickFormat}) {
  return Plot.legend({color: {type: "linear", scheme: "rdbu", reverse: true, domain: [-(max || 1), max || 1], label, width, ticks: 5, tickFormat}});
}
