// Times on every page are seconds on the store's clock (data/store.bin): from local midnight of
// the dataset's first date, read as the store's wall clock (kept in UTC internally, so the
// viewer's time zone never shifts them); without a wall-clock start, seconds from the video start.
import {utcFormat} from "d3";

const pad = (n) => String(n).padStart(2, "0");
const dayFormat = utcFormat("%a %-d %b");
export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAY = 86400;

/**
 * @param store readStore(...) (uses wall, epochMs)
 * @param domain [t0, t1]: the span the page shows (the chosen dates' footage)
 */
export function makeClock(store, domain) {
  const wall = store.wall;
  const [d0, d1] = domain;
  const duration = d1 - d0;
  const fine = duration < 120; // short clips: show tenths of a second
  const toDate = (t) => new Date(store.epochMs + t * 1000);
  const multiDay = wall && Math.floor(d0 / DAY) !== Math.floor((d1 - 1e-6) / DAY);
  const clockFormat = utcFormat(multiDay ? "%a %-d %b %H:%M" : fine ? "%H:%M:%S.%L" : "%H:%M:%S");
  const format = (t) => {
    if (wall) {
      const s = clockFormat(toDate(t));
      return fine ? s.slice(0, -2) : s; // %L gives milliseconds: keep tenths
    }
    if (duration < 600) return `${t.toFixed(1)} s`;
    const s = Math.round(t);
    return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
  };
  const span = duration < 120 ? 0 : duration < 2 * DAY ? 1 : 2;
  return {
    wall,
    domain,
    duration,
    format,
    /** Plot x-scale options for store time t (seconds): use with x values from `x(t)`. */
    axis: wall
      ? {
          type: "utc",
          domain: [toDate(d0), toDate(d1)],
          tickFormat: span === 0 ? secondsTick : utcFormat(["%H:%M:%S", "%H:%M", "%a %-d %b"][span]),
          label: multiDay ? "date and time →" : "time of day →"
        }
      : {type: "linear", domain: [d0, d1], label: "time from start of video (s) →"},
    x: wall ? toDate : (t) => t,
    /** Inverse of x: a scale value back to store seconds. */
    t: wall ? (d) => (+d - store.epochMs) / 1000 : (v) => v,
    toDate: wall ? toDate : null,
    /** Plot x options of a chart over time `width` pixels wide: the axis, a tick every ~110 px, the label at the right. */
    xOptions(width) {
      return {...this.axis, ticks: Math.max(2, Math.floor(width / 110)), labelAnchor: "right", labelOffset: 32};
    },
    /** "Mon 6 May 11:00 – Tue 7 May 18:00 (1.3 days of 7.0 days)" */
    describe(win) {
      const whole = win.full ? "the whole of the chosen dates" : `${formatDuration(win.t1 - win.t0)} of ${formatDuration(duration)}`;
      // one day on the axis: its times say no date, so the window says it once
      const day = wall && !multiDay ? `${dayFormat(toDate(win.t0))} ` : "";
      return `${day}${format(win.t0)} – ${format(win.t1)} (${whole})`;
    }
  };
}

/** Hour of the day (0-23) of store time t. */
export const hourOf = (t) => Math.floor((((t % DAY) + DAY) % DAY) / 3600);
/** Days since the first date. */
export const dayOf = (t) => Math.floor(t / DAY);
/** Weekday of store time t, Monday 0, given the first date's weekday. */
export const weekdayOf = (t, firstWeekday) => (((firstWeekday + dayOf(t)) % 7) + 7) % 7;
/** The first date's weekday (Monday 0), from the header's epoch. */
export const firstWeekday = (store) => (store.wall ? (new Date(store.epochMs).getUTCDay() + 6) % 7 : 0);
/** "2024-05-06" of day index d. */
export const dateOf = (store, d) => new Date(store.epochMs + d * DAY * 1000).toISOString().slice(0, 10);
/** Day index of "2024-05-06". */
export const dayIndex = (store, date) => Math.round((Date.parse(`${date}T00:00:00Z`) - store.epochMs) / (DAY * 1000));

// ticks of short clips fall on fractions of a second: "11:00:01", "11:00:01.5"
const hms = utcFormat("%H:%M:%S");
function secondsTick(d) {
  const ms = d.getUTCMilliseconds();
  return ms ? `${hms(d)}.${String(ms).padStart(3, "0").replace(/0+$/, "")}` : hms(d);
}

export function formatDuration(s) {
  if (!Number.isFinite(s)) return "–";
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(Math.round(s % 60))} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${pad(Math.round((s % 3600) / 60))} min`;
  return `${(s / 86400).toFixed(1)} days`;
}
