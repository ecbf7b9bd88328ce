// compare.json: the Compare page's configured periods and the analytics engine's answer for them,
// per camera: compareMatched() (loaders/analytics/matched.ts) matches the two periods by weekday
// and hour and gives per-zone visit rates and dwell with visitor-bootstrap 95% intervals, footfall
// with a Poisson interval, and a plain-language summary. Periods: $SMW_COMPARE_A and
// $SMW_COMPARE_B as dates "2024-05-06..2024-05-09" (inclusive) or store seconds "start-end";
// default the first half of the dates (or of the footage) against the second.
import { compare, MIN_PEOPLE } from "../../loaders/analytics/compare.ts";
import { compareMatched } from "../../loaders/analytics/matched.ts";
import { wallClockToDate } from "../../loaders/config/camera.ts";
import { resolve } from "node:path";
import { sql } from "../../loaders/store/duckdb.ts";
import { emitJson } from "./_lib/run.ts";
import { openStore, placeSegments } from "./_lib/store.ts";

const DAY = 86400;

const { ds } = await openStore();
try {
  const cams = ds.cameras;
  const { clock } = await placeSegments(cams);
  const extent = [Infinity, -Infinity];
  for (const c of cams) {
    const [{ lo, hi }] = await c.a.rows<{ lo: number; hi: number }>(`SELECT min(o.off)::DOUBLE AS lo, max(o.off + s.frames_analysed * s.dt)::DOUBLE AS hi FROM segments s JOIN _seg_off o USING (segment)`);
    extent[0] = Math.min(extent[0], lo);
    extent[1] = Math.max(extent[1], hi);
  }
  const dates = [...new Set(cams.flatMap((c) => c.dates))].sort();
  const dayOf = (date: string) => Math.round((Date.parse(`${date}T00:00:00Z`) / 1000 - clock.epoch) / DAY);
  // "@<folder>": the footage of the segments under that folder (smw publish --runs a b)
  const spanOf = async (folder: string): Promise<[number, number]> => {
    let lo = Infinity, hi = -Infinity;
    for (const c of cams) {
      const [r] = await c.a.rows<{ lo: number | null; hi: number | null }>(`SELECT min(o.off)::DOUBLE AS lo, max(o.off + s.frames_analysed * s.dt)::DOUBLE AS hi
        FROM segments s JOIN _seg_off o USING (segment) WHERE s.dir = ${sql.string(folder)} OR starts_with(s.dir, ${sql.string(`${folder}/`)})`);
      if (r.lo !== null) (lo = Math.min(lo, r.lo)), (hi = Math.max(hi, r.hi!));
    }
    if (!Number.isFinite(lo)) throw new Error(`compare period @${folder}: no segment of the dataset lies there`);
    return [lo, hi];
  };
  const spans: Record<string, [number, number]> = {};
  for (const spec of [process.env.SMW_COMPARE_A, process.env.SMW_COMPARE_B]) if (spec?.startsWith("@")) spans[spec] = await spanOf(resolve(spec.slice(1)));
  const parse = (spec: string | undefined, fallback: [number, number]): [number, number] => {
    if (!spec) return fallback;
    if (spans[spec]) return spans[spec];
    const days = /^\s*(\d{4}-\d\d-\d\d)\s*\.\.\s*(\d{4}-\d\d-\d\d)\s*$/.exec(spec);
    if (days && clock.wall) return [dayOf(days[1]) * DAY, (dayOf(days[2]) + 1) * DAY];
    const secs = /^\s*([\d.]+)\s*[-,]\s*([\d.]+)\s*$/.exec(spec);
    if (secs && +secs[2] > +secs[1]) return [+secs[1], +secs[2]];
    throw new Error(`bad period "${spec}": use dates 2024-05-06..2024-05-09 or store seconds start-end`);
  };
  const half = Math.floor(dates.length / 2);
  const byDates = clock.wall && dates.length >= 2;
  const mid = Math.round(((extent[0] + extent[1]) / 2) * 100) / 100;
  const a = parse(process.env.SMW_COMPARE_A, byDates ? [dayOf(dates[0]) * DAY, dayOf(dates[half - 1]) * DAY + DAY] : [extent[0], mid]);
  const b = parse(process.env.SMW_COMPARE_B, byDates ? [dayOf(dates[half]) * DAY, dayOf(dates.at(-1)!) * DAY + DAY] : [mid, extent[1]]);
  // store time -> the engine's wall-clock window (local midnight + t, in the camera's zone)
  const windowOf = (tz: string, [t0, t1]: [number, number]) => {
    const local = (t: number) => new Date((clock.epoch + t) * 1000).toISOString().slice(0, 23);
    return { start: wallClockToDate(local(t0), tz)!, end: wallClockToDate(local(t1), tz)! };
  };
  const results = [];
  for (const [k, c] of cams.entries()) {
    if (clock.wall) {
      const m = await compareMatched(c.a, windowOf(c.config.timezone, a), windowOf(c.config.timezone, b), { resamples: 1000, seed: 1 });
      results.push({ cam: k, camera: c.camera, ...m });
    } else {
      const r = await compare({ analytics: c.a, window: { fromSeconds: a[0], toSeconds: a[1] } }, { analytics: c.a, window: { fromSeconds: b[0], toSeconds: b[1] } }, { resamples: 1000, seed: 1 });
      results.push({ cam: k, camera: c.camera, level: "nothing", strata: [], matchedHours: r.hours, unmatchedHours: [0, 0], visitors: r.visitors, footfall: null, zones: r.zones, summary: r.summary });
    }
  }
  await emitJson({
    periods: { a, b },
    engine: { resamples: 1000, seed: 1, method: "visitor bootstrap within matched weekday-hour strata (loaders/analytics/matched.ts)", minPeople: MIN_PEOPLE },
    cameras: results,
  });
} finally {
  ds.close();
}
