// The page's scope as time: the chosen window [t0, t1) on the store's clock, narrowed by an
// optional filter to some weekdays and hours (a Calendar cell: "Mondays 12:00-13:00"), as a list
// of disjoint intervals. Every table of data/store.bin is sorted by time, so a scope is summed
// with one binary search per interval. Pure functions over typed arrays.
import {weekdayOf} from "./clock.js";

const DAY = 86400;

/**
 * @param win {t0, t1}; filter {weekdays?: number[] (Monday 0), hours?: number[]} or null
 * @param firstWeekday weekday of day 0 (clock.js firstWeekday)
 * @returns Float64Array [a0, b0, a1, b1, ...], sorted, disjoint, adjacent runs merged
 */
export function scopeIntervals({t0, t1}, filter, firstWeekday = 0) {
  if (!filter || (!filter.weekdays && !filter.hours)) return Float64Array.of(t0, t1);
  const days = filter.weekdays ? new Set(filter.weekdays) : null;
  const hours = filter.hours ? [...filter.hours].sort((a, b) => a - b) : null;
  const out = [];
  const push = (a, b) => {
    a = Math.max(a, t0);
    b = Math.min(b, t1);
    if (!(b > a)) return;
    if (out.length && out[out.length - 1] === a) out[out.length - 1] = b;
    else out.push(a, b);
  };
  for (let d = Math.floor(t0 / DAY); d * DAY < t1; d++) {
    if (days && !days.has(weekdayOf(d * DAY, firstWeekday))) continue;
    if (!hours) push(d * DAY, (d + 1) * DAY);
    else for (const h of hours) push(d * DAY + h * 3600, d * DAY + (h + 1) * 3600);
  }
  return Float64Array.from(out);
}

/** First index i with a[i] >= v in a sorted array. */
export function lowerBound(a, v, lo = 0, hi = a.length) {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Index ranges [lo, hi) of a sorted array that fall in the intervals, as a flat Int32Array
 * [lo0, hi0, lo1, hi1, ...]. Hot loops iterate these themselves: a callback per row (forEachIn)
 * costs several times more once a page calls it with many different callbacks.
 */
export function rangesIn(ts, intervals) {
  const out = new Int32Array(intervals.length);
  let from = 0;
  for (let k = 0; k < intervals.length; k += 2) {
    const lo = lowerBound(ts, intervals[k], from);
    const hi = lowerBound(ts, intervals[k + 1], lo);
    out[k] = lo;
    out[k + 1] = hi;
    from = hi;
  }
  return out;
}

/** Calls fn(i) for every i with ts[i] in one of the intervals (ts sorted ascending). */
export function forEachIn(ts, intervals, fn) {
  for (let k = 0; k < intervals.length; k += 2) {
    const b = intervals[k + 1];
    for (let i = lowerBound(ts, intervals[k]); i < ts.length && ts[i] < b; i++) fn(i);
  }
}

/** Whether t lies in one of the intervals. */
export function inIntervals(t, intervals) {
  // the last interval start <= t
  let lo = 0, hi = intervals.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (intervals[2 * mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && t < intervals[2 * (lo - 1) + 1];
}

/** Seconds the intervals cover. */
export function intervalsLength(intervals) {
  let s = 0;
  for (let k = 0; k < intervals.length; k += 2) s += intervals[k + 1] - intervals[k];
  return s;
}

/** "Mondays, 12:00–13:00" for a filter. */
export function describeFilter(filter, weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]) {
  if (!filter) return "";
  if (filter.label) return filter.label;
  const parts = [];
  if (filter.weekdays) parts.push(filter.weekdays.map((d) => `${weekdayNames[d]}s`).join(", "));
  if (filter.hours) parts.push(filter.hours.map((h) => `${String(h).padStart(2, "0")}:00–${String(h + 1).padStart(2, "0")}:00`).join(", "));
  return parts.join(", ");
}

/**
 * A series id per run of rows with no gap wider than 2.5 steps (Plot's z channel): sampled
 * footage has hours nobody filmed, and a line drawn across them claims footage that is not there.
 */
export function gapGroups(ts, step) {
  const z = new Array(ts.length);
  for (let i = 0, g = 0; i < ts.length; i++) z[i] = i > 0 && ts[i] - ts[i - 1] > step * 2.5 ? ++g : g;
  return z;
}
