// Before/after: two windows of one set of segments, or two sets of segments. Per zone, the visit
// rate (customer visits per hour of footage) and the mean and median dwell per visit, each with a bootstrap
// 95% CI that resamples visitors (a person's visits stay together), the CI of the change, a
// difference dwell map, and a summary that names only the changes whose CI excludes zero.
import { dwellGrid, query, windowWhere, type Analytics, type Window } from "./views.ts";

export interface Side {
  analytics: Analytics;
  window?: Window;
  label?: string;
}

export interface CompareOptions {
  /** Bootstrap resamples. Default 1000. */
  resamples?: number;
  /** PRNG seed: the same seed gives the same CIs. Default 1. */
  seed?: number;
  /** Cell size of the dwell maps in source pixels. Default 20. */
  cellPx?: number;
}

export type Interval = [low: number, high: number];

export interface Estimate {
  a: number;
  b: number;
  ciA: Interval;
  ciB: Interval;
  /** b - a and its CI. */
  diff: number;
  ciDiff: Interval;
  /** b / a - 1 and its CI (null when a is 0). */
  relative: number | null;
  ciRelative: Interval | null;
  significant: boolean;
}

export interface ZoneComparison {
  zone: string;
  kind: string;
  /** Customer visits per hour of footage in the window. */
  visitRate: Estimate;
  /** Mean dwell per visit, seconds. */
  meanDwell: Estimate;
  /** Median dwell per visit, seconds (robust to the odd person who stays very long). */
  medianDwell: Estimate;
}

export interface DwellDifference {
  cols: number;
  rows: number;
  cellPx: number;
  /** Seconds of customer presence per cell per visitor-hour (each map sums to 3600 over the picture). */
  a: Float64Array;
  b: Float64Array;
  /** b - a. */
  diff: Float64Array;
}

export interface Comparison {
  labels: [string, string];
  hours: [number, number];
  visitors: [number, number];
  zones: ZoneComparison[];
  dwellMap: DwellDifference;
  /** One sentence per significant change, or one saying there is none. */
  summary: string[];
}

/** mulberry32: small, fast, seeded; good enough for resampling indices. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
}

/** Median of the values (sorted in place); NaN when there are none. */
function median(values: number[]): number {
  return percentile(values.sort((x, y) => x - y), 0.5);
}

function interval(samples: number[]): Interval {
  const finite = samples.filter(Number.isFinite).sort((x, y) => x - y);
  return [percentile(finite, 0.025), percentile(finite, 0.975)];
}

/** Per visitor (customer seen in the window) and zone: visit count and total dwell; plus the window's hours of footage. */
interface SideData {
  label: string;
  hours: number;
  visitors: number;
  /** [zone][visitor] */
  visits: Float64Array[];
  dwell: Float64Array[];
  /** [zone][visitor]: that visitor's visit dwells, for medians. */
  dwells: number[][][];
}

async function sideData(side: Side, zones: string[], fallbackLabel: string): Promise<SideData> {
  const a = side.analytics;
  const where = windowWhere(side.window);
  const [{ seconds }] = await query<{ seconds: number }>(a, `SELECT coalesce(sum(dt_seconds), 0)::DOUBLE AS seconds FROM frames WHERE ${where}`);
  const uids = (await query<{ uid: string }>(a, `SELECT DISTINCT uid FROM customer_tracks WHERE ${where} ORDER BY uid`)).map((r) => r.uid);
  const index = new Map(uids.map((u, i) => [u, i]));
  const visits = zones.map(() => new Float64Array(uids.length));
  const dwell = zones.map(() => new Float64Array(uids.length));
  const dwells = zones.map(() => uids.map((): number[] => []));
  const rows = await query<{ uid: string; zone: string; n: number; dwell: number; dwells: number[] }>(a, `
    SELECT uid, zone, count(*)::INTEGER AS n, sum(dwell_seconds)::DOUBLE AS dwell, list(dwell_seconds ORDER BY enter_t) AS dwells
    FROM zone_visits WHERE NOT staff AND ${where} GROUP BY ALL`);
  for (const r of rows) {
    // a visit's window columns are those of its first observation, so its visitor is in `uids`
    const z = zones.indexOf(r.zone);
    const i = index.get(r.uid);
    if (z < 0 || i === undefined) continue;
    visits[z][i] += r.n;
    dwell[z][i] += r.dwell;
    dwells[z][i].push(...r.dwells);
  }
  return { label: side.label ?? fallbackLabel, hours: seconds / 3600, visitors: uids.length, visits, dwell, dwells };
}

function estimate(a: number, b: number, sa: number[], sb: number[]): Estimate {
  const diffs = sa.map((x, k) => sb[k] - x);
  const ciDiff = interval(diffs);
  const relative = a > 0 ? b / a - 1 : null;
  const ciRelative = a > 0 ? interval(sa.map((x, k) => (x > 0 ? sb[k] / x - 1 : NaN))) : null;
  return {
    a, b, ciA: interval(sa), ciB: interval(sb), diff: b - a, ciDiff, relative, ciRelative,
    significant: ciDiff[0] > 0 || ciDiff[1] < 0,
  };
}

export async function compare(sideA: Side, sideB: Side, options: CompareOptions = {}): Promise<Comparison> {
  const resamples = options.resamples ?? 1000;
  const random = seededRandom(options.seed ?? 1);
  const zoneList = sideA.analytics.config.zones;
  const zones = zoneList.map((z) => z.name);
  const [A, B] = [await sideData(sideA, zones, "A"), await sideData(sideB, zones, "B")];

  // One bootstrap world per resample: visitors of each side drawn with replacement.
  const rate: [number[][], number[][]] = [zones.map(() => []), zones.map(() => [])];
  const mean: [number[][], number[][]] = [zones.map(() => []), zones.map(() => [])];
  const middle: [number[][], number[][]] = [zones.map(() => []), zones.map(() => [])];
  for (let r = 0; r < resamples; r++) {
    [A, B].forEach((s, k) => {
      const n = s.visitors;
      const visits = new Float64Array(zones.length);
      const dwell = new Float64Array(zones.length);
      const drawn: number[][] = zones.map(() => []);
      for (let d = 0; d < n; d++) {
        const i = Math.floor(random() * n);
        for (let z = 0; z < zones.length; z++) {
          visits[z] += s.visits[z][i];
          dwell[z] += s.dwell[z][i];
          for (const x of s.dwells[z][i]) drawn[z].push(x);
        }
      }
      for (let z = 0; z < zones.length; z++) {
        rate[k][z].push(s.hours > 0 ? visits[z] / s.hours : NaN);
        mean[k][z].push(visits[z] > 0 ? dwell[z] / visits[z] : NaN);
        middle[k][z].push(median(drawn[z]));
      }
    });
  }
  const sum = (xs: Float64Array) => xs.reduce((t, x) => t + x, 0);
  const result: ZoneComparison[] = zoneList.map((zone, z) => {
    const [va, vb] = [sum(A.visits[z]), sum(B.visits[z])];
    return {
      zone: zone.name,
      kind: zone.kind,
      visitRate: estimate(A.hours > 0 ? va / A.hours : NaN, B.hours > 0 ? vb / B.hours : NaN, rate[0][z], rate[1][z]),
      meanDwell: estimate(va > 0 ? sum(A.dwell[z]) / va : NaN, vb > 0 ? sum(B.dwell[z]) / vb : NaN, mean[0][z], mean[1][z]),
      medianDwell: estimate(median(A.dwells[z].flat()), median(B.dwells[z].flat()), middle[0][z], middle[1][z]),
    };
  });

  const cellPx = options.cellPx ?? 20;
  const [ga, gb] = [await dwellGrid(sideA.analytics, cellPx, sideA.window), await dwellGrid(sideB.analytics, cellPx, sideB.window)];
  const perVisitorHour = (g: typeof ga) => g.seconds.map((s) => (g.visitorHours > 0 ? s / g.visitorHours : 0));
  const cols = Math.min(ga.cols, gb.cols), rows = Math.min(ga.rows, gb.rows);
  const [ma, mb] = [perVisitorHour(ga), perVisitorHour(gb)];
  const crop = (m: Float64Array, c: number) => Float64Array.from({ length: cols * rows }, (_, i) => m[Math.floor(i / cols) * c + (i % cols)]);
  const a = crop(ma, ga.cols), b = crop(mb, gb.cols);
  const dwellMap: DwellDifference = { cols, rows, cellPx, a, b, diff: b.map((x, i) => x - a[i]) };

  return {
    labels: [A.label, B.label],
    hours: [A.hours, B.hours],
    visitors: [A.visitors, B.visitors],
    zones: result,
    dwellMap,
    summary: summarise(result),
  };
}

const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? "+" : "−"}${Math.abs(Math.round(x * 100))}%` : "n/a");

/** "Visits to 'A' rose from 12.0 to 18.5 per hour (+54%, 95% CI +20% to +90%)." */
function sentence(what: string, e: Estimate, from: (x: number) => string, to: (x: number) => string): string {
  const change = e.relative != null && e.ciRelative
    ? `${pct(e.relative)}, 95% CI ${pct(e.ciRelative[0])} to ${pct(e.ciRelative[1])}`
    : `${e.diff >= 0 ? "+" : "−"}${to(Math.abs(e.diff))}, 95% CI ${from(e.ciDiff[0])} to ${to(e.ciDiff[1])}`;
  return `${what} ${e.diff > 0 ? "rose" : "fell"} from ${from(e.a)} to ${to(e.b)} (${change}).`;
}

/** Plain-language lines for the significant changes only. */
export function summarise(zones: readonly ZoneComparison[]): string[] {
  const lines: string[] = [];
  for (const z of zones) {
    if (z.visitRate.significant) lines.push(sentence(`Visits to '${z.zone}'`, z.visitRate, (x) => x.toFixed(1), (x) => `${x.toFixed(1)} per hour`));
    if (z.meanDwell.significant) lines.push(sentence(`Mean dwell in '${z.zone}'`, z.meanDwell, (x) => `${x.toFixed(1)} s`, (x) => `${x.toFixed(1)} s`));
    if (z.medianDwell.significant) lines.push(sentence(`Median dwell in '${z.zone}'`, z.medianDwell, (x) => `${x.toFixed(1)} s`, (x) => `${x.toFixed(1)} s`));
  }
  return lines.length ? lines : ["No zone's visit rate, mean or median dwell changed significantly (95% CI of every change includes zero)."];
}
