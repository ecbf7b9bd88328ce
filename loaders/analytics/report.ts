// The headline numbers of a window, and their terminal rendering for `smw report`.
// Every figure is about customers: people the staff rules exclude are counted once, separately.
import { query } from "../store/duckdb.ts";
import { estimates, TRUSTED_COVERAGE, zonePresence, type Estimates } from "./estimators.ts";
import { countEstimate, zoneSummary, type CountEstimate, type ZoneRow } from "./metrics.ts";
import { windowWhere, type Window } from "./queries.ts";
import type { Analytics } from "./views.ts";

export interface Headline {
  /** Seconds of footage in the window. */
  footageSeconds: number;
  /** Customers first seen in the window. */
  visitors: number;
  /** People first seen in the window whom the staff rules left out. */
  staffExcluded: number;
  /** Customer crossings over all lines. */
  lineIn: number;
  lineOut: number;
  /** Median time a customer was in view; null without customers. */
  medianDwellSeconds: number | null;
  /** Customers in view: most in one frame, and the mean over the window's frames. */
  peakInView: number;
  meanInView: number;
  /**
   * People counted in the counting region (counts.parquet: static objects left out, the camera's
   * calibrated count model), everyone including staff, with 90% intervals when calibrated.
   */
  counted: CountEstimate | null;
  /** The same questions answered without relying on unbroken tracks, and how far tracks can be trusted. */
  estimates: Estimates;
  /** Per zone: visits from tracks, and person-seconds from counted boxes (`presenceSeconds`). */
  zones: (ZoneRow & { presenceSeconds: number })[];
  /** Per tracked class (person unless the run kept others): customers first seen in the window and line crossings. */
  classes: ClassRow[];
}

export async function headline(a: Analytics, w: Window = {}): Promise<Headline> {
  const where = windowWhere(w);
  const [v] = await query<{ visitors: number; staff: number; median: number | null }>(a, `
    SELECT (count(*) FILTER (NOT staff))::INTEGER AS visitors, (count(*) FILTER (staff))::INTEGER AS staff,
      (median(seconds_in_view) FILTER (NOT staff))::DOUBLE AS median
    FROM visitors WHERE ${where}`);
  const [e] = await query<{ ins: number; outs: number }>(a, `
    SELECT (count(*) FILTER (direction = 'in'))::INTEGER AS ins, (count(*) FILTER (direction = 'out'))::INTEGER AS outs
    FROM events WHERE NOT staff AND ${where}`);
  const [f] = await query<{ seconds: number; peak: number | null; mean: number | null }>(a, `
    SELECT coalesce(sum(dt_seconds), 0)::DOUBLE AS seconds, max(customers)::INTEGER AS peak,
      (sum(customers * dt_seconds) / sum(dt_seconds))::DOUBLE AS mean
    FROM people_in_view WHERE ${where}`);
  return {
    footageSeconds: f.seconds,
    visitors: v.visitors,
    staffExcluded: v.staff,
    lineIn: e.ins,
    lineOut: e.outs,
    medianDwellSeconds: v.median,
    peakInView: f.peak ?? 0,
    meanInView: f.mean ?? 0,
    counted: await countEstimate(a, w),
    estimates: await estimates(a, w),
    zones: await zonesWithPresence(a, w),
    classes: await byClass(a, w),
  };
}

export interface ClassRow {
  class: string;
  visitors: number;
  lineIn: number;
  lineOut: number;
}

/** Visitors and line crossings per tracked class, customers only. */
export function byClass(a: Analytics, w: Window = {}): Promise<ClassRow[]> {
  const where = windowWhere(w);
  return query<ClassRow>(a, `
    WITH v AS (SELECT class, count(*)::INTEGER AS n FROM visitors WHERE NOT staff AND ${where} GROUP BY class),
    e AS (SELECT class, (count(*) FILTER (direction = 'in'))::INTEGER AS ins, (count(*) FILTER (direction = 'out'))::INTEGER AS outs
          FROM events WHERE NOT staff AND ${where} GROUP BY class)
    SELECT class, coalesce(v.n, 0) AS visitors, coalesce(e.ins, 0) AS "lineIn", coalesce(e.outs, 0) AS "lineOut"
    FROM v FULL JOIN e USING (class) ORDER BY visitors DESC, class`);
}

async function zonesWithPresence(a: Analytics, w: Window): Promise<Headline["zones"]> {
  const presence = new Map((await zonePresence(a, w)).map((p) => [p.zone, p.personSeconds]));
  return (await zoneSummary(a, w)).map((z) => ({ ...z, presenceSeconds: presence.get(z.zone) ?? 0 }));
}

/** 4.8 s, 3 min 12 s, 2 h 05 min. */
export function formatDuration(seconds: number | null): string {
  if (seconds == null || !Number.isFinite(seconds)) return "–";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, "0")} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.round((seconds % 3600) / 60)).padStart(2, "0")} min`;
}

function table(rows: string[][], rightAligned: boolean[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd());
}

const range = (lo: number, hi: number, digits: number) => `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;

/** "mean 7.1 in view (90%: 6.2–8.0), 14.2 person-min (90%: 12.4–16.0)", or without calibration a note that there is no interval. */
export function formatCounted(c: CountEstimate): string {
  const m = c.meanInView, p = c.personSeconds;
  const minutes = (v: number) => v / 60;
  if (!c.calibrated || !Number.isFinite(m.lo)) {
    return `mean ${m.value.toFixed(1)} in view, ${minutes(p.value).toFixed(1)} person-min (uncalibrated: no interval; see smw calibrate)`;
  }
  const pct = Math.round(m.level * 100);
  return `mean ${m.value.toFixed(1)} in view (${pct}%: ${range(m.lo, m.hi, 1)}), ${minutes(p.value).toFixed(1)} person-min (${pct}%: ${range(minutes(p.lo), minutes(p.hi), 1)})`;
}

/** "Track coverage 0.86: ..." or the warning that per-visitor figures cannot be quoted. */
export function formatCoverage(e: Estimates): string | null {
  if (e.coverage == null) return null;
  const c = e.coverage.toFixed(2);
  if (e.perVisitorTrusted) return `${c} (tracks follow the people the count sees: per-visitor figures hold)`;
  const why = e.coverage < TRUSTED_COVERAGE.min ? "tracks miss many of the people the count sees" : "tracks count some people twice";
  return `${c}: ${why}, so visitors, time in view and zone visits are NOT trustworthy for this footage; quote the people counts, line crossings and presence instead`;
}

/** Terminal text: the headline figures, then one aligned row per zone. */
export function formatHeadline(h: Headline): string {
  const e = h.estimates;
  const coverage = formatCoverage(e);
  const little = e.little?.meanSeconds != null
    ? `, ${formatDuration(e.little.meanSeconds)} by occupancy ÷ arrivals (${e.little.arrivals} people: ${e.little.source === "lines" ? "in view at the start + line entries" : "first seen"})`
    : "";
  const lines = table(
    [
      ["Footage", formatDuration(h.footageSeconds)],
      ["Visitors", `${h.visitors}${h.staffExcluded ? ` (${h.staffExcluded} staff excluded)` : ""}${e.visitorsByLines != null ? `; ${e.visitorsByLines} by entry-line crossings` : ""}`],
      ["Line crossings", `${h.lineIn} in, ${h.lineOut} out`],
      ["Median time in view", formatDuration(h.medianDwellSeconds)],
      ["Mean time in view", `${formatDuration(e.tracked.meanSeconds)} by tracks (everyone)${little}`],
      ["Customers in view", `peak ${h.peakInView}, mean ${h.meanInView.toFixed(1)} (tracked people)`],
      ...(h.counted ? [["People counted", formatCounted(h.counted)]] : []),
      ...(coverage ? [["Track coverage", coverage]] : []),
    ],
    [false, false],
  );
  // a run of people alone says so once, in the rows above; other classes get their own rows
  if (h.classes.some((c) => c.class !== "person")) {
    lines.push("");
    lines.push(...table(
      [["Class", "Visitors", "Line in", "Line out"], ...h.classes.map((c) => [c.class, String(c.visitors), String(c.lineIn), String(c.lineOut)])],
      [false, true, true, true],
    ));
  }
  if (h.zones.length) {
    lines.push("");
    lines.push(...table(
      [
        ["Zone", "Kind", "Visits", "Visitors", "Mean dwell", "Median dwell", "Stoppers", "Passers-by", "Person-min (counted)"],
        ...h.zones.map((z) => [
          z.zone, z.kind, String(z.visits), String(z.visitors), formatDuration(z.mean_dwell_seconds), formatDuration(z.median_dwell_seconds),
          z.stoppers == null ? "–" : String(z.stoppers), z.passers_by == null ? "–" : String(z.passers_by), (z.presenceSeconds / 60).toFixed(1),
        ]),
      ],
      [false, false, true, true, true, true, true, true, true],
    ));
  }
  return lines.join("\n");
}
