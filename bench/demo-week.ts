// `npm run demo:week`: a week of the simulated store's front camera (data/scenarios/front.json:
// one minute of video every opening hour at 3 frames/s, a new window display from Friday),
// rendered, analysed with smw analyze, and shown: per day and daypart, weekdays against the
// weekend, before and after the display, measured beside the truth; and a picture of the week
// (customers per hour and day, true and measured) for the README. Kept under data/runs/week, so a
// second run only redraws. The footage is rendered from real people, but it is not store footage.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCameraConfig, wallClockToDate } from "../loaders/config/camera.ts";
import { compare } from "../loaders/analytics/compare.ts";
import { headline } from "../loaders/analytics/report.ts";
import { openAnalytics } from "../loaders/analytics/views.ts";
import { footfall } from "../loaders/analytics/metrics.ts";
import { findRunDirs, runStartOf } from "../loaders/run/read.ts";
import { weekPicture } from "./week-picture.ts";

const ROOT = join(import.meta.dirname, "..");
const OUT = process.env.WEEK_DIR ?? join(ROOT, "data/runs/week");
const SCENARIO = process.env.WEEK_SCENARIO ?? join(ROOT, "data/scenarios/front.json");
const FOOTAGE = join(OUT, "footage", "front");
const RUNS = join(OUT, "front");
const smw = (args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/smw.js"), ...args], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const t0 = performance.now();
if (!existsSync(join(FOOTAGE, "truth.json"))) smw(["simulate", SCENARIO, "--out", join(OUT, "footage")]);
if (!existsSync(RUNS)) smw(["analyze", FOOTAGE, "--out", RUNS, "--config", join(FOOTAGE, "camera.json")]);
const seconds = (performance.now() - t0) / 1000;

const config = loadCameraConfig(join(FOOTAGE, "camera.json"));
const truth = JSON.parse(readFileSync(join(FOOTAGE, "truth.json"), "utf8"));
const runs = (dir: string) => findRunDirs([dir]).map((d) => ({ dir: d, start: runStartOf(d, config), segment: d.split("/").pop() }));
const measured = await openAnalytics({ runs: runs(RUNS), config });
const onTruth = await openAnalytics({ runs: runs(join(FOOTAGE, "truth")), config });
const dayWindow = (date: string, days = 1) => {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  return { start: wallClockToDate(`${date}T00:00`, config.timezone)!, end: wallClockToDate(`${next}T00:00`, config.timezone)! };
};
const WEEKDAY = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
try {
  console.log(`\nA rendered week of camera 'front' (${truth.segments} one-minute segments, ${truth.frames} frames; rendered and analysed in ${seconds.toFixed(0)} s this time)\n`);
  console.log("| day | customers (true / measured) | line in | line out | left window visits |\n|---|---|---|---|---|");
  for (const d of truth.days) {
    const h = await headline(measured, dayWindow(d.date));
    const lw = (zs: { zone: string; visits: number }[]) => zs.find((z) => z.zone === "left window")?.visits ?? 0;
    const weekday = WEEKDAY[(new Date(`${d.date}T12:00:00Z`).getUTCDay() + 6) % 7];
    console.log(`| ${weekday} ${d.date} | ${d.visitors} / ${h.visitors} | ${d.lineIn} / ${h.lineIn} | ${d.lineOut} / ${h.lineOut} | ${lw(d.zones)} / ${lw(h.zones)} |`);
  }
  for (const [name, w] of [["weekdays", { weekday: "weekday" as const }], ["weekend", { weekday: "weekend" as const }]] as const) {
    const h = await headline(measured, w);
    const t = name === "weekdays" ? truth.weekdays : truth.weekends;
    console.log(`| ${name} | ${t.visitors} / ${h.visitors} | ${t.lineIn} / ${h.lineIn} | ${t.lineOut} / ${h.lineOut} | |`);
  }
  const v = truth.interventions[0];
  const from = truth.days[v.fromDay - 1].date;
  const before = dayWindow(truth.days[0].date, v.fromDay - 1), after = dayWindow(from, truth.days.length - v.fromDay + 1);
  for (const [label, a] of [["measured", measured], ["true boxes", onTruth]] as const) {
    const c = await compare({ analytics: a, window: before, label: "before" }, { analytics: a, window: after, label: "after" });
    console.log(`\nCompare before/after '${v.name}' (from ${from}), ${label}:\n  ${c.summary.join("\n  ")}`);
  }
  const perHour = async (a: typeof measured) => (await footfall(a, "hour")).map((r) => ({ bucket: r.bucket!, visitors: r.visitors }));
  const picture = process.env.WEEK_PICTURE ?? join(ROOT, "docs/screenshots/simulated-week.png");
  weekPicture(await perHour(onTruth), await perHour(measured), truth.days.map((d: { date: string }) => d.date), picture);
  console.log(`\nPicture of the week (customers per hour, true and measured) -> ${picture}`);
  console.log(`Segments analysed into ${RUNS}; smw report ${RUNS} --daypart evening, or --days weekend, re-cuts any window.`);
} finally {
  measured.close();
  onTruth.close();
}
