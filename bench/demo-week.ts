// `npm run demo:week`: a week of the simulated store "demo-store" (data/scenarios/front.json and
// side.json: one minute of video every opening hour at 3 frames/s, a new window display from
// Friday), rendered, analysed with smw analyze into the store's dataset
// (data/runs/week/store=demo-store/camera=<id>/date=<YYYY-MM-DD>/<segment>/, the layout queue
// workers write), shown measured beside the truth, and built into the workbench (dist/) with
// every page on the week: Calendar, Floor, Queues, and Compare before/after the display.
// Rendering and analysis are kept under data/runs/week, so a second run only rebuilds. The footage
// is rendered from real people, but it is not store footage.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { loadCameraConfig, wallClockToDate } from "../loaders/config/camera.ts";
import { compareMatched } from "../loaders/analytics/matched.ts";
import { headline } from "../loaders/analytics/report.ts";
import { openAnalytics } from "../loaders/analytics/views.ts";
import { footfall } from "../loaders/analytics/metrics.ts";
import { queueFigures } from "../loaders/analytics/queues.ts";
import { findRunDirs, runStartOf } from "../loaders/run/read.ts";
import { weekPicture } from "./week-picture.ts";

const ROOT = join(import.meta.dirname, "..");
const OUT = process.env.WEEK_DIR ?? join(ROOT, "data/runs/week");
const SCENARIOS = join(ROOT, "data/scenarios");
const STORE = join(OUT, "store=demo-store");
const CAMERAS = ["front", "side"];
const smw = (args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/smw.js"), ...args], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const t0 = performance.now();
// an earlier demo:week analysed the front camera outside the store's folder: move it in
if (existsSync(join(OUT, "front", "camera=front")) && !existsSync(join(STORE, "camera=front"))) {
  renameSync(join(OUT, "front", "camera=front"), join(STORE, "camera=front"));
}
for (const camera of CAMERAS) {
  const footage = join(OUT, "footage", camera);
  if (!existsSync(join(footage, "truth.json"))) smw(["simulate", join(SCENARIOS, `${camera}.json`), "--out", join(OUT, "footage")]);
  if (!existsSync(join(STORE, `camera=${camera}`))) smw(["analyze", footage, "--out", STORE, "--config", join(SCENARIOS, `${camera}.camera.json`)]);
  // lines, zones and the floor mapping as the scenario's camera config has them now (no new analysis needed)
  for (const dir of findRunDirs([join(STORE, `camera=${camera}`)])) copyFileSync(join(SCENARIOS, `${camera}.camera.json`), join(dir, "camera.json"));
}
copyFileSync(join(SCENARIOS, "demo-store-floor.png"), join(STORE, "demo-store-floor.png"));
const seconds = (performance.now() - t0) / 1000;

const WEEKDAY = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const runs = (dir: string, config: ReturnType<typeof loadCameraConfig>) => findRunDirs([dir]).map((d) => ({ dir: d, start: runStartOf(d, config), segment: d.split("/").pop() }));
let picture: { truth: { bucket: string; visitors: number }[]; measured: { bucket: string; visitors: number }[]; days: string[] } | null = null;
for (const camera of CAMERAS) {
  const config = loadCameraConfig(join(SCENARIOS, `${camera}.camera.json`));
  const footage = join(OUT, "footage", camera);
  const truth = JSON.parse(readFileSync(join(footage, "truth.json"), "utf8"));
  const measured = await openAnalytics({ runs: runs(join(STORE, `camera=${camera}`), config), config });
  const onTruth = await openAnalytics({ runs: runs(join(footage, "truth"), config), config });
  const dayWindow = (date: string, days = 1) => {
    const next = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    return { start: wallClockToDate(`${date}T00:00`, config.timezone)!, end: wallClockToDate(`${next}T00:00`, config.timezone)! };
  };
  try {
    const display = config.zones.find((z) => z.kind === "display")!.name;
    console.log(`\nCamera '${camera}' (${truth.segments} one-minute segments, ${truth.frames} frames)\n`);
    console.log(`| day | customers (true / measured) | line in | line out | ${display} visits |\n|---|---|---|---|---|`);
    for (const d of truth.days) {
      const h = await headline(measured, dayWindow(d.date));
      const visits = (zs: { zone: string; visits: number }[]) => zs.find((z) => z.zone === display)?.visits ?? 0;
      const weekday = WEEKDAY[(new Date(`${d.date}T12:00:00Z`).getUTCDay() + 6) % 7];
      console.log(`| ${weekday} ${d.date} | ${d.visitors} / ${h.visitors} | ${d.lineIn} / ${h.lineIn} | ${d.lineOut} / ${h.lineOut} | ${visits(d.zones)} / ${visits(h.zones)} |`);
    }
    const v = truth.interventions[0];
    if (v) {
      const before = dayWindow(truth.days[0].date, v.fromDay - 1), after = dayWindow(truth.days[v.fromDay - 1].date, truth.days.length - v.fromDay + 1);
      for (const [label, a] of [["measured", measured], ["true boxes", onTruth]] as const) {
        const c = await compareMatched(a, before, after);
        console.log(`\nCompare before/after '${v.name}' (from ${truth.days[v.fromDay - 1].date}), ${label}, matched by ${c.level}:\n  ${c.summary.join("\n  ")}`);
      }
    }
    for (const [label, a] of [["measured", measured], ["true boxes", onTruth]] as const) {
      for (const q of await queueFigures(a)) {
        console.log(`Queue '${q.queue}', ${label}: ${q.served} served, ${q.abandoned} gave up, ${q.censored} cut by the recording; mean wait ${q.meanWait.value?.toFixed(1) ?? "–"} s; mean in line ${q.length.mean?.toFixed(2) ?? "–"}`);
      }
    }
    if (truth.all?.queue?.joined) console.log(`Queue, simulator's truth: ${truth.all.queue.served} served, ${truth.all.queue.abandoned} gave up, mean wait ${truth.all.queue.meanWaitSeconds?.toFixed(1)} s (every wait, also those a one-minute segment cuts)`);
    const perHour = async (a: typeof measured) => (await footfall(a, "hour")).map((r) => ({ bucket: r.bucket!, visitors: r.visitors }));
    if (camera === "front") picture = { truth: await perHour(onTruth), measured: await perHour(measured), days: truth.days.map((d: { date: string }) => d.date) };
  } finally {
    measured.close();
    onTruth.close();
  }
}
const pictureFile = process.env.WEEK_PICTURE ?? join(ROOT, "docs/screenshots/simulated-week.png");
if (picture) weekPicture(picture.truth, picture.measured, picture.days, pictureFile);
console.log(`\nRendered and analysed in ${seconds.toFixed(0)} s this time. Picture of the front camera's week -> ${pictureFile}`);

// the workbench on the store's week: before (Mon-Thu) against after (Fri-Sun) the new display
const build = spawnSync("npm", ["run", "build"], {
  cwd: ROOT, stdio: "inherit",
  env: { ...process.env, SMW_DATA: STORE, SMW_COMPARE_A: "2024-05-06..2024-05-09", SMW_COMPARE_B: "2024-05-10..2024-05-12" },
});
if (build.status !== 0) process.exit(build.status ?? 1);
console.log(`Workbench of the store's week -> dist/ (open dist/index.html from any static host; smw publish --data ${STORE} --out site/ makes a copy elsewhere)`);
