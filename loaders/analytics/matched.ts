// Compare across dates, matched by weekday and hour: two periods of a camera's footage (4 weeks
// before and 4 weeks after a layout change), compared only where both were filmed at the same
// weekday and hour of day, and weighted alike. Without matching, a period holding more Saturdays
// (or more of the busy hours) reads as an effect of the change.
//
// Strata are (weekday, hour) of the local clock. When matched strata hold less than half of
// either period's footage (two periods of different weekdays, as Mon-Thu against Fri-Sun), the
// match falls back to (weekday or weekend, hour), then to hour alone, and says so.
// Each figure is directly standardised: per stratum, a period's visit rate (visits per hour
// filmed) or mean dwell, averaged over the matched strata with one set of weights for both
// periods (footage hours of both for rates, visits of both for dwell). Intervals: the visitor
// bootstrap of compare.ts (a person's visits stay together), within each period.
import { median as d3median } from "d3";
import { query } from "../store/duckdb.ts";
import { estimate, MIN_PEOPLE, seededRandom, summarise, type Estimate, type ZoneComparison } from "./compare.ts";
import { windowWhere, type Window } from "./queries.ts";
import type { Analytics } from "./views.ts";

export type MatchLevel = "weekday and hour" | "weekday or weekend, and hour" | "hour" | "nothing";
/** Share of each period's footage the matched strata must hold before a level is used. */
export const MIN_MATCHED_SHARE = 0.5;
const LEVELS: { level: MatchLevel; key: string }[] = [
  { level: "weekday and hour", key: "(isodow(local_ts) - 1) * 24 + hour" },
  { level: "weekday or weekend, and hour", key: "CASE WHEN is_weekend THEN 100 ELSE 0 END + hour" },
  { level: "hour", key: "hour" },
];

/** Stratum keys of a level, as the pages compute them: weekday (Monday 0) and hour of the local clock. */
export function stratumOf(level: MatchLevel, weekday: number, hour: number): number {
  if (level === "weekday and hour") return weekday * 24 + hour;
  if (level === "weekday or weekend, and hour") return (weekday >= 5 ? 100 : 0) + hour;
  return hour;
}

interface Period {
  /** Footage seconds per stratum. */
  footage: Map<number, number>;
  /** Customers first seen in the period: their stratum, and per zone their visits, dwell and dwell list (in matched strata only later). */
  people: { stratum: number; visits: Float64Array; dwell: Float64Array; dwells: number[][] }[];
}

async function period(a: Analytics, w: Window, key: string, zones: string[]): Promise<Period> {
  const where = `${windowWhere(w)} AND local_ts IS NOT NULL`;
  const footage = new Map((await query<{ k: number; s: number }>(a, `SELECT (${key})::INTEGER AS k, sum(dt_seconds)::DOUBLE AS s FROM frames WHERE ${where} GROUP BY ALL`)).map((r) => [r.k, r.s]));
  const visitors = await query<{ uid: string; k: number }>(a, `SELECT uid, (${key})::INTEGER AS k FROM visitors WHERE NOT staff AND ${where} ORDER BY uid`);
  const index = new Map(visitors.map((v, i) => [v.uid, i]));
  const people = visitors.map((v) => ({ stratum: v.k, visits: new Float64Array(zones.length), dwell: new Float64Array(zones.length), dwells: zones.map((): number[] => []) }));
  const visits = await query<{ uid: string; zone: string; dwell_seconds: number }>(a, `
    SELECT uid, zone, dwell_seconds FROM zone_visits WHERE NOT staff AND ${where} ORDER BY uid, enter_t`);
  for (const v of visits) {
    const i = index.get(v.uid), z = zones.indexOf(v.zone);
    if (i === undefined || z < 0) continue; // a visit begun before the person was first seen in the window: not theirs here
    people[i].visits[z]++;
    people[i].dwell[z] += v.dwell_seconds;
    people[i].dwells[z].push(v.dwell_seconds);
  }
  return { footage, people };
}

/** Standardised figures of both periods from per-stratum sums. Pure; shared by the point estimate and every bootstrap world. */
export function standardise(strata: readonly number[], hoursA: Map<number, number>, hoursB: Map<number, number>,
  a: Map<number, { n: number; seconds: number }>, b: Map<number, { n: number; seconds: number }>) {
  let rw = 0, ra = 0, rb = 0, dw = 0, da = 0, db = 0;
  for (const s of strata) {
    const ha = hoursA.get(s) ?? 0, hb = hoursB.get(s) ?? 0;
    const xa = a.get(s) ?? { n: 0, seconds: 0 }, xb = b.get(s) ?? { n: 0, seconds: 0 };
    const w = ha + hb;
    rw += w; ra += (w * xa.n) / ha; rb += (w * xb.n) / hb;
    if (xa.n > 0 && xb.n > 0) {
      const v = xa.n + xb.n;
      dw += v; da += (v * xa.seconds) / xa.n; db += (v * xb.seconds) / xb.n;
    }
  }
  return { rate: [rw ? ra / rw : NaN, rw ? rb / rw : NaN] as const, dwell: [dw ? da / dw : NaN, dw ? db / dw : NaN] as const };
}

/**
 * Footfall (people per hour filmed) with its 95% interval: resampling people cannot move it (the
 * count of people is what is measured), so counts per stratum are taken as Poisson and the
 * standardised rates' ratio gets a normal interval on the log scale (delta method).
 */
function poissonRatio(strata: readonly number[], hoursA: Map<number, number>, hoursB: Map<number, number>,
  a: Map<number, { n: number }>, b: Map<number, { n: number }>, people: [number, number]): Estimate {
  let W = 0;
  for (const s of strata) W += (hoursA.get(s) ?? 0) + (hoursB.get(s) ?? 0);
  const side = (h: Map<number, number>, x: Map<number, { n: number }>) => {
    let value = 0, variance = 0;
    for (const s of strata) {
      const c = ((hoursA.get(s) ?? 0) + (hoursB.get(s) ?? 0)) / W / h.get(s)!;
      const n = x.get(s)?.n ?? 0;
      value += c * n;
      variance += c * c * n;
    }
    return { value, variance };
  };
  const [A, B] = [side(hoursA, a), side(hoursB, b)];
  const tooFew = Math.min(...people) < MIN_PEOPLE || !(A.value > 0) || !(B.value > 0);
  const z = 1.959964;
  const none: [number, number] = [NaN, NaN];
  const ci = (v: { value: number; variance: number }): [number, number] => [v.value - z * Math.sqrt(v.variance), v.value + z * Math.sqrt(v.variance)];
  const sdLog = Math.sqrt(A.variance / A.value ** 2 + B.variance / B.value ** 2);
  const relative = A.value > 0 ? B.value / A.value - 1 : null;
  const ciDiff: [number, number] = tooFew ? none : [B.value - A.value - z * Math.sqrt(A.variance + B.variance), B.value - A.value + z * Math.sqrt(A.variance + B.variance)];
  return {
    a: A.value, b: B.value, ciA: tooFew ? none : ci(A), ciB: tooFew ? none : ci(B), diff: B.value - A.value, ciDiff,
    relative, ciRelative: relative === null ? null : tooFew ? none : [(relative + 1) * Math.exp(-z * sdLog) - 1, (relative + 1) * Math.exp(z * sdLog) - 1],
    significant: !tooFew && (ciDiff[0] > 0 || ciDiff[1] < 0), people, tooFew,
  };
}

export interface MatchedComparison {
  level: MatchLevel;
  /** Matched strata (stratumOf keys), and the hours of footage matched and left out per period. */
  strata: number[];
  matchedHours: [number, number];
  unmatchedHours: [number, number];
  /** Customers first seen in matched strata. */
  visitors: [number, number];
  /** Customers entering view per hour filmed, standardised. */
  footfall: Estimate;
  zones: ZoneComparison[];
  summary: string[];
}

export async function compareMatched(a: Analytics, windowA: Window, windowB: Window, options: { resamples?: number; seed?: number } = {}): Promise<MatchedComparison> {
  const zones = a.config.zones.map((z) => z.name);
  let chosen: { level: MatchLevel; key: string; A: Period; B: Period; strata: number[] } | null = null;
  for (const { level, key } of LEVELS) {
    const [A, B] = [await period(a, windowA, key, zones), await period(a, windowB, key, zones)];
    const strata = [...A.footage.keys()].filter((k) => (B.footage.get(k) ?? 0) > 0).sort((x, y) => x - y);
    const share = (p: Period) => strata.reduce((t, k) => t + p.footage.get(k)!, 0) / Math.max(1e-9, [...p.footage.values()].reduce((t, s) => t + s, 0));
    chosen = { level, key, A, B, strata };
    if (strata.length && Math.min(share(A), share(B)) >= MIN_MATCHED_SHARE) break;
    if (level === "hour" && !strata.length) chosen = { ...chosen, level: "nothing" };
  }
  const { level, A, B, strata } = chosen!;
  const inMatched = new Set(strata);
  const hours = (p: Period) => new Map(strata.map((k) => [k, p.footage.get(k)! / 3600]));
  const [hA, hB] = [hours(A), hours(B)];
  const total = (p: Period) => [...p.footage.values()].reduce((t, s) => t + s, 0) / 3600;
  const matchedHours: [number, number] = [[...hA.values()].reduce((t, h) => t + h, 0), [...hB.values()].reduce((t, h) => t + h, 0)];
  const [pA, pB] = [A.people.filter((p) => inMatched.has(p.stratum)), B.people.filter((p) => inMatched.has(p.stratum))];

  /** Per stratum sums of one zone (z >= 0) or of visitors (z = -1). */
  const sums = (people: Period["people"], z: number) => {
    const m = new Map<number, { n: number; seconds: number }>();
    for (const p of people) {
      const x = m.get(p.stratum) ?? { n: 0, seconds: 0 };
      if (z < 0) x.n++;
      else (x.n += p.visits[z]), (x.seconds += p.dwell[z]);
      m.set(p.stratum, x);
    }
    return m;
  };
  const figures = (qa: Period["people"], qb: Period["people"]) => {
    const perZone = zones.map((_, z) => {
      const s = standardise(strata, hA, hB, sums(qa, z), sums(qb, z));
      const med = (ps: Period["people"]) => d3median(ps.flatMap((p) => p.dwells[z])) ?? NaN;
      return { rate: s.rate, dwell: s.dwell, median: [med(qa), med(qb)] as const };
    });
    return { perZone };
  };
  const point = figures(pA, pB);

  const resamples = options.resamples ?? 1000;
  const random = seededRandom(options.seed ?? 1);
  const draws = { rate: zones.map(() => [[], []] as number[][]), dwell: zones.map(() => [[], []] as number[][]), median: zones.map(() => [[], []] as number[][]) };
  const draw = (ps: Period["people"]) => Array.from({ length: ps.length }, () => ps[Math.floor(random() * ps.length)]);
  for (let r = 0; r < resamples && pA.length && pB.length; r++) {
    const f = figures(draw(pA), draw(pB));
    [0, 1].forEach((k) => {
      f.perZone.forEach((z, i) => (draws.rate[i][k].push(z.rate[k]), draws.dwell[i][k].push(z.dwell[k]), draws.median[i][k].push(z.median[k])));
    });
  }
  const seen: [number, number] = [pA.length, pB.length];
  const visited = (ps: Period["people"], z: number) => ps.filter((p) => p.visits[z] > 0).length;
  const result: ZoneComparison[] = a.config.zones.map((zone, z) => {
    const people: [number, number] = [visited(pA, z), visited(pB, z)];
    const pz = point.perZone[z];
    return {
      zone: zone.name, kind: zone.kind,
      visitRate: estimate(pz.rate[0], pz.rate[1], draws.rate[z][0], draws.rate[z][1], seen),
      meanDwell: estimate(pz.dwell[0], pz.dwell[1], draws.dwell[z][0], draws.dwell[z][1], people),
      medianDwell: estimate(pz.median[0], pz.median[1], draws.median[z][0], draws.median[z][1], people),
    };
  });
  return {
    level: strata.length ? level : "nothing",
    strata,
    matchedHours,
    unmatchedHours: [total(A) - matchedHours[0], total(B) - matchedHours[1]],
    visitors: seen,
    footfall: poissonRatio(strata, hA, hB, sums(pA, -1), sums(pB, -1), seen),
    zones: result,
    summary: strata.length ? summarise(result) : [`The two periods share no hour of the day that both filmed: nothing to compare.`],
  };
}

export { MIN_PEOPLE };
