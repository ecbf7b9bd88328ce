// Times on every page are seconds from the first frame of the run. With a start time in the camera
// config they read as the store's wall clock (kept in UTC internally, so the viewer's time zone
// never shifts them); without one, as seconds from the start of the video.
import {utcFormat} from "d3";

const pad = (n) => String(n).padStart(2, "0");

/**
 * @param info data/{a,b}/info.json (uses startMs)
 * @param duration seconds covered by the run
 */
export function makeClock(info, duration) {
  const wall = info.startMs != null;
  const fine = duration < 120; // short clips: show tenths of a second
  const toDate = (t) => new Date(info.startMs + t * 1000);
  const multiDay = wall && toDate(0).getUTCDate() !== toDate(duration).getUTCDate();
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
  const span = duration < 120 ? 0 : duration < 2 * 86400 ? 1 : 2;
  return {
    wall,
    duration,
    format,
    /** Plot x-scale options for run time t (seconds): use with x values from `x(t)`. */
    axis: wall
      ? {
          type: "utc",
          domain: [toDate(0), toDate(duration)],
          tickFormat: span === 0 ? secondsTick : utcFormat(["%H:%M:%S", "%H:%M", "%a %-d %b"][span]),
          label: multiDay ? "date and time →" : "time of day →"
        }
      : {type: "linear", domain: [0, duration], label: "time from start of video (s) →"},
    x: wall ? toDate : (t) => t,
    /** Inverse of x: a scale value back to run seconds. */
    t: wall ? (d) => (+d - info.startMs) / 1000 : (v) => v,
    toDate: wall ? toDate : null,
    /** "11:00:01.2–11:00:04.0 (2.8 s of 7.2 s)" */
    describe(win) {
      const length = win.t1 - win.t0;
      const whole = win.full ? "the whole run" : `${formatDuration(length)} of ${formatDuration(duration)}`;
      return `${format(win.t0)} – ${format(win.t1)} (${whole})`;
    }
  };
}

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
