// compare.json: the Compare page's before/after, computed by the analytics engine's compare():
// per zone, visit rate and mean dwell per visit in A and B with visitor-bootstrap 95% intervals,
// and its plain-language summary. With $SMW_RUN_B: run A against run B; otherwise two windows
// of run A, $SMW_COMPARE_A and $SMW_COMPARE_B as "start-end" seconds from the start of the video
// (default: first half against second half). The page starts its two windows here.
import { basename } from "node:path";
import { compare, MIN_PEOPLE } from "../../loaders/analytics/compare.ts";
import { openRunAnalytics, runDuration, type Window } from "./_lib/analytics.ts";
import { gridFor } from "./_lib/per-run.ts";
import { emitJson, hasRunB } from "./_lib/run.ts";

function window(spec: string | undefined, fallback: [number, number]): [number, number] {
  if (!spec) return fallback;
  const m = /^\s*([\d.]+)\s*[-,]\s*([\d.]+)\s*$/.exec(spec);
  if (!m || !(+m[2] > +m[1])) throw new Error(`bad window "${spec}": use start-end in seconds, e.g. 0-3600`);
  return [+m[1], +m[2]];
}
const asWindow = ([from, to]: [number, number], duration: number): Window => (from <= 0 && to >= duration ? {} : { fromSeconds: from, toSeconds: to });

const a = await openRunAnalytics("a");
const durationA = await runDuration(a);
const runs = hasRunB();
const b = runs ? await openRunAnalytics("b") : a;
const durationB = runs ? await runDuration(b) : durationA;
const half = Math.round((durationA / 2) * 100) / 100;
const windowA = window(process.env.SMW_COMPARE_A, runs ? [0, durationA] : [0, half]);
const windowB = window(process.env.SMW_COMPARE_B, runs ? [0, durationB] : [half, durationA]);
const labels: [string, string] = runs ? [`A · ${basename(a.dir)}`, `B · ${basename(b.dir)}`] : ["A · before", "B · after"];

const result = await compare(
  { analytics: a.a, window: asWindow(windowA, durationA), label: labels[0] },
  { analytics: b.a, window: asWindow(windowB, durationB), label: labels[1] },
  { resamples: 1000, seed: 1, cellPx: gridFor(a.info.video.width, a.info.video.height).cell },
);
if (runs) b.close();
a.close();

await emitJson({
  mode: runs ? "runs" : "windows",
  a: { run: basename(a.dir), window: windowA, label: labels[0] },
  b: { run: basename(b.dir), window: windowB, label: labels[1] },
  engine: { resamples: 1000, seed: 1, method: "visitor bootstrap (loaders/analytics/compare.ts)", minPeople: MIN_PEOPLE },
  hours: result.hours,
  visitors: result.visitors,
  zones: result.zones,
  summary: result.summary,
});
