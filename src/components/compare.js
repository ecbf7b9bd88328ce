// Before/after in the browser: the point estimates of the analytics engine's compare() (visits
// per hour of footage and mean seconds per visit, per zone) for windows the reader moved away
// from the configured ones. The 95% intervals come only from the engine (data/compare.json),
// which computes them for the configured windows. test/pages-engine.test.ts holds the two equal.
import {within} from "./events.js";

/**
 * Hours of footage in the window, as the engine counts them: the analysed frames (at 0, dt,
 * 2 dt, ...) whose time lies in [t0, t1), each standing for dt seconds.
 */
export function footageHours(win, frames, frameSeconds) {
  // the first frame at or after t (a time on a frame, give or take rounding, is that frame)
  const first = (t) => Math.min(frames, Math.max(0, Math.ceil(t / frameSeconds - 1e-9)));
  const n = win.full ? frames : first(win.t1) - first(win.t0);
  return (Math.max(0, n) * frameSeconds) / 3600;
}

/**
 * @param side {events, win, zones, frames, frameSeconds}: frames analysed and seconds per frame
 *   (info.json's framesAnalysed and frameSeconds)
 * @returns per zone name {visits, rate, meanDwell}, and {visitors, hours}
 */
export function windowMeasures({events, win, zones, frames, frameSeconds}) {
  const hours = footageHours(win, frames, frameSeconds);
  const visits = new Float64Array(zones.length);
  const seconds = new Float64Array(zones.length);
  const {zone, enter, exit} = events.visits;
  for (let i = 0; i < enter.length; i++) {
    if (!within(enter[i], win) || zone[i] >= zones.length) continue;
    visits[zone[i]]++;
    seconds[zone[i]] += exit[i] - enter[i];
  }
  // people seen in the window (the engine's "visitors" of a compare side): first observation
  // before its end, last one (a frame before the track's end) at or after its start
  let present = 0;
  const {start, end} = events.tracks;
  const t0 = Math.fround(win.t0), t1 = Math.fround(win.t1);
  for (let i = 0; i < start.length; i++) if (end[i] - frameSeconds >= t0 - 1e-6 && (start[i] < t1 || win.full)) present++;
  return {
    hours,
    visitors: present,
    zones: zones.map((z, k) => ({name: z.name, kind: z.kind, visits: visits[k], rate: hours > 0 ? visits[k] / hours : NaN, meanDwell: visits[k] ? seconds[k] / visits[k] : NaN}))
  };
}

/** The engine's result shape ({zones: [{zone, kind, visitRate, meanDwell}], hours, visitors}) from point estimates. */
export function pointComparison(a, b) {
  const none = [NaN, NaN];
  const estimate = (x, y) => ({a: x, b: y, diff: y - x, ciDiff: none, significant: false, relative: x > 0 ? y / x - 1 : null});
  return {
    hours: [a.hours, b.hours],
    visitors: [a.visitors, b.visitors],
    zones: a.zones.map((z, k) => ({
      zone: z.name,
      kind: z.kind,
      visitsA: z.visits,
      visitsB: b.zones[k]?.visits ?? 0,
      visitRate: estimate(z.rate, b.zones[k]?.rate ?? NaN),
      meanDwell: estimate(z.meanDwell, b.zones[k]?.meanDwell ?? NaN)
    })),
    summary: null
  };
}
