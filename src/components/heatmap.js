// A grid of values painted over the background plate, in source-video pixels, with axes, a colour
// legend, optional d3-contour lines, zones and counting lines. The grid is painted on a small
// canvas (one pixel per cell, empty cells transparent) and laid over the plate as one image, so
// a window change repaints a few thousand pixels, not thousands of marks.
import * as Plot from "@observablehq/plot";
import {contours, rgb} from "d3";
import {videoFrame} from "./video-frame.js";
import {DIFF, HEAT, diffLegend, heatLegend} from "./scales.js";
import {gridMax} from "./grid.js";
import {zoneMarks} from "./zones.js";

/**
 * @param values Float64Array of grid.cols x grid.rows (row 0 at the top)
 * @param options.grid {cols, rows, cell} (cell in source pixels)
 * @param options.video {width, height} source-video size
 * @param options.background URL of the plate (optional)
 * @param options.max top of the colour scale (default: the grid's maximum); share it between maps
 *   that are compared
 * @param options.diverging true for a difference map (domain [-max, max])
 * @param options.contours contour levels as fractions of max (default none)
 * @param options.label legend label, with units; options.tickFormat for the legend
 * @param options.zones, options.lines camera config overlays; options.tip extra marks
 */
export function heatMap(values, {width, grid, video, background, max, diverging = false, contours: levels = [], label, tickFormat, zones = [], lines = [], marks = [], unit, offset, zoneLabels = true}) {
  const top = max ?? (diverging ? maxAbs(values) : gridMax(values));
  const frame = videoFrame({width, videoWidth: video.width, videoHeight: video.height, unit, offset});
  const legend = diverging ? diffLegend({max: top, label, tickFormat}) : heatLegend({max: top, label, tickFormat});
  const href = paint(values, grid, top, diverging);
  const extent = {x1: 0, y1: 0, x2: grid.cols * grid.cell, y2: grid.rows * grid.cell};
  const chart = Plot.plot({
    ...frame.options,
    marks: [
      background ? frame.image(background, {opacity: diverging ? 0.45 : 0.9}) : null,
      Plot.image([extent], {
        x: (d) => (d.x1 + d.x2) / 2,
        y: (d) => (d.y1 + d.y2) / 2,
        width: (frame.innerWidth * extent.x2) / video.width,
        height: (frame.innerHeight * extent.y2) / video.height,
        src: () => href,
        preserveAspectRatio: "none",
        ariaDescription: "heat"
      }),
      levels.length && top > 0 ? contourMark(values, grid, levels.map((f) => f * top), diverging) : null,
      ...zoneMarks({zones, lines, width: video.width, unitScale: unit === "m" ? 0.04 : 1, labels: zoneLabels}),
      Plot.frame({stroke: "currentColor", strokeOpacity: 0.2}),
      ...marks
    ]
  });
  const figure = document.createElement("figure");
  figure.className = "smw-heatmap";
  figure.append(legend, chart);
  figure.dataset.max = String(top);
  return figure;
}

function maxAbs(values) {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

// One pixel per cell; empty cells transparent, others more opaque the hotter they are.
const canvasCache = new Map();
function paint(values, {cols, rows}, top, diverging) {
  const key = `${cols}x${rows}`;
  let canvas = canvasCache.get(key);
  if (!canvas) canvasCache.set(key, (canvas = Object.assign(document.createElement("canvas"), {width: cols, height: rows})));
  const context = canvas.getContext("2d");
  const image = context.createImageData(cols, rows);
  const px = image.data;
  const lut = colorTable(diverging);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // d3.blur2's running sums leave ~1e-17 where nobody was, and smoothing a long window's map
    // spreads a thin veil over everything: below 0.2% of the top is empty, not the scale's bottom
    if (!(top > 0) || !(Math.abs(v) > top * 2e-3)) continue;
    // heat: square-root scale, matching the legend; difference: linear, symmetric
    const u = diverging ? Math.max(-1, Math.min(1, v / top)) : Math.sqrt(Math.min(1, v / top));
    const k = Math.round((diverging ? (u + 1) / 2 : u) * 255) * 4;
    const strength = Math.abs(u);
    px[i * 4] = lut[k];
    px[i * 4 + 1] = lut[k + 1];
    px[i * 4 + 2] = lut[k + 2];
    px[i * 4 + 3] = diverging ? Math.round(255 * Math.min(1, 0.15 + strength * 1.2)) : Math.round(255 * (0.35 + 0.65 * strength));
  }
  context.putImageData(image, 0, 0);
  return canvas.toDataURL();
}

const tables = {};
function colorTable(diverging) {
  const key = diverging ? "diff" : "heat";
  if (tables[key]) return tables[key];
  const interpolate = diverging ? DIFF.interpolate : HEAT.interpolate;
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const c = rgb(interpolate(i / 255));
    lut.set([c.r, c.g, c.b, 255], i * 4);
  }
  return (tables[key] = lut);
}

/** Iso-lines of the grid at the given values (d3-contour), drawn in source pixels. */
export function contourMark(values, {cols, rows, cell}, thresholds, diverging = false) {
  const generator = contours().size([cols, rows]).smooth(true);
  const features = thresholds.map((v) => {
    const geometry = generator.contour(values, v);
    geometry.coordinates = geometry.coordinates.map((polygon) => polygon.map((ring) => ring.map(([x, y]) => [x * cell, y * cell])));
    return {geometry, value: v};
  });
  return [
    Plot.geo(features, {geometry: "geometry", stroke: "#111", strokeOpacity: 0.5, strokeWidth: 2.6, ariaDescription: "contour halo"}),
    Plot.geo(features, {geometry: "geometry", stroke: diverging ? "#111" : "white", strokeWidth: (d, i) => 0.8 + i * 0.35, ariaDescription: "contour"})
  ];
}
