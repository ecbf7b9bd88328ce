// Do Compare's 95% intervals hold the true change? The true change of a zone's visit rate or
// dwell from day 1 to day 2 is the expected one under the scenario: the ratio of the two days'
// totals over many seeds of planned ground truth (no video needed). Each measured comparison is
// then judged: does its interval of the relative change hold the expected change, and does it call
// a change (CI of the difference excludes zero) where the expected change is none.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Estimate, ZoneComparison } from "../loaders/analytics/compare.ts";
import type { Measured } from "./truth-measure.ts";
import type { SimulateOptions, SimulateResult } from "../loaders/simulate/simulate.ts";

type Figure = "visitRate" | "meanDwell";
const FIGURES: Figure[] = ["visitRate", "meanDwell"];
/** Expected relative changes smaller than this count as "no change" (the scenario changes one zone, by +100%). */
const NO_CHANGE = 0.03;

export type Expected = Map<string, number>;

interface ZoneTruth { zone: string; visits: number; meanDwellSeconds: number | null; visitRate: number }
interface Side { footageSeconds: number; zones: ZoneTruth[] }

/** zone/figure -> expected relative change, from `seeds` seeds of the scenario's planned truth. */
export async function expectedChanges(scenario: string, seeds: number, work: string, simulate: (o: SimulateOptions) => Promise<SimulateResult>): Promise<Expected> {
  const totals = new Map<string, number>();
  const add = (k: string, v: number) => totals.set(k, (totals.get(k) ?? 0) + v);
  for (let seed = 1; seed <= seeds; seed++) {
    const out = join(work, `expected-${scenario.split("/").pop()!.replace(".json", "")}`, String(seed));
    const truthFile = join(out, "front", "truth.json");
    if (!existsSync(truthFile)) await simulate({ scenario, out, seed: 5000 + seed, video: false });
    const t = JSON.parse(readFileSync(truthFile, "utf8"));
    const v = t.interventions[0] as { before: Side; after: Side };
    (["before", "after"] as const).forEach((side) => {
      add(`hours/${side}`, v[side].footageSeconds / 3600);
      for (const z of v[side].zones) {
        add(`${z.zone}/visits/${side}`, z.visits);
        add(`${z.zone}/dwell/${side}`, (z.meanDwellSeconds ?? 0) * z.visits);
      }
    });
  }
  const get = (k: string) => totals.get(k) ?? 0;
  const expected: Expected = new Map();
  for (const key of totals.keys()) {
    const m = /^(.*)\/visits\/before$/.exec(key);
    if (!m) continue;
    const zone = m[1];
    const rate = (side: string) => get(`${zone}/visits/${side}`) / get(`hours/${side}`);
    const dwell = (side: string) => get(`${zone}/dwell/${side}`) / get(`${zone}/visits/${side}`);
    expected.set(`${zone}/visitRate`, rate("after") / rate("before") - 1);
    expected.set(`${zone}/meanDwell`, dwell("after") / dwell("before") - 1);
  }
  return expected;
}

export interface Verdict { covered: boolean; tooFew: boolean; significant: boolean; people: number; text: string }
export interface Judged { zone: string; figure: Figure; expected: number; measured: Verdict; onTruth: Verdict }

const pct = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(0)}%`;

function verdict(e: Estimate & { people?: [number, number]; tooFew?: boolean }, expected: number): Verdict {
  const ci = e.ciRelative;
  const tooFew = e.tooFew ?? false;
  const ok = !!ci && Number.isFinite(ci[0]) && Number.isFinite(ci[1]);
  return {
    covered: ok && ci![0] <= expected && expected <= ci![1],
    tooFew: tooFew || !ok,
    significant: e.significant,
    people: e.people ? Math.min(...e.people) : NaN,
    text: e.relative == null ? "–" : ok ? `${pct(e.relative)} (${pct(ci![0])} to ${pct(ci![1])})` : `${pct(e.relative)} (too few to tell)`,
  };
}

export function judge(m: Measured, expected: Expected): Judged[] {
  const out: Judged[] = [];
  const byZone = (zs: ZoneComparison[], zone: string) => zs.find((z) => z.zone === zone)!;
  for (const z of m.compare.measured) {
    for (const figure of FIGURES) {
      const exp = expected.get(`${z.zone}/${figure}`);
      if (exp === undefined || !Number.isFinite(exp)) continue;
      out.push({ zone: z.zone, figure, expected: exp, measured: verdict(z[figure], exp), onTruth: verdict(byZone(m.compare.onTruth, z.zone)[figure], exp) });
    }
  }
  return out;
}

const BUCKETS: [string, (n: number) => boolean][] = [
  ["< 10 people", (n) => n < 10], ["10-19", (n) => n >= 10 && n < 20], ["20-39", (n) => n >= 20 && n < 40], [">= 40", (n) => n >= 40], ["all", () => true],
];

/** Markdown table: per source (measured, true boxes), figure and people bucket: coverage and false changes. */
export function coverageTable(judged: readonly Judged[]): string {
  const lines = ["| boxes | figure | people per side | comparisons | with an interval | interval holds the truth | no true change: called a change |", "|---|---|---|---|---|---|---|"];
  for (const source of ["measured", "onTruth"] as const) {
    for (const figure of FIGURES) {
      for (const [bucket, inBucket] of BUCKETS) {
        const js = judged.filter((j) => j.figure === figure && inBucket(j[source].people));
        if (!js.length) continue;
        const told = js.filter((j) => !j[source].tooFew);
        const covered = told.filter((j) => j[source].covered).length;
        const none = js.filter((j) => Math.abs(j.expected) < NO_CHANGE);
        const falseCalls = none.filter((j) => j[source].significant).length;
        lines.push(`| ${source === "measured" ? "detected" : "true"} | ${figure} | ${bucket} | ${js.length} | ${told.length} | ${told.length ? `${((covered / told.length) * 100).toFixed(0)}% (${covered})` : "–"} | ${none.length ? `${((falseCalls / none.length) * 100).toFixed(0)}% (${falseCalls} of ${none.length})` : "–"} |`);
      }
    }
  }
  return lines.join("\n");
}
