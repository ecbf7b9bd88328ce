// Before/after in the browser: the point estimates of the analytics engine's compare() (visits
// per hour of footage and mean seconds per visit, per zone) for windows the reader moved away
// from the configured ones. The 95% intervals come only from the engine (data/compare.json),
// which computes them for the configured windows.

const within = (t, win) => t >= win.t0 && (t < win.t1 || (win.full && t <= win.t1));

/** Hours of footage in the window, given the run's duration in seconds. */
export const footageHours = (win, duration) => Math.max(0, Math.min(win.t1, duration) - Math.max(0, win.t0)) / 3600;

/**
 * @param side {events, win, zones, duration}
 * @returns per zone name {visits, rate, meanDwell}, and {visitors, hours}
 */
export function windowMeasures({events, win, zones, duration}) {
  const hours = footageHours(win, duration);
  const visits = new Float64Array(zones.length);
  const seconds = new Float64Array(zones.length);
  const {zone, enter, exit} = events.visits;
  for (let i = 0; i < enter.length; i++) {
    if (!within(enter[i], win) || zone[i] >= zones.length) continue;
    visits[zone[i]]++;
    seconds[zone[i]] += exit[i] - enter[i];
  }
  // people seen in the window (the engine's "visitors" of a compare side)
  let present = 0;
  const {start, end} = events.tracks;
  for (let i = 0; i < start.length; i++) if (end[i] >= win.t0 && start[i] < win.t1) present++;
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
