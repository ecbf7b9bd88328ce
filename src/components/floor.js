// The store's floor plan: every chosen camera's customers mapped to metres through the camera's
// homography (camera.json `floor`), on one map. Dwell per floor cell and paths come from
// data/store.bin; walking speeds (m/s) per customer and zone areas (m²) from the engine
// (loaders/analytics/floor.ts).
import * as Plot from "@observablehq/plot";
import {medianOf} from "./stats.js";
import {rangesIn} from "./window.js";

/**
 * The part of the plan the cameras see: their floor points and zones with 2.5 m around them, in
 * whole cells of the floor grid, inside the plan. A store's plan is mostly rooms no camera films.
 */
export function floorView(store) {
  const {grid, plan} = store.floor;
  const pts = store.cameras.flatMap((c) => (c.floor ? [...(c.floor.at ?? []), ...c.floor.zones.flatMap((z) => z.polygon)] : []));
  const W = plan ? plan.width * plan.metresPerPixel : grid.cols * grid.cell, H = plan ? plan.height * plan.metresPerPixel : grid.rows * grid.cell;
  const snap = (v, f) => f(v / grid.cell) * grid.cell;
  const x0 = Math.max(0, snap(Math.min(...pts.map((p) => p[0])) - 2.5, Math.floor)), x1 = Math.min(W, snap(Math.max(...pts.map((p) => p[0])) + 2.5, Math.ceil));
  const y0 = Math.max(0, snap(Math.min(...pts.map((p) => p[1])) - 2.5, Math.floor)), y1 = Math.min(H, snap(Math.max(...pts.map((p) => p[1])) + 2.5, Math.ceil));
  const c0 = Math.round(x0 / grid.cell), r0 = Math.round(y0 / grid.cell);
  const cols = Math.min(grid.cols - c0, Math.round((x1 - x0) / grid.cell)), rows = Math.min(grid.rows - r0, Math.round((y1 - y0) / grid.cell));
  return {x0, y0, c0, r0, video: {width: cols * grid.cell, height: rows * grid.cell}, grid: {cols, rows, cell: grid.cell}, offset: [x0, y0]};
}

/** The view's cells of a whole-plan grid. */
export function cropValues(values, full, view) {
  const out = new Float64Array(view.grid.cols * view.grid.rows);
  for (let r = 0; r < view.grid.rows; r++) for (let c = 0; c < view.grid.cols; c++) out[r * view.grid.cols + c] = values[(r + view.r0) * full.cols + c + view.c0];
  return out;
}

/** The plan image cut to the view, as a data: URL (null without a plan). */
export async function croppedPlan(store, view) {
  const url = store.planUrl();
  if (!url || !store.floor?.plan) return null;
  const img = new Image();
  img.src = url;
  await img.decode();
  const m = store.floor.plan.metresPerPixel;
  const canvas = Object.assign(document.createElement("canvas"), {width: Math.round(view.video.width / m), height: Math.round(view.video.height / m)});
  canvas.getContext("2d").drawImage(img, view.x0 / m, view.y0 / m, canvas.width, canvas.height, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL();
}

/** The paths whose points map onto the floor, in the view's metres, as pathsMap reads them. */
export function floorPaths(store, view) {
  const p = store.tables.paths;
  const keep = [];
  for (let k = 0; k < p.who.length; k++) if (p.offset[k + 1] > p.offset[k] && Number.isFinite(p.fx[p.offset[k]])) keep.push(k);
  const n = keep.reduce((t, k) => t + p.offset[k + 1] - p.offset[k], 0);
  const out = {id: new Int32Array(keep.length), cam: new Uint8Array(keep.length), offset: new Uint32Array(keep.length + 1), t: new Float64Array(n), x: new Float32Array(n), y: new Float32Array(n), maxSeconds: 0};
  let at = 0;
  keep.forEach((k, j) => {
    out.id[j] = p.who[k];
    out.cam[j] = p.cam[k];
    out.offset[j] = at;
    for (let i = p.offset[k]; i < p.offset[k + 1]; i++, at++) (out.t[at] = p.t[i]), (out.x[at] = p.fx[i] - view.x0), (out.y[at] = p.fy[i] - view.y0);
    out.maxSeconds = Math.max(out.maxSeconds, p.t[p.offset[k + 1] - 1] - p.t[p.offset[k]]);
  });
  out.offset[keep.length] = at;
  return out;
}

/** Zones of the chosen cameras on the floor, in the view's metres. */
export function floorZones(store, cams, view) {
  const many = store.cameras.length > 1;
  return store.cameras.flatMap((c, k) => (!cams[k] || !c.floor ? [] : c.floor.zones.map((z) => ({...z, cam: k, name: `${many ? `${c.camera} · ` : ""}${z.zone}`, polygon: z.polygon.map(([x, y]) => [x - view.x0, y - view.y0])}))));
}

/** Walking speeds (m/s) of the customers first seen in the scope: per camera (typed arrays) and the medians. */
export function speeds(store, scope) {
  const v = store.tables.visitors;
  const r = rangesIn(v.start, scope.intervals);
  const n = store.cameras.length;
  const count = new Int32Array(n);
  for (let k = 0; k < r.length; k += 2) for (let i = r[k]; i < r[k + 1]; i++) if (scope.cams[v.cam[i]] && Number.isFinite(v.speed[i])) count[v.cam[i]]++;
  const per = store.cameras.map((_, c) => new Float32Array(count[c]));
  const fill = new Int32Array(n);
  for (let k = 0; k < r.length; k += 2) for (let i = r[k]; i < r[k + 1]; i++) if (scope.cams[v.cam[i]] && Number.isFinite(v.speed[i])) per[v.cam[i]][fill[v.cam[i]]++] = v.speed[i];
  const all = new Float32Array(count.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const p of per) (all.set(p, at), (at += p.length));
  const perCamera = store.cameras.map((c, k) => ({cam: k, camera: c.camera, mapped: !!c.floor, people: per[k].length, median: medianOf(per[k])})).filter((p) => scope.cams[p.cam]);
  return {per, perCamera, people: all.length, median: medianOf(all)};
}

/** Distribution of walking speeds, one colour per camera. */
export function speedChart(speed, store, {width}) {
  width = Math.max(240, width || 0);
  // binned here: a month of customers is too many rows to hand Plot's bin transform on every change
  const BIN = 0.1;
  const bins = [];
  speed.per.forEach((values, c) => {
    if (!values.length) return;
    const counts = new Int32Array(30);
    for (const s of values) counts[Math.min(29, Math.max(0, Math.floor(s / BIN)))]++;
    counts.forEach((n, b) => n && bins.push({camera: store.cameras[c].camera, x1: b * BIN, x2: (b + 1) * BIN, n}));
  });
  return Plot.plot({
    width,
    height: 200,
    marginLeft: 44,
    marginBottom: 36,
    x: {label: "walking speed (m/s) →", domain: [0, 3], labelAnchor: "right", labelOffset: 30},
    y: {label: "↑ people", grid: true, nice: true},
    color: {legend: true, label: "camera"},
    marks: [
      Plot.rectY(bins, Plot.stackY({x1: "x1", x2: "x2", y: "n", fill: "camera", tip: true})),
      Plot.ruleY([0])
    ]
  });
}
