// Before/after in the browser, matched by weekday and hour: the point estimates of the analytics
// engine's compareMatched() (loaders/analytics/matched.ts) for periods the reader moved away from
// the configured ones. Strata are (weekday, hour) of the store's clock; when the matched strata
// hold less than half of either period's footage, (weekday or weekend, hour), then hour alone.
// Each figure is standardised over the matched strata with one set of weights for both periods.
// The intervals come only from the engine (data/compare.json). test/pages-store.test.ts holds the
// two equal.
import {median} from "d3";
import {firstWeekday, formatDuration, hourOf, weekdayOf} from "./clock.js";
import {forEachIn} from "./window.js";

export const LEVELS = ["weekday and hour", "weekday or weekend, and hour", "hour"];
const MIN_MATCHED_SHARE = 0.5;

/** Stratum key of store time t at a level (as the engine's stratumOf). */
export function stratum(level, t, w0) {
  const wd = weekdayOf(t, w0), h = hourOf(t);
  if (level === "weekday and hour") return wd * 24 + h;
  if (level === "weekday or weekend, and hour") return (wd >= 5 ? 100 : 0) + h;
  return h;
}

/** The intervals of [t0, t1) whose stratum is in `strata` (hours never straddle a stratum). */
export function strataIntervals([t0, t1], level, strata, w0) {
  const out = [];
  for (let h = Math.floor(t0 / 3600); h * 3600 < t1; h++) {
    if (!strata.has(stratum(level, h * 3600, w0))) continue;
    const a = Math.max(t0, h * 3600), b = Math.min(t1, (h + 1) * 3600);
    if (out.length && out[out.length - 1] === a) out[out.length - 1] = b;
    else out.push(a, b);
  }
  return Float64Array.from(out);
}

/** One period of one camera: footage per stratum, and its customers (stratum of first sight, visits per zone). */
function period(store, cam, win, level, w0) {
  const iv = Float64Array.of(win[0], win[1]);
  const footage = new Map();
  const b = store.tables.coverage;
  forEachIn(b.t, iv, (i) => b.cam[i] === cam && footage.set(stratum(level, b.t[i], w0), (footage.get(stratum(level, b.t[i], w0)) ?? 0) + b.seconds[i]));
  const zones = store.cameras[cam].config.zones.length;
  const people = new Map();
  const v = store.tables.visitors;
  forEachIn(v.start, iv, (i) => v.cam[i] === cam && people.set(i, {stratum: stratum(level, v.start[i], w0), visits: new Float64Array(zones), dwell: new Float64Array(zones), dwells: Array.from({length: zones}, () => [])}));
  const z = store.tables.visits;
  forEachIn(z.enter, iv, (i) => {
    const p = z.cam[i] === cam ? people.get(z.who[i]) : undefined;
    if (!p) return; // a visit begun before the person was first seen in the window: not theirs here
    p.visits[z.zone[i]]++;
    p.dwell[z.zone[i]] += z.exit[i] - z.enter[i];
    p.dwells[z.zone[i]].push(z.exit[i] - z.enter[i]);
  });
  return {footage, people: [...people.values()]};
}

/** Standardised rate and mean dwell of both periods over the strata (the engine's standardise). */
export function standardise(strata, hoursA, hoursB, a, b) {
  let rw = 0, ra = 0, rb = 0, dw = 0, da = 0, db = 0;
  for (const s of strata) {
    const ha = hoursA.get(s) ?? 0, hb = hoursB.get(s) ?? 0;
    const xa = a.get(s) ?? {n: 0, seconds: 0}, xb = b.get(s) ?? {n: 0, seconds: 0};
    const w = ha + hb;
    rw += w; ra += (w * xa.n) / ha; rb += (w * xb.n) / hb;
    if (xa.n > 0 && xb.n > 0) {
      const v = xa.n + xb.n;
      dw += v; da += (v * xa.seconds) / xa.n; db += (v * xb.seconds) / xb.n;
    }
  }
  return {rate: [rw ? ra / rw : NaN, rw ? rb / rw : NaN], dwell: [dw ? da / dw : NaN, dw ? db / dw : NaN]};
}

/**
 * Matched point estimates for camera `cam` and periods a, b ([t0, t1] each): the level used, the
 * matched strata and hours, people, footfall (customers per hour filmed) and per zone the visit
 * rate, mean and median dwell, in the engine's result shape (no intervals).
 */
export function matchedMeasures(store, cam, a, b) {
  const w0 = firstWeekday(store);
  let chosen = null;
  for (const level of LEVELS) {
    const [A, B] = [period(store, cam, a, level, w0), period(store, cam, b, level, w0)];
    const strata = [...A.footage.keys()].filter((k) => (B.footage.get(k) ?? 0) > 0).sort((x, y) => x - y);
    const total = (p) => [...p.footage.values()].reduce((t, s) => t + s, 0);
    const share = (p) => strata.reduce((t, k) => t + p.footage.get(k), 0) / Math.max(1e-9, total(p));
    chosen = {level, A, B, strata, total};
    if (strata.length && Math.min(share(A), share(B)) >= MIN_MATCHED_SHARE) break;
  }
  const {level, A, B, strata, total} = chosen;
  const matched = new Set(strata);
  const hours = (p) => new Map(strata.map((k) => [k, p.footage.get(k) / 3600]));
  const [hA, hB] = [hours(A), hours(B)];
  const [pA, pB] = [A.people.filter((p) => matched.has(p.stratum)), B.people.filter((p) => matched.has(p.stratum))];
  const sums = (people, z) => {
    const m = new Map();
    for (const p of people) {
      const x = m.get(p.stratum) ?? {n: 0, seconds: 0};
      if (z < 0) x.n++;
      else (x.n += p.visits[z]), (x.seconds += p.dwell[z]);
      m.set(p.stratum, x);
    }
    return m;
  };
  const point = (x, y) => ({a: x, b: y, diff: y - x, ciDiff: [NaN, NaN], significant: false, relative: x > 0 ? y / x - 1 : null});
  const visitors = standardise(strata, hA, hB, sums(pA, -1), sums(pB, -1)).rate;
  const matchedHours = [[...hA.values()].reduce((t, h) => t + h, 0), [...hB.values()].reduce((t, h) => t + h, 0)];
  return {
    level: strata.length ? level : "nothing",
    strata,
    matchedHours,
    unmatchedHours: [total(A) / 3600 - matchedHours[0], total(B) / 3600 - matchedHours[1]],
    visitors: [pA.length, pB.length],
    footfall: point(visitors[0], visitors[1]),
    zones: store.cameras[cam].config.zones.map((zone, z) => {
      const s = standardise(strata, hA, hB, sums(pA, z), sums(pB, z));
      const med = (ps) => median(ps.flatMap((p) => p.dwells[z])) ?? NaN;
      return {zone: zone.name, kind: zone.kind, visitRate: point(s.rate[0], s.rate[1]), meanDwell: point(s.dwell[0], s.dwell[1]), medianDwell: point(med(pA), med(pB))};
    }),
    summary: null
  };
}

/** "weekday and hour: 44 of 44 hours of A, 33 of 33 of B" */
export function describeMatch(m, names = ["A", "B"]) {
  if (m.level === "nothing") return "no hour of the day was filmed in both periods: nothing to compare";
  const h = (x) => formatDuration(x * 3600);
  const what = {"weekday and hour": "weekday and hour of day", "weekday or weekend, and hour": "weekday or weekend and hour of day (too few of the same weekdays in both)", hour: "hour of day only (the periods share too few weekdays)"}[m.level];
  return `matched by ${what}: ${m.strata.length} hour${m.strata.length === 1 ? "" : "s"} of the ${m.level === "weekday and hour" ? "week" : "day"} filmed in both, ${h(m.matchedHours[0])} of ${h(m.matchedHours[0] + m.unmatchedHours[0])} filmed in ${names[0]} and ${h(m.matchedHours[1])} of ${h(m.matchedHours[1] + m.unmatchedHours[1])} in ${names[1]}`;
}
