// `npm run bench:mot`: the numbers a store would quote, against ground truth, at several frame
// rates, with one set of defaults (no per-sequence tuning):
//  - TUD-Stadtmitte and TUD-Campus (bundled, MOTChallenge ground truth) at strides 1, 3 and 5
//    (25, 8.3 and 5 fps): visitors (distinct ids) and median / mean time in view against the
//    truth, then HOTA, AssA, IDF1 and MOTA on the analysed frames;
//  - the shopping-mall clip (../shared/footage/mall, 2 fps, ~30 people in view, per-frame counts
//    only, no identities; research use: read in place, never copied), calibrated on 20 labelled
//    frames spread over the clip: track coverage, the two mean times in view (tracks, Little's law)
//    and visitors by each estimator;
//  - a rendered crowd (`smw simulate data/scenarios/crowd.json`: 3 minutes at 2 fps, ~25 people in
//    view, exact truth): visitors by tracks and by the entry line, time in view, coverage, MOTA/IDF1;
//  - the tracker's own cost per frame at 20 people.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, mean, randomLcg } from "d3";
import { estimates } from "../loaders/analytics/estimators.ts";
import { openAnalytics } from "../loaders/analytics/views.ts";
import { calibrate } from "../loaders/count/calibrate.ts";
import { formatLabelsCsv, readLabels } from "../loaders/count/labels.ts";
import { evaluateMot } from "../loaders/eval/mot-metrics.ts";
import { readMotFile } from "../loaders/eval/mot-text.ts";
import { loadCameraConfig } from "../loaders/config/camera.ts";
import { simulate } from "../loaders/simulate/simulate.ts";
import { analyzeSegment } from "../loaders/pipeline/segment.ts";
import { createTracker } from "../loaders/track/index.ts";
import type { Detections, TrackRow } from "../loaders/types.ts";

const repo = join(import.meta.dirname, "..");
const MALL = join(repo, "..", "shared", "footage", "mall");
const STRIDES = (process.env.BENCH_STRIDES ?? "1,3,5").split(",").map(Number);
const benchDir = (name: string) => mkdtempSync(join(tmpdir(), `smw-bench-${name}-`));
const say = (m: string) => process.stderr.write(`bench:mot: ${m}\n`);
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const signed = (v: number) => `${v >= 0 ? "+" : ""}${(100 * v).toFixed(0)}%`;

/** Seconds each id is in view: last - first frame plus one analysed frame. */
function timesInView(rows: readonly TrackRow[], fps: number, stepFrames: number): number[] {
  const span = new Map<number, [number, number]>();
  for (const r of rows) {
    const s = span.get(r.trackId);
    if (!s) span.set(r.trackId, [r.frame, r.frame]);
    else span.set(r.trackId, [Math.min(s[0], r.frame), Math.max(s[1], r.frame)]);
  }
  return [...span.values()].map(([a, b]) => (b - a + stepFrames) / fps);
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
}

// ---- the TUD clips at several frame rates ----
const clips = [["TUD-Stadtmitte", "tud-stadtmitte"], ["TUD-Campus", "tud-campus"]] as const;
const table = [["sequence", "fps", "visitors", "true", "err", "median s", "true", "err", "mean s", "true", "err", "HOTA", "AssA", "IDF1", "MOTA", "IDSW"]];
const checks: string[] = [];
for (const [name, file] of clips) {
  const video = join(repo, "data/clips", `${file}.mp4`);
  const gtAll = await readMotFile(join(repo, "data/clips", `${file}.gt.txt`), { gt: true });
  const truthTimes = timesInView(gtAll, 25, 1);
  const trueVisitors = new Set(gtAll.map((r) => r.trackId)).size;
  for (const stride of STRIDES) {
    const out = benchDir(`mot-${file}-${stride}`);
    const mot = join(out, "res.txt");
    say(`${name} at stride ${stride}`);
    const { summary } = await analyzeSegment({ video, out, mot, stride });
    const rows = await readMotFile(mot);
    const fps = summary.video.fps;
    // metrics on the frames that were analysed: the others have no result by design
    const m = evaluateMot(gtAll.filter((r) => r.frame % stride === 0), rows);
    const times = timesInView(rows, fps, stride);
    const visitors = new Set(rows.map((r) => r.trackId)).size;
    const v = visitors / trueVisitors - 1, md = median(times)! / median(truthTimes)! - 1, mn = mean(times)! / mean(truthTimes)! - 1;
    table.push([name, (fps / stride).toFixed(1), String(visitors), String(trueVisitors), signed(v),
      median(times)!.toFixed(2), median(truthTimes)!.toFixed(2), signed(md), mean(times)!.toFixed(2), mean(truthTimes)!.toFixed(2), signed(mn),
      pct(m.hota!.hota), pct(m.hota!.assA), pct(m.idf1), pct(m.mota), String(m.idsw)]);
    const ok = (b: boolean) => (b ? "holds" : "MISSED");
    checks.push(`${name} stride ${stride}: visitors within 15% ${ok(Math.abs(v) <= 0.15)}, median time in view within 20% ${ok(Math.abs(md) <= 0.2)}${stride === 1 ? `, IDF1 >= 75% ${ok(m.idf1 >= 0.75)}` : ""}`);
  }
}
console.log("\nHeadline numbers against the ground truth (TUD clips, every analysed frame, one set of defaults):\n");
printTable(table);
console.log(`\n${checks.join("\n")}`);

// ---- the mall: counts, no identities ----
if (!existsSync(join(MALL, "mall_dev.mp4"))) {
  console.log(`\nno mall footage at ${MALL}; skipping coverage and Little's law`);
} else {
  const video = join(MALL, "mall_dev.mp4");
  const dir = benchDir("mot-mall");
  const config = join(dir, "mall.json");
  const labels = join(dir, "labels.csv");
  writeFileSync(labels, formatLabelsCsv(readLabels(join(MALL, "counts_dev.csv"))));
  writeFileSync(config, JSON.stringify({ camera: "mall", doc: "bench:mot: the mall clip, calibrated on 20 frames spread over it" }));
  say("calibrating the mall camera on 20 labelled frames spread over the clip");
  const cal = await calibrate({ video, labels, roi: join(MALL, "roi_mask.png"), config, onProgress: say });
  const out = join(dir, "run");
  say(`analysing the mall clip at ${cal.calibration.inputSize.join("x")}, tracking and counting from score ${cal.calibration.scoreThreshold}`);
  const { summary } = await analyzeSegment({ video, out, config });
  const a = await openAnalytics({ runs: [{ dir: out }] });
  try {
    const e = await estimates(a);
    const little = e.little?.meanSeconds ?? NaN, tracked = e.tracked.meanSeconds ?? NaN;
    console.log(`\nMall clip (800 frames at 2 fps, ~30 people in view; calibrated: ${cal.calibration.inputSize.join("x")}, score >= ${cal.calibration.scoreThreshold}):\n`);
    printTable([
      ["figure", "value", "target"],
      ["track coverage (tracked in region / counted)", e.coverage!.toFixed(2), ">= 0.80"],
      ["mean time in view, tracks", `${tracked.toFixed(1)} s`, ""],
      ["mean time in view, Little's law", `${little.toFixed(1)} s`, "within 25% of tracks"],
      ["  ratio Little / tracks", (little / tracked).toFixed(2), "0.75-1.25"],
      ["visitors, tracks (people first seen)", String(e.tracked.people), ""],
      ["visitors, Little's law people (counted person-s / tracks' mean time)", String(Math.round(e.little!.personSeconds / tracked)), ""],
      ["tracklets linked into people", `${summary.tracking?.tracklets} -> ${summary.tracking?.people}`, ""],
    ]);
  } finally {
    a.close();
  }
}

// ---- a rendered crowd with exact truth ----
{
  const dir = benchDir("mot-crowd");
  say("rendering a 3-minute crowd at 2 fps (data/scenarios/crowd.json)");
  await simulate({ scenario: join(repo, "data/scenarios/crowd.json"), out: dir, seed: 3 });
  const cam = join(dir, "front");
  const video = join(cam, "front_20240507_120000.mp4");
  const out = join(dir, "run");
  const mot = join(dir, "res.txt");
  say("analysing the rendered crowd");
  await analyzeSegment({ video, out, mot, config: join(cam, "camera.json") });
  const config = loadCameraConfig(join(cam, "camera.json"));
  const measure = async (runDir: string) => {
    const a = await openAnalytics({ runs: [{ dir: runDir }], config });
    try {
      return await estimates(a);
    } finally {
      a.close();
    }
  };
  const got = await measure(out);
  const truth = await measure(join(cam, "truth", "front_20240507_120000"));
  const m = evaluateMot(await readMotFile(join(cam, "front_20240507_120000.gt.txt"), { gt: true }), await readMotFile(mot));
  const row = (label: string, v: number | null, t: number | null, digits = 0) => [label, v == null ? "–" : v.toFixed(digits), t == null ? "–" : t.toFixed(digits), v != null && t ? signed(v / t - 1) : ""];
  console.log("\nRendered crowd (3 min at 2 fps, ~25 people in view; rendered from the bundled clips, exact truth):\n");
  printTable([
    ["figure", "measured", "true", "err"],
    row("visitors, tracks (everyone first seen)", got.tracked.people, truth.tracked.people),
    row("visitors, entry line (customers crossing in)", got.visitorsByLines, truth.visitorsByLines),
    row("median time in view, tracks (s)", got.tracked.medianSeconds, truth.tracked.medianSeconds, 1),
    row("mean time in view, tracks (s)", got.tracked.meanSeconds, truth.tracked.meanSeconds, 1),
    row("mean time in view, Little's law (s)", got.little?.meanSeconds ?? null, truth.tracked.meanSeconds, 1),
    ["track coverage", got.coverage?.toFixed(2) ?? "–", "", ""],
    ["MOTA / IDF1 / HOTA", `${pct(m.mota)} / ${pct(m.idf1)} / ${pct(m.hota!.hota)}`, "", ""],
  ]);
}

// ---- the tracker's own cost: 20 people walking, 1000 frames, boxes jittered ----
const tracker = createTracker("bytetrack", { fps: 25 });
const n = 20;
const det: Detections = { count: n, boxes: new Float32Array(4 * n), scores: new Float32Array(n).fill(0.8), classes: new Int32Array(n) };
const rand = randomLcg(1);
let spent = 0;
for (let f = 0; f < 1000; f++) {
  for (let i = 0; i < n; i++) {
    const x = 30 * i + f * 0.8 + rand() * 2, y = 100 + 15 * (i % 7) + rand() * 2;
    det.boxes.set([x, y, x + 25, y + 70], 4 * i);
  }
  const t0 = performance.now();
  tracker.update(det, { frame: f, t: f / 25 });
  if (f >= 100) spent += performance.now() - t0; // after JIT warm-up
}
console.log(`\nbytetrack: ${(spent / 900).toFixed(3)} ms per frame at ${n} people`);
