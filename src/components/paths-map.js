// Where people walked: each track's foot path over the background plate, drawn on a canvas
// inside the Plot frame (thousands of paths stay fast), with Plot's axes, zones and hover tips.
// Colour per track (or by time); line width and opacity grow with the track's time in view.
import * as Plot from "@observablehq/plot";
import {inIntervals} from "./window.js";
import {videoFrame} from "./video-frame.js";
import {zoneMarks} from "./zones.js";
import {TIME_SCHEME, TRACK_COLORS, trackColor} from "./scales.js";
import {paletteOf, rasterizePaths} from "./raster.js";
import {formatDuration} from "./clock.js";
import {interpolateViridis, rgb} from "d3";

const rgbHex = (c) => rgb(c).formatHex();

const TIME_STEPS = 32;
const TIME_PALETTE = paletteOf(Array.from({length: TIME_STEPS}, (_, k) => rgbHex(interpolateViridis((k + 0.5) / TIME_STEPS))));
const TRACK_PALETTE = paletteOf(TRACK_COLORS);
const trackIndex = (id) => ((id % TRACK_COLORS.length) + TRACK_COLORS.length) % TRACK_COLORS.length;

/**
 * The bundle's sampled paths (data/store.bin) as pathsMap reads them: per track its customer
 * (id), camera and point range; per point t, x, y (picture pixels) and fx, fy (floor metres).
 */
export function pathsOf(store) {
  const p = store.tables.paths;
  let maxSeconds = 0;
  for (let k = 0; k < p.who.length; k++) if (p.offset[k + 1] > p.offset[k]) maxSeconds = Math.max(maxSeconds, p.t[p.offset[k + 1] - 1] - p.t[p.offset[k]]);
  return {id: p.who, cam: p.cam, offset: p.offset, t: p.t, x: p.x, y: p.y, fx: p.fx, fy: p.fy, maxSeconds};
}

/**
 * Tracks seen in the scope (of camera `camera`, or of the chosen cameras `cams`; in `only`, a Set
 * of customers, when given), each clipped to its first and last point inside the scope.
 */
export function visiblePaths(paths, scope, {camera = -1, only = null} = {}) {
  const {id, cam, offset, t} = paths;
  const iv = scope.intervals;
  const lo = iv[0], hi = iv[iv.length - 1];
  const inside = (v) => inIntervals(v, iv);
  const out = [];
  for (let k = 0; k < id.length; k++) {
    if (camera >= 0 ? cam[k] !== camera : !scope.cams[cam[k]]) continue;
    const a = offset[k], b = offset[k + 1];
    if (b <= a || t[b - 1] < lo || t[a] >= hi) continue;
    if (only && !only.has(id[k])) continue;
    let i = a;
    while (i < b && !inside(t[i])) i++;
    let j = b;
    while (j > i && !inside(t[j - 1])) j--;
    if (j - i < 1) continue;
    out.push({k, id: id[k], from: i, to: j, start: t[a], end: t[b - 1], seconds: t[b - 1] - t[a]});
  }
  return out;
}

/**
 * @param paths pathsOf(store)
 * @param options.scope the page's scope; options.camera the camera shown; options.only a Set of customers or null
 * @param options.video {width, height}; options.background plate URL; options.clock makeClock(...)
 * @param options.color "track" (default) or "time"
 * @param options.zones, options.lines, options.highlight camera-config overlays
 */
export function pathsMap(paths, {width, scope, camera, only = null, video, background, clock, color = "track", zones = [], lines = [], highlight = -1, unit, offset, zoneLabels = true}) {
  const frame = videoFrame({width, videoWidth: video.width, videoHeight: video.height, unit, offset});
  const visible = visiblePaths(paths, scope, {camera, only});
  const maxSeconds = Math.max(1e-6, paths.maxSeconds);
  const few = visible.length <= 40;
  const {x, y, t} = paths;
  const [d0, d1] = clock.domain;
  const timeIndex = (i) => Math.min(TIME_STEPS - 1, Math.max(0, Math.floor(((t[i] - d0) / Math.max(1e-6, d1 - d0)) * TIME_STEPS)));

  const ends = few ? visible.map((v) => ({i: v.to - 1, v})) : [];
  const starts = few ? visible.map((v) => ({i: v.from, v})) : [];

  // Layers, bottom to top: the plate (img), the paths (canvas), the hovered path (canvas), then
  // Plot's transparent SVG with axes, zones, ends and labels. Plain HTML layers keep the paint
  // cheap: a canvas inside an SVG foreignObject costs much more to composite.
  const chart = Plot.plot({
    ...frame.options,
    style: {background: "transparent", position: "relative", zIndex: 1},
    color: color === "time" ? {type: "linear", scheme: TIME_SCHEME, domain: clock.domain, label: "time", legend: false} : undefined,
    marks: [
      Plot.frame({stroke: "currentColor", strokeOpacity: 0.2}),
      ...zoneMarks({zones, lines, highlight, width: video.width, unitScale: unit === "m" ? 0.04 : 1, labels: zoneLabels}),
      Plot.dot(starts, {x: (d) => x[d.i], y: (d) => y[d.i], r: 2.5, fill: "white", stroke: "#111", strokeWidth: 1, ariaDescription: "track start"}),
      Plot.dot(ends, {x: (d) => x[d.i], y: (d) => y[d.i], r: 3.5, fill: (d) => pathColor(d.v, d.i), stroke: "white", strokeWidth: 1.2, ariaDescription: "track end"}),
      visible.length <= 25
        ? Plot.text(ends, {x: (d) => x[d.i], y: (d) => y[d.i], text: (d) => `#${d.v.id + 1}`, dy: -9, fill: "white", stroke: "#111", strokeWidth: 3, fontSize: 10, fontWeight: 600, ariaDescription: "track label"})
        : null
    ]
  });

  // the paths, on a canvas in the plot area, under the zones and labels
  const scale = devicePixelRatio || 1;
  const {marginLeft, marginTop} = frame.options;
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(frame.innerWidth * scale);
  canvas.height = Math.round(frame.innerHeight * scale);
  const place = `position:absolute;z-index:0;left:${frame.options.marginLeft}px;top:${frame.options.marginTop}px;width:${frame.innerWidth}px;height:${frame.innerHeight}px;`;
  canvas.className = "smw-paths";
  canvas.style.cssText = place;
  const pxPerUnit = video.width / frame.innerWidth; // line widths in CSS pixels
  const crowd = Math.min(1, Math.sqrt(60 / Math.max(60, visible.length))); // fade when crowded
  const widthOf = (v) => 1 + 4 * Math.sqrt(v.seconds / maxSeconds); // CSS pixels
  const alphaOf = (v) => crowd * (0.55 + 0.45 * Math.sqrt(v.seconds / maxSeconds));
  // long stays on top
  visible.sort((a, b) => a.seconds - b.seconds);
  if (visible.length > 150) {
    // crowded: JavaScript rasteriser (see raster.js), thinner lines
    rasterizePaths(canvas, {
      x, y, sx: (frame.innerWidth * scale) / video.width, sy: (frame.innerHeight * scale) / video.height,
      paths: visible,
      width: visible.length > 800 ? () => scale : (v) => (0.6 + 0.4 * (widthOf(v) - 1)) * scale,
      alpha: alphaOf,
      color: color === "time" ? (v, i) => timeIndex(i) : (v) => trackIndex(v.id),
      palette: color === "time" ? TIME_PALETTE : TRACK_PALETTE
    });
  } else {
    const ctx = canvas.getContext("2d");
    ctx.scale((frame.innerWidth * scale) / video.width, (frame.innerHeight * scale) / video.height);
    ctx.lineJoin = ctx.lineCap = "round";
    for (const v of visible) {
      if (v.to - v.from < 2) continue;
      const lw = widthOf(v) * pxPerUnit;
      ctx.globalAlpha = alphaOf(v);
      if (few) {
        ctx.strokeStyle = "rgba(17,17,17,0.5)";
        ctx.lineWidth = lw + 2.5 * pxPerUnit;
        stroke(ctx, x, y, v.from, v.to);
      }
      ctx.lineWidth = lw;
      if (color === "time") {
        // one stroke per run of points in the same time step
        for (let i = v.from; i < v.to - 1; ) {
          const b = timeIndex(i);
          let j = i + 1;
          while (j < v.to - 1 && timeIndex(j) === b) j++;
          ctx.strokeStyle = interpolateViridis((b + 0.5) / TIME_STEPS);
          stroke(ctx, x, y, i, j + 1);
          i = j;
        }
      } else {
        ctx.strokeStyle = trackColor(v.id);
        stroke(ctx, x, y, v.from, v.to);
      }
    }
  }
  const hoverLayer = canvas.cloneNode();
  hoverLayer.className = "smw-paths-hover";
  hoverLayer.style.cssText = place;
  const box = document.createElement("div");
  box.className = "smw-plot-box";
  box.style.cssText = "position:relative";
  if (background) {
    const plate = new Image();
    plate.src = background;
    plate.alt = "background plate";
    plate.style.cssText = place + "opacity:0.85";
    box.append(plate);
  }
  box.append(canvas, hoverLayer, chart);

  function pathColor(v, i) {
    return color === "time" ? interpolateViridis((timeIndex(i) + 0.5) / TIME_STEPS) : trackColor(v.id);
  }

  const figure = document.createElement("figure");
  figure.className = "smw-paths-map";
  figure.append(widthLegend(maxSeconds, color === "time" ? clock : null), box);
  attachHover({figure, chart, hoverLayer, paths, visible, clock, video, frame, scale});
  figure.dataset.tracks = String(visible.length);
  return figure;
}

// Hover: the nearest path point within 16 px names its track, when it entered and left view and
// how long it stayed, and outlines the whole path. A grid index is built on the first move, so
// a window change costs nothing for hovering.
function attachHover({figure, chart, hoverLayer, paths, visible, clock, video, frame, scale}) {
  const {x, y, t} = paths;
  const {marginLeft, marginTop} = frame.options;
  const sx = frame.innerWidth / video.width, sy = frame.innerHeight / video.height;
  const R = 16, size = 32; // search radius and index cell, CSS pixels
  let index = null;
  const build = () => {
    index = new Map();
    visible.forEach((v, n) => {
      for (let i = v.from; i < v.to; i++) {
        const key = Math.floor((x[i] * sx) / size) * 4096 + Math.floor((y[i] * sy) / size);
        let cell = index.get(key);
        if (!cell) index.set(key, (cell = []));
        cell.push(n, i);
      }
    });
  };
  const tip = document.createElement("div");
  tip.className = "smw-tip";
  tip.hidden = true;
  figure.append(tip);
  const ctx = hoverLayer.getContext("2d");
  const clear = () => {
    tip.hidden = true;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, hoverLayer.width, hoverLayer.height);
    figure.dataset.hover = "";
  };
  chart.addEventListener("pointerleave", clear);
  chart.addEventListener("pointermove", (event) => {
    if (!index) build();
    const box = chart.getBoundingClientRect();
    const k = chart.width?.baseVal?.value ? box.width / chart.width.baseVal.value : 1;
    const px = (event.clientX - box.left) / k - marginLeft, py = (event.clientY - box.top) / k - marginTop;
    let best = -1, bestD = R * R, bestN = -1;
    const cx = Math.floor(px / size), cy = Math.floor(py / size);
    for (let gx = cx - 1; gx <= cx + 1; gx++)
      for (let gy = cy - 1; gy <= cy + 1; gy++) {
        const cell = index.get(gx * 4096 + gy);
        if (!cell) continue;
        for (let j = 0; j < cell.length; j += 2) {
          const i = cell[j + 1];
          const d = (x[i] * sx - px) ** 2 + (y[i] * sy - py) ** 2;
          if (d < bestD) (bestD = d), (best = i), (bestN = cell[j]);
        }
      }
    if (best < 0) return clear();
    const v = visible[bestN];
    tip.hidden = false;
    tip.innerHTML = `<strong>track #${v.id + 1}</strong><br>entered view ${clock.format(v.start)}<br>left view ${clock.format(v.end)}<br>time in view ${formatDuration(v.seconds)}<br><span>here at ${clock.format(t[best])}</span>`;
    const fbox = figure.getBoundingClientRect();
    const left = (marginLeft + x[best] * sx) * k + box.left - fbox.left, top = (marginTop + y[best] * sy) * k + box.top - fbox.top;
    tip.style.left = `${Math.min(left + 12, fbox.width - 200)}px`;
    tip.style.top = `${top + 12}px`;
    figure.dataset.hover = String(v.id);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, hoverLayer.width, hoverLayer.height);
    ctx.setTransform(sx * scale, 0, 0, sy * scale, 0, 0);
    ctx.lineJoin = ctx.lineCap = "round";
    ctx.strokeStyle = "#111";
    ctx.lineWidth = 5 / sx;
    stroke(ctx, x, y, v.from, v.to);
    ctx.strokeStyle = "white";
    ctx.lineWidth = 2 / sx;
    stroke(ctx, x, y, v.from, v.to);
  });
}

function stroke(ctx, x, y, from, to, every = 1) {
  ctx.beginPath();
  ctx.moveTo(x[from], y[from]);
  for (let i = from + every; i < to - 1; i += every) ctx.lineTo(x[i], y[i]);
  if (to - 1 > from) ctx.lineTo(x[to - 1], y[to - 1]);
  ctx.stroke();
}

// Line width (and opacity) key: time in view. With colour by time, also the time ramp.
function widthLegend(maxSeconds, clock) {
  const div = document.createElement("div");
  div.className = "smw-legend-row";
  const svgNS = "http://www.w3.org/2000/svg";
  const key = document.createElementNS(svgNS, "svg");
  const samples = [0.1, 0.4, 1].map((f) => f * maxSeconds);
  key.setAttribute("width", 250);
  key.setAttribute("height", 36);
  key.innerHTML =
    `<text x="0" y="10" font-size="10" font-weight="600" fill="currentColor">line width: time in view</text>` +
    samples
      .map((s, i) => {
        const u = Math.sqrt(s / maxSeconds);
        const x0 = 4 + i * 80;
        return `<line x1="${x0}" x2="${x0 + 26}" y1="24" y2="24" stroke="#6b7280" stroke-linecap="round" stroke-width="${1 + 4 * u}" stroke-opacity="${0.55 + 0.45 * u}"/>` +
          `<text x="${x0 + 32}" y="28" font-size="10" fill="currentColor">${formatDuration(s)}</text>`;
      })
      .join("");
  div.append(key);
  if (clock) div.append(Plot.legend({color: {type: clock.wall ? "utc" : "linear", scheme: TIME_SCHEME, domain: clock.domain.map(clock.x), label: "colour: time", width: 240, ticks: 3, ...(clock.wall ? {tickFormat: clock.axis.tickFormat} : {})}}));
  return div;
}
