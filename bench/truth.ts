// `npm run bench:truth`: the whole pipeline against footage with known answers. Renders
// data/scenarios/two-days.json (two identical weekdays; day 2 doubles the left window's pull),
// analyses it with `smw analyze` as a user would, and prints measured against true: visitors, line
// in/out, zone visits and mean dwell, per-frame people count error, MOTA/IDF1, detection recall on
// rendered people against the source clips, and whether Compare's 95% intervals hold the true
// change. Then the coverage runs: TRUTH_SEEDS (20) seeds of two-days-short.json through the same
// pipeline: how often each interval holds the true change, and how often Compare calls a change
// where there is none, by the number of people behind the figure.
//
// The true change is the expected one: the mean over TRUTH_MC (60) seeds' ground truth (planned,
// not rendered), so an interval is judged against what the store really changed, not one day's luck.
// Work goes to $TRUTH_DIR (default a temp folder). Figures come from a busy, shared machine.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { findRunDirs } from "../loaders/run/read.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCameraConfig } from "../loaders/config/camera.ts";
import { simulate } from "../loaders/simulate/simulate.ts";
import { detectionRecall, measure, type Measured } from "./truth-measure.ts";
import { coverageTable, expectedChanges, judge, type Judged } from "./truth-coverage.ts";
import { truthPicture } from "./truth-picture.ts";

const ROOT = join(import.meta.dirname, "..");
const SMW = join(ROOT, "bin", "smw.js");
const FULL = join(ROOT, "data/scenarios/two-days.json");
const SHORT = join(ROOT, "data/scenarios/two-days-short.json");
const SEEDS = Number(process.env.TRUTH_SEEDS ?? 20);
const MC = Number(process.env.TRUTH_MC ?? 60);
const WORK = process.env.TRUTH_DIR ?? mkdtempSync(join(tmpdir(), "smw-bench-truth-"));
const say = (m: string) => process.stderr.write(`bench:truth: ${m}\n`);

function smw(args: string[]): void {
  const r = spawnSync(process.execPath, [SMW, ...args], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`smw ${args.join(" ")} exited with ${r.status}`);
}

/** Renders and analyses one seed of a scenario (kept when already there), and measures it. */
async function run(scenario: string, seed: number, name: string): Promise<Measured> {
  const dir = join(WORK, name);
  const camera = "front";
  const footage = join(dir, "footage", camera);
  if (!existsSync(join(footage, "truth.json"))) {
    const t0 = performance.now();
    smw(["simulate", scenario, "--out", join(dir, "footage"), "--seed", String(seed), "--quiet"]);
    say(`${name}: rendered in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const videos = readdirSync(footage).filter((f) => f.endsWith(".mp4")).length;
  const analysed = () => {
    try {
      return findRunDirs([join(dir, "runs")]).length;
    } catch {
      return 0; // no run folder yet
    }
  };
  if (analysed() < videos) {
    rmSync(join(dir, "runs"), { recursive: true, force: true }); // an analysis that stopped part-way is redone
    const t0 = performance.now();
    smw(["analyze", footage, "--out", join(dir, "runs"), "--config", join(footage, "camera.json"), "--quiet"]);
    say(`${name}: analysed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  return measure(footage, join(dir, "runs"), loadCameraConfig(join(footage, "camera.json")));
}

async function sourceClipsRecall(): Promise<{ clip: string; recall: number; n: number }[]> {
  const out = [];
  for (const clip of ["tud-stadtmitte", "tud-campus"]) {
    const dir = join(WORK, `source-${clip}`);
    if (!existsSync(join(dir, "run.json"))) smw(["analyze", join(ROOT, "data/clips", `${clip}.mp4`), "--out", dir, "--quiet"]);
    const c = await detectionRecall(dir, join(ROOT, "data/clips", `${clip}.gt.txt`));
    out.push({ clip, recall: c.tp / (c.tp + c.fn), n: c.tp + c.fn });
  }
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number | null | undefined, d = 1) => (x == null || !Number.isFinite(x) ? "–" : x.toFixed(d));

say(`work folder ${WORK}`);
const full = await run(FULL, 1, "two-days");
const source = await sourceClipsRecall();
const truth = JSON.parse(readFileSync(join(WORK, "two-days/footage/front/truth.json"), "utf8"));
const picture = process.env.TRUTH_PICTURE ?? join(ROOT, "docs/screenshots/simulated-frame.png");
const busiest = "front_20240508_170000";
const shown = await truthPicture(join(WORK, "two-days/footage/front", `${busiest}.mp4`), join(WORK, "two-days/footage/front", `${busiest}.gt.txt`), join(WORK, "two-days/runs/camera=front/date=2024-05-08", busiest), picture);
say(`picture: frame ${shown} of ${busiest} with its true (green) and detected (red) boxes -> ${picture}`);
console.log(`\nMeasured vs true: ${FULL.slice(ROOT.length + 1)}, seed 1 (${truth.segments} segments, ${truth.frames} frames at ${truth.fps} fps, ${truth.size.join("x")})\n`);
console.log("| figure | true | measured | error |\n|---|---|---|---|");
for (const row of full.rows) console.log(`| ${row.name} | ${num(row.truth, row.digits)} | ${num(row.measured, row.digits)} | ${row.truth ? pct(row.measured / row.truth - 1) : "–"} |`);
console.log(`| people per frame (count MAE) | mean ${num(full.count.meanTrue, 2)} | mean ${num(full.count.meanMeasured, 2)} | MAE ${num(full.count.mae, 2)} |`);
console.log(`| tracking (all segments) | | MOTA ${pct(full.mot.mota)}, IDF1 ${pct(full.mot.idf1)} | |`);
console.log(`\nDetection recall at the run's threshold (IoU 0.5, people at least half inside the picture): rendered people ${pct(full.recall.all)} (${full.recall.n} true boxes; ${pct(full.recall.visible)} on those at least half visible),`);
console.log(`source clips ${source.map((s) => `${s.clip} ${pct(s.recall)} (${s.n})`).join(", ")}.`);
const sourceRecall = source.reduce((t, s) => t + s.recall * s.n, 0) / source.reduce((t, s) => t + s.n, 0);
console.log(`Difference: ${((full.recall.all - sourceRecall) * 100).toFixed(1)} points (target: within 10).`);

say(`expected changes from ${MC} seeds of planned truth (no video)`);
const expectedFull = await expectedChanges(FULL, MC, WORK, simulate);
console.log("\nCompare day 1 -> day 2 (relative change; true = expected over seeds):\n");
console.log("| zone | figure | true change | measured (95% CI) | holds the truth | on true boxes (95% CI) |\n|---|---|---|---|---|---|");
for (const j of judge(full, expectedFull)) {
  console.log(`| ${j.zone} | ${j.figure} | ${pct(j.expected)} | ${j.measured.text} | ${j.measured.covered ? "yes" : j.measured.tooFew ? "too few" : "no"} | ${j.onTruth.text} |`);
}

say(`coverage: ${SEEDS} seeds of ${SHORT.slice(ROOT.length + 1)}`);
const expectedShort = await expectedChanges(SHORT, MC, WORK, simulate);
const judged: Judged[] = [];
for (let seed = 1; seed <= SEEDS; seed++) judged.push(...judge(await run(SHORT, 1000 + seed, `short-${seed}`), expectedShort));
console.log(`\nCoverage over ${SEEDS} seeds of ${SHORT.slice(ROOT.length + 1)} (every zone and figure; a change is called when the 95% CI of the difference excludes zero):\n`);
console.log(coverageTable(judged));
