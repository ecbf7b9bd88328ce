// Figures that do not need perfect identities, beside the ones that do. Every per-visitor figure
// (visitors, time in view, zone visits) counts a person once per track; when tracks break, each
// fragment becomes a "visitor" with a short stay. These estimators lean on what survives broken
// tracks: the people count of every frame, line crossings, and the counted boxes themselves.
//
//  - track coverage: tracked people in the counting region / counted people, over the window's
//    frames. Near 1, tracks follow the people the count sees and per-visitor figures can be
//    quoted; far below (people missed) or far above (the same person twice), they cannot.
//  - mean time in view by Little's law: mean occupancy = arrival rate x mean time in view, so
//    person-seconds counted / people, with people = those counted in view when the window opens
//    plus arrivals: entry-line crossings when lines are configured (a broken track crosses a line
//    once), else people first seen in the window (who include those already in view).
//  - zone presence and presence maps from counted boxes: person-seconds without identities.
import { query } from "../store/duckdb.ts";
import { windowWhere, type Window } from "./queries.ts";
import type { Analytics } from "./views.ts";

/** Coverage in [MIN, MAX] lets per-visitor figures be quoted for the footage. */
export const TRUSTED_COVERAGE = { min: 0.7, max: 1.3 } as const;

export interface Estimates {
  /** Tracked people in the counting region / counted people; null without people counts. */
  coverage: number | null;
  /** True when coverage says per-visitor figures hold for this footage (no counts: unknown, null). */
  perVisitorTrusted: boolean | null;
  /** Everyone tracked (staff too, as the count includes them): people first seen, mean and median time in view. */
  tracked: { people: number; meanSeconds: number | null; medianSeconds: number | null };
  /**
   * Little's law: person-seconds counted / people. `arrivals` (people): those counted in view at the
   * window's start plus line entries ("lines") when the camera has lines, else people first seen
   * ("tracks"); null without people counts.
   */
  little: { meanSeconds: number | null; personSeconds: number; arrivals: number; source: "lines" | "tracks" } | null;
  /** Customers who crossed a line inward (a visitor count that broken tracks do not inflate); null without lines. */
  visitorsByLines: number | null;
}

export async function estimates(a: Analytics, w: Window = {}): Promise<Estimates> {
  const where = windowWhere(w);
  const [c] = await query<{ tracked: number | null; counted: number | null }>(a, `
    SELECT sum(people_in_region * dt_seconds)::DOUBLE AS tracked, sum(estimate * dt_seconds)::DOUBLE AS counted
    FROM (SELECT c.*, p.people_in_region FROM counts c JOIN people_in_view p USING (segment, frame)) WHERE ${where}`);
  const [v] = await query<{ people: number; mean: number | null; median: number | null }>(a, `
    SELECT count(*)::INTEGER AS people, avg(seconds_in_view)::DOUBLE AS mean, median(seconds_in_view)::DOUBLE AS median
    FROM visitors WHERE ${where}`);
  // people in view as the window opens (per segment: its first frame in the window)
  const [o] = await query<{ open: number | null }>(a, `
    SELECT sum(estimate)::DOUBLE AS open FROM (SELECT arg_min(estimate, frame) AS estimate FROM counts WHERE ${where} GROUP BY segment)`);
  const [e] = await query<{ ins: number; customers: number }>(a, `
    SELECT (count(*) FILTER (direction = 'in'))::INTEGER AS ins, (count(*) FILTER (direction = 'in' AND NOT staff))::INTEGER AS customers
    FROM events WHERE ${where}`);
  const hasLines = a.config.lines.length > 0;
  const counted = c.counted ?? 0;
  const coverage = c.counted ? (c.tracked ?? 0) / c.counted : null;
  const arrivals = hasLines ? e.ins + Math.round(o.open ?? 0) : v.people;
  return {
    coverage,
    perVisitorTrusted: coverage == null ? null : coverage >= TRUSTED_COVERAGE.min && coverage <= TRUSTED_COVERAGE.max,
    tracked: { people: v.people, meanSeconds: v.mean, medianSeconds: v.median },
    little: c.counted == null ? null : { meanSeconds: arrivals ? counted / arrivals : null, personSeconds: counted, arrivals, source: hasLines ? "lines" : "tracks" },
    visitorsByLines: hasLines ? e.customers : null,
  };
}

export interface ZonePresenceRow {
  zone: string;
  /** Person-seconds in the zone from counted boxes, scaled like the window's people count (its model's weight on boxes). */
  personSeconds: number;
}

/** Per configured zone, person-seconds from the counted boxes standing in it (everyone, staff included). */
export async function zonePresence(a: Analytics, w: Window = {}): Promise<ZonePresenceRow[]> {
  const where = windowWhere(w);
  // the count model turns boxes into people (a calibrated weight > 1 adds the people the detector misses)
  const [k] = await query<{ ratio: number | null }>(a, `SELECT (sum(estimate) / nullif(sum(boxes), 0))::DOUBLE AS ratio FROM counts WHERE ${where}`);
  const rows = await query<{ zone: string; seconds: number }>(a, `
    SELECT z.zone, coalesce(sum(p.boxes * p.dt_seconds), 0)::DOUBLE AS seconds
    FROM zones z LEFT JOIN (SELECT * FROM zone_presence WHERE ${where}) p USING (zone) GROUP BY z.zone ORDER BY min(z.rowid)`);
  return rows.map((r) => ({ zone: r.zone, personSeconds: r.seconds * (k.ratio ?? 1) }));
}
