// Before/after: the same measures for two windows (of one run or of two runs), their difference,
// and a 95% interval for it from a block bootstrap: each window is cut into equal time blocks,
// the blocks are resampled with replacement, so busy and quiet stretches vary together as they
// do in real footfall. Deterministic (seeded), so a page shows the same numbers every time.
import {quantile} from "d3";

const within = (t, win) => t >= win.t0 && (t < win.t1 || (win.full && t <= win.t1));

/** Per-block sums for one window: visitors, and per zone visits and visit-seconds. */
function blocks(events, win, zoneIndex, k) {
  const length = (win.t1 - win.t0) / k;
  const at = (t) => Math.min(k - 1, Math.floor((t - win.t0) / length));
  const nz = zoneIndex.length;
  const visitors = new Float64Array(k);
  const visits = new Float64Array(k * nz);
  const seconds = new Float64Array(k * nz);
  for (const t of events.tracks.start) if (within(t, win)) visitors[at(t)]++;
  const {zone, enter, exit} = events.visits;
  for (let i = 0; i < enter.length; i++) {
    const z = zoneIndex[zone[i]];
    if (z == null || z < 0 || !within(enter[i], win)) continue;
    const b = at(enter[i]);
    visits[b * nz + z]++;
    seconds[b * nz + z] += exit[i] - enter[i];
  }
  return {k, nz, hours: (win.t1 - win.t0) / 3600, visitors, visits, seconds};
}

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// measures of one (re)sample: visitors per hour; per zone visits per hour and mean seconds per visit
function measures(B, pick) {
  const {k, nz, hours} = B;
  let visitors = 0;
  const visits = new Float64Array(nz);
  const seconds = new Float64Array(nz);
  for (let j = 0; j < k; j++) {
    const b = pick ? pick() : j;
    visitors += B.visitors[b];
    for (let z = 0; z < nz; z++) {
      visits[z] += B.visits[b * nz + z];
      seconds[z] += B.seconds[b * nz + z];
    }
  }
  return {visitorsPerHour: visitors / hours, visitors, visits, visitsPerHour: Array.from(visits, (v) => v / hours), meanSeconds: Array.from(seconds, (s, z) => (visits[z] ? s / visits[z] : NaN))};
}

/**
 * @param a {events, win, zones} for window A; b the same for B (zones matched by name)
 * @param options.zones the zone list the table shows (names)
 * @returns {visitors: {a, b, diff, lo, hi}, zones: [{name, visitsA, visitsB, rate: {...}, dwell: {...}}], blocks, resamples}
 */
export function compareWindows(a, b, {zones, resamples = 1000, blocksPerWindow, seed = 42}) {
  const names = zones.map((z) => z.name);
  const indexFor = (own) => own.map((z) => names.indexOf(z.name));
  const k = blocksPerWindow ?? 20;
  const A = blocks(a.events, a.win, indexFor(a.zones), k);
  const B = blocks(b.events, b.win, indexFor(b.zones), k);
  const ma = measures(A), mb = measures(B);
  const random = mulberry32(seed);
  const pick = () => Math.floor(random() * k);
  const dv = [];
  const dr = names.map(() => []);
  const dd = names.map(() => []);
  for (let r = 0; r < resamples; r++) {
    const ra = measures(A, pick), rb = measures(B, pick);
    dv.push(rb.visitorsPerHour - ra.visitorsPerHour);
    names.forEach((_, z) => {
      dr[z].push(rb.visitsPerHour[z] - ra.visitsPerHour[z]);
      const d = rb.meanSeconds[z] - ra.meanSeconds[z];
      if (Number.isFinite(d)) dd[z].push(d);
    });
  }
  const interval = (values, a, b) => {
    const diff = b - a;
    if (!Number.isFinite(diff) || values.length < resamples * 0.5) return {a, b, diff, lo: NaN, hi: NaN};
    values.sort((x, y) => x - y);
    return {a, b, diff, lo: quantile(values, 0.025), hi: quantile(values, 0.975)};
  };
  return {
    blocks: k,
    resamples,
    visitors: {...interval(dv, ma.visitorsPerHour, mb.visitorsPerHour), countA: ma.visitors, countB: mb.visitors},
    zones: names.map((name, z) => ({
      name,
      kind: zones[z].kind,
      visitsA: ma.visits[z],
      visitsB: mb.visits[z],
      rate: interval(dr[z], ma.visitsPerHour[z], mb.visitsPerHour[z]),
      dwell: interval(dd[z], ma.meanSeconds[z], mb.meanSeconds[z])
    }))
  };
}

/** "clearly higher", "clearly lower" or "no clear change", from the interval. */
export function verdict({lo, hi}) {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return "not enough data";
  if (lo > 0) return "clearly higher";
  if (hi < 0) return "clearly lower";
  return "no clear change";
}
