// Customers, line crossings, zone visits and footage of data/store.bin, re-cut by the page's
// scope (chosen cameras, window, weekday/hour filter). As in the analytics engine, an event
// belongs to the window it starts in: a customer by when they entered view, a visit by when it
// entered the zone, a crossing by when it happened, footage by its frame (or bin).
import {median} from "d3";
import {forEachIn} from "./window.js";

/** Headline numbers of the scope: customers, crossings in/out (per line), median time in view, per camera. */
export function windowSummary(store, scope) {
  const {cams, intervals} = scope;
  const v = store.tables.visitors;
  const seconds = [];
  const perCamera = store.cameras.map((c, k) => ({cam: k, camera: c.camera, visitors: 0, in: 0, out: 0}));
  forEachIn(v.start, intervals, (i) => {
    if (!cams[v.cam[i]]) return;
    seconds.push(v.end[i] - v.start[i]);
    perCamera[v.cam[i]].visitors++;
  });
  const lines = store.linesOf(cams).map((l) => ({...l, in: 0, out: 0}));
  const at = new Int32Array(store.lineCount).fill(-1);
  lines.forEach((l, k) => (at[l.key] = k));
  const c = store.tables.crossings;
  const base = store.lineBase;
  forEachIn(c.t, intervals, (i) => {
    const k = c.cam[i];
    if (!cams[k]) return;
    const j = at[base[k] + c.line[i]];
    if (j < 0) return;
    if (c.dir[i] > 0) (lines[j].in++, perCamera[k].in++);
    else (lines[j].out++, perCamera[k].out++);
  });
  return {
    visitors: seconds.length,
    medianSeconds: median(seconds) ?? NaN,
    in: lines.reduce((s, l) => s + l.in, 0),
    out: lines.reduce((s, l) => s + l.out, 0),
    lines,
    perCamera: perCamera.filter((p) => cams[p.cam])
  };
}

/** Footage in the scope per camera: seconds filmed, customers' person-seconds, the most at once, people counted. */
export function footageIn(store, scope) {
  const b = store.tables.coverage;
  const out = store.cameras.map(() => ({seconds: 0, personSeconds: 0, peak: 0, counted: 0, countedFrames: 0}));
  forEachIn(b.t, scope.intervals, (i) => {
    const k = b.cam[i];
    if (!scope.cams[k]) return;
    const o = out[k];
    o.seconds += b.seconds[i];
    o.personSeconds += b.customers[i];
    o.peak = Math.max(o.peak, b.peak[i]);
    o.counted += b.counted[i];
    o.countedFrames += b.countedFrames[i];
  });
  return out;
}

/** Customers in view on average, summed over the chosen cameras (each camera's mean over its footage). */
export function meanInView(footage, cams) {
  let sum = 0, any = false;
  footage.forEach((f, k) => {
    if (!cams[k] || !(f.seconds > 0)) return;
    sum += f.personSeconds / f.seconds;
    any = true;
  });
  return any ? sum : NaN;
}

/**
 * Zone visits that started in the scope, as columns: key (store-wide zone index), who, seconds;
 * `rows(limit)` gives row objects of an even sample (for dots and tips).
 */
export function visitsIn(store, scope) {
  const z = store.tables.visits;
  const base = store.zoneBase;
  const idx = [];
  forEachIn(z.enter, scope.intervals, (i) => scope.cams[z.cam[i]] && idx.push(i));
  const n = idx.length;
  const key = new Int32Array(n), who = new Int32Array(n), seconds = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const i = idx[j];
    key[j] = base[z.cam[i]] + z.zone[i];
    who[j] = z.who[i];
    seconds[j] = z.exit[i] - z.enter[i];
  }
  return {n, key, who, seconds};
}

/** Customers (visitor indexes) who visited zone `zone` of camera `cam`, any time. */
export function whoVisited(store, cam, zone) {
  const z = store.tables.visits;
  const ids = new Set();
  for (let i = 0; i < z.zone.length; i++) if (z.cam[i] === cam && z.zone[i] === zone) ids.add(z.who[i]);
  return ids;
}

/** Map visitor index -> names of the zones they visited (any time), in zone order. */
export function zonesByWho(store) {
  const z = store.tables.visits;
  const sets = new Map();
  for (let i = 0; i < z.zone.length; i++) {
    let s = sets.get(z.who[i]);
    if (!s) sets.set(z.who[i], (s = new Set()));
    s.add(z.zone[i]);
  }
  const out = new Map();
  for (const [who, s] of sets) {
    const cam = store.tables.visitors.cam[who];
    const zones = store.cameras[cam]?.config.zones ?? [];
    out.set(who, [...s].sort((a, b) => a - b).map((i) => zones[i]?.name ?? `zone ${i}`));
  }
  return out;
}
