// Where people walked: each track's foot path over the background plate, drawn on a canvas
// inside the Plot frame (thousands of paths stay fast), with Plot's axes, zones and hover tips.
// Colour per track (or by time); line width and opacity grow with the track's time in view.
import * as Plot from "@observablehq/plot";
import {unpackColumns} from "./binary.js";
import {videoFrame} from "./video-frame.js";
import {zoneMarks} from "./zones.js";
import {TIME_SCHEME, trackColor} from "./scales.js";
import {formatDuration} from "./clock.js";
import {interpolateViridis} from "d3";

/** @returns {{id: Int32Array, offset: Uint32Array, t, x, y: Float32Array, maxSeconds: number}} */
export function readPaths(buffer) {
  const {header, columns: c} = unpackColumns(buffer);
  const id = c.track_id ?? new Int32Array(0);
  const offset = c.offset ?? new Uint32Array(1);
  const t = c.t ?? new Float32Array(0);
  let maxSeconds = 0;
  for (let k = 0; k < id.length; k++) maxSeconds = Math.max(maxSeconds, t[offset[k + 1] - 1] - t[offset[k]]);
  return {...header, id, offset, t, x: c.x ?? new Float32Array(0), y: c.y ?? new Float32Array(0), maxSeconds};
}

/** Tracks seen in the window (and in `only`, a Set of track ids, when given), each clipped to it. */
export function visiblePaths(paths, win, only = null) {
  const {id, offset, t} = paths;
  const out = [];
  for (let k = 0; k < id.length; k++) {
    const a = offset[k], b = offset[k + 1];
    if (b <= a || t[b - 1] < win.t0 || t[a] > win.t1) continue;
    if (only && !only.has(id[k])) continue;
    let i = a;
    while (i < b && t[i] < win.t0) i++;
    let j = b;
    while (j > i && t[j - 1] > win.t1) j--;
    if (j - i < 1) continue;
    out.push({k, id: id[k], from: i, to: j, start: t[a], end: t[b - 1], seconds: t[b - 1] - t[a]});
  }
  return out;
}

/**
 * @param paths readPaths(...)
 * @param options.win the time window; options.only a Set of track ids or null
 * @param options.video {width, height}; options.background plate URL; options.clock makeClock(...)
 * @param options.color "track" (default) or "time"
 * @param options.zones, options.lines, options.highlight camera-config overlays
 */
export function pathsMap(paths, {width, win, only = null, video, background, clock, color = "track", zones = [], lines = [], highlight = -1}) {
  const frame = videoFrame({width, videoWidth: video.width, videoHeight: video.height});
  const visible = visiblePaths(paths, win, only);
  const maxSeconds = Math.max(1e-6, paths.maxSeconds);
  const few = visible.length <= 40;
  const {x, y, t} = paths;

  // hover targets: a few points per track, fewer when there are many tracks
  const per = Math.max(3, Math.min(40, Math.floor(20000 / Math.max(1, visible.length))));
  const targets = [];
  for (const v of visible) {
    const step = Math.max(1, Math.floor((v.to - v.from) / per));
    for (let i = v.from; i < v.to; i += step) targets.push({i, v});
  }
  const ends = few ? visible.map((v) => ({i: v.to - 1, v})) : [];
  const starts = few ? visible.map((v) => ({i: v.from, v})) : [];

  const chart = Plot.plot({
    ...frame.options,
    color: color === "time" ? {type: "linear", scheme: TIME_SCHEME, domain: [0, clock.duration], label: "time (s from start)", legend: false} : undefined,
    marks: [
      background ? frame.image(background, {opacity: 0.85}) : null,
      Plot.frame({stroke: "currentColor", strokeOpacity: 0.2}),
      ...zoneMarks({zones, lines, highlight}),
      Plot.dot(starts, {x: (d) => x[d.i], y: (d) => y[d.i], r: 2.5, fill: "white", stroke: "#111", strokeWidth: 1, ariaLabel: "track start"}),
      Plot.dot(ends, {x: (d) => x[d.i], y: (d) => y[d.i], r: 3.5, fill: (d) => pathColor(d.v, d.i), stroke: "white", strokeWidth: 1.2, ariaLabel: "track end"}),
      visible.length <= 25
        ? Plot.text(ends, {x: (d) => x[d.i], y: (d) => y[d.i], text: (d) => `#${d.v.id}`, dy: -9, fill: "white", stroke: "#111", strokeWidth: 3, fontSize: 10, fontWeight: 600, ariaLabel: "track label"})
        : null,
      Plot.tip(
        targets,
        Plot.pointer({
          x: (d) => x[d.i],
          y: (d) => y[d.i],
          title: (d) =>
            `track #${d.v.id}\nentered view ${clock.format(d.v.start)}\nleft view ${clock.format(d.v.end)}\ntime in view ${formatDuration(d.v.seconds)}\nhere at ${clock.format(t[d.i])}`,
          maxRadius: 20
        })
      )
    ]
  });

  // the paths, on a canvas in the plot area, under the zones and tips
  const scale = devicePixelRatio || 1;
  const {marginLeft, marginTop} = frame.options;
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(frame.innerWidth * scale);
  canvas.height = Math.round(frame.innerHeight * scale);
  canvas.style.cssText = `width:${frame.innerWidth}px;height:${frame.innerHeight}px;display:block`;
  const ctx = canvas.getContext("2d");
  ctx.scale((frame.innerWidth * scale) / video.width, (frame.innerHeight * scale) / video.height);
  ctx.lineJoin = ctx.lineCap = "round";
  const pxPerUnit = video.width / frame.innerWidth; // line widths in CSS pixels
  const crowd = Math.min(1, Math.sqrt(60 / Math.max(60, visible.length))); // fade when crowded
  // long stays on top
  visible.sort((a, b) => a.seconds - b.seconds);
  for (const v of visible) {
    const u = Math.sqrt(v.seconds / maxSeconds);
    const lw = (1 + 4 * u) * pxPerUnit;
    ctx.globalAlpha = crowd * (0.55 + 0.45 * u);
    if (v.to - v.from < 2) continue;
    if (few) {
      ctx.strokeStyle = "rgba(17,17,17,0.5)";
      ctx.lineWidth = lw + 2.5 * pxPerUnit;
      stroke(ctx, x, y, v.from, v.to);
    }
    ctx.lineWidth = lw;
    if (color === "time") {
      for (let i = v.from + 1; i < v.to; i++) {
        ctx.strokeStyle = interpolateViridis(t[i] / Math.max(1e-6, clock.duration));
        stroke(ctx, x, y, i - 1, i + 1);
      }
    } else {
      ctx.strokeStyle = trackColor(v.id);
      stroke(ctx, x, y, v.from, v.to);
    }
  }
  const holder = document.createElementNS("http://www.w3.org/2000/svg", "foreignObject");
  holder.setAttribute("x", marginLeft);
  holder.setAttribute("y", marginTop);
  holder.setAttribute("width", frame.innerWidth);
  holder.setAttribute("height", frame.innerHeight);
  holder.setAttribute("aria-label", "paths");
  holder.append(canvas);
  const plate = chart.querySelector('g[aria-label="image"]');
  if (plate) plate.after(holder);
  else chart.prepend(holder);

  function pathColor(v, i) {
    return color === "time" ? interpolateViridis(t[i] / Math.max(1e-6, clock.duration)) : trackColor(v.id);
  }

  const figure = document.createElement("figure");
  figure.className = "smw-paths-map";
  figure.append(widthLegend(maxSeconds, color === "time" ? clock : null), chart);
  figure.dataset.tracks = String(visible.length);
  return figure;
}

function stroke(ctx, x, y, from, to) {
  ctx.beginPath();
  ctx.moveTo(x[from], y[from]);
  for (let i = from + 1; i < to; i++) ctx.lineTo(x[i], y[i]);
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
  if (clock) div.append(Plot.legend({color: {type: "linear", scheme: TIME_SCHEME, domain: [0, clock.duration], label: "colour: time from start of video (s)", width: 240, ticks: 4}}));
  return div;
}
