// Customers, line crossings, zone visits and footage of data/store.bin, re-cut by the page's
// scope (chosen cameras, window, weekday/hour filter). As in the analytics engine, an event
// belongs to the window it starts in: a customer by when they entered view, a visit by when it
// entered the zone, a crossing by when it happened, footage by its frame (or bin).
import {medianOf} from "./stats.js";
import {forEachIn, rangesIn} from "./window.js";

/** Headline numbers of the scope: customers, crossings in/out (per line), median time in view, per camera. */
export function windowSummary(store, scope) {
  const {cams, intervals} = scope;
  const v = store.tables.visitors;
  const perCamera = store.cameras.map((c, k) => ({cam: k, camera: c.camera, visitors: 0, in: 0, out: 0}));
  const counts = new Float64Array(store.cameras.length);
  const r = rangesIn(v.start, intervals);
  let n = 0;
  for (let k = 0; k < r.length; k += 2) n += r[k + 1] - r[k];
  const seconds = new Float64Array(n);
  let m = 0;
  for (let k = 0; k < r.length; k += 2) {
    for (let i = r[k]; i < r[k + 1]; i++) {
      const c = v.cam[i];
      if (!cams[c]) continue;
      seconds[m++] = v.end[i] - v.start[i];
      counts[c]++;
    }
  }
  perCamera.forEach((p, k) => (p.visitors = counts[k]));
  const lines = store.linesOf(cams).map((l) => ({...l, in: 0, out: 0}));
  const at = new Int32Array(store.lineCount).fill(-1);
  lines.forEach((l, k) => (at[l.key] = k));
  const ins = new Float64Array(lines.length), outs = new Float64Array(lines.length);
  const x = store.tables.crossings;
  const base = store.lineBase;
  const rc = rangesIn(x.t, intervals);
  for (let k = 0; k < rc.length; k += 2) {
    for (let i = rc[k]; i < rc[k + 1]; i++) {
      const c = x.cam[i];
      if (!cams[c]) continue;
      const j = at[base[c] + x.line[i]];
      if (j < 0) continue;
      if (x.dir[i] > 0) ins[j]++;
      else outs[j]++;
    }
  }
  lines.forEach((l, j) => {
    l.in = ins[j];
    l.out = outs[j];
    perCamera[l.cam].in += ins[j];
    perCamera[l.cam].out += outs[j];
  });
  const chosen = seconds.subarray(0, m);
  return {
    visitors: m,
    medianSeconds: medianOf(chosen),
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
  const r = rangesIn(z.enter, scope.intervals);
  let total = 0;
  for (let k = 0; k < r.length; k += 2) total += r[k + 1] - r[k];
  const key = new Int32Array(total), who = new Int32Array(total), seconds = new Float64Array(total);
  let n = 0;
  for (let k = 0; k < r.length; k += 2) {
    for (let i = r[k]; i < r[k + 1]; i++) {
      const c = z.cam[i];
      if (!scope.cams[c]) continue;
      key[n] = base[c] + z.zone[i];
      who[n] = z.who[i];
      seconds[n++] = z.exit[i] - z.enter[i];
    }
  }
  return {n, key: key.subarray(0, n), who: who.subarray(0, n), seconds: seconds.subarray(0, n)};
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
