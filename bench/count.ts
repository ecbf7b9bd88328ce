// `npm run bench:count`: per-frame people counts on crowded shopping-mall CCTV
// (../shared/footage/mall: 800 frames at 2 fps, ~30 people per frame, per-frame ground-truth
// counts and head points, counting region mask), for the default settings and for a camera
// calibrated with `calibrate()` on 20 labelled frames from the first quarter, evaluated on the
// other three quarters (frames the calibration never saw). Also: what static-object suppression
// does to false boxes, and whether the window-count intervals hold what they promise.
//
// The mall data is research-use only: it is read in place, never copied into the project.
// Detections are cached per input size in the temp folder (see loaders/count/evidence-cache.ts),
// so a second run takes seconds.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DETECTOR_DEFAULTS } from "../loaders/detect/detector.ts";
import { chooseInputSize, loadManifest } from "../loaders/detect/manifest.ts";
import { calibrate, formatCalibration } from "../loaders/count/calibrate.ts";
import { buildPlate, collectEvidence, type EvidenceFrame } from "../loaders/count/evidence-cache.ts";
import { matchHeads } from "../loaders/count/head-match.ts";
import { formatLabelsCsv, readLabels } from "../loaders/count/labels.ts";
import { errorStats, predictCount, smoothSeries, type CountCalibration, type ResidualStats } from "../loaders/count/model.ts";
import { loadRoiMask } from "../loaders/count/roi.ts";
import { choose, evidenceFeatures, headsInRoi } from "../loaders/count/sweep.ts";
import { STATIC_DEFAULTS } from "../loaders/count/static-filter.ts";
import { windowCountInterval } from "../loaders/count/uncertainty.ts";
import { probeVideo } from "../loaders/video/probe.ts";
import { tmpdir } from "node:os";

const MALL = join(import.meta.dirname, "..", "..", "shared", "footage", "mall");
const VIDEO = join(MALL, "mall_dev.mp4");
if (!existsSync(VIDEO)) {
  console.log(`no mall footage at ${MALL}; nothing to measure`);
  process.exit(0);
}
const threads = Number(process.env.BENCH_THREADS ?? 2);
const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const say = (m: string) => process.stderr.write(`bench:count: ${m}\n`);

const video = await probeVideo(VIDEO);
const manifest = loadManifest();
const roi = loadRoiMask(join(MALL, "roi_mask.png"));
const truth = readLabels(join(MALL, "counts_dev.csv"));
const truthBy = new Map(truth.map((l) => [l.frame, l.count]));
const heads = new Map<number, [number, number][]>();
for (const line of readFileSync(join(MALL, "heads_dev.csv"), "utf8").trim().split("\n").slice(1)) {
  const [f, x, y] = line.split(",").map(Number);
  if (!heads.has(f - 1)) heads.set(f - 1, []);
  heads.get(f - 1)!.push([x, y]);
}

// Calibration: 20 frames spread over the first quarter; evaluation: everything after it.
const quarter = Math.floor(video.frameCount / 4);
const labelsFile = join(tempDir("smw-bench-count-"), "first-quarter.csv");
writeFileSync(labelsFile, formatLabelsCsv(truth.filter((l) => l.frame < quarter)));
say(`calibrating on 20 of the ${quarter} labelled frames of the first quarter`);
const cal = await calibrate({ video: VIDEO, labels: labelsFile, roi: join(MALL, "roi_mask.png"), threads, onProgress: say });
const heldOut = truth.filter((l) => l.frame >= quarter).map((l) => l.frame);

// Every frame at each input size we report on.
const allFrames = Array.from({ length: video.frameCount }, (_, i) => i);
const plate = await buildPlate(video);
const evidenceCache = new Map<string, Map<number, EvidenceFrame>>();
async function evidenceAt(size: [number, number]): Promise<Map<number, EvidenceFrame>> {
  const key = size.join("x");
  if (!evidenceCache.has(key)) {
    say(`detector at ${key} on all ${allFrames.length} frames (cached after the first run)`);
    const ev = await collectEvidence({ video, frames: allFrames, inputSize: size, manifest, plate, roi, threads });
    evidenceCache.set(key, new Map(ev.map((e) => [e.frame, e])));
  }
  return evidenceCache.get(key)!;
}

interface Setting {
  name: string;
  inputSize: [number, number];
  scoreThreshold: number;
  suppressStatic: boolean;
  smoothSeconds: number;
  model: CountCalibration["model"];
}

/** Per-frame estimates over the whole clip (smoothing needs the neighbours), keyed by frame. */
async function estimates(s: Setting): Promise<Map<number, number>> {
  const ev = await evidenceAt(s.inputSize);
  const t: number[] = [], raw: number[] = [];
  for (const f of allFrames) {
    const e = ev.get(f);
    if (!e) continue;
    const feats = evidenceFeatures(e, headsInRoi(e, roi, video.width, video.height), s.scoreThreshold, s.suppressStatic);
    t.push(f / video.fps);
    raw.push(predictCount(s.model, feats));
  }
  const sm = smoothSeries(t, raw, s.smoothSeconds);
  return new Map(t.map((ti, i) => [Math.round(ti * video.fps), sm[i]]));
}

const defaultSize = chooseInputSize(manifest, video.width, video.height);
const identity = { features: ["detections" as const], weights: [1] };
const calSetting = (c: CountCalibration, name: string): Setting => ({ name, inputSize: c.inputSize, scoreThreshold: c.scoreThreshold, suppressStatic: c.suppressStatic, smoothSeconds: c.smoothSeconds, model: c.model });
const perFrame = cal.ranking.filter((s) => s.smoothSeconds === 0);
const calPerFrame = choose(perFrame);
const settings: Setting[] = [
  { name: `default ${defaultSize.join("x")}, score >= ${DETECTOR_DEFAULTS.scoreThreshold}`, inputSize: defaultSize, scoreThreshold: DETECTOR_DEFAULTS.scoreThreshold, suppressStatic: false, smoothSeconds: 0, model: identity },
  { name: `640x480, score >= 0.45 (the issue's baseline)`, inputSize: [640, 480], scoreThreshold: 0.45, suppressStatic: false, smoothSeconds: 0, model: identity },
  { name: `640x480, score >= 0.25 (right total by luck)`, inputSize: [640, 480], scoreThreshold: 0.25, suppressStatic: false, smoothSeconds: 0, model: identity },
  calSetting({ ...cal.calibration, inputSize: calPerFrame.inputSize, scoreThreshold: calPerFrame.scoreThreshold, suppressStatic: calPerFrame.suppressStatic, smoothSeconds: 0, model: { features: calPerFrame.features, weights: calPerFrame.weights } }, "calibrated, each frame alone"),
  calSetting(cal.calibration, "calibrated (smw calibrate's choice)"),
];

const fmt = (s: ResidualStats) => [s.mae.toFixed(2), (s.mean >= 0 ? "+" : "") + s.mean.toFixed(2), s.rmse.toFixed(2)];
const rows: string[][] = [["settings", "input", "score", "static", "smooth", "model", "MAE", "bias", "RMSE"]];
const results = new Map<string, { est: Map<number, number>; stats: ResidualStats }>();
for (const s of settings) {
  const est = await estimates(s);
  const stats = errorStats(heldOut.map((f) => est.get(f)! - truthBy.get(f)!));
  results.set(s.name, { est, stats });
  rows.push([s.name, s.inputSize.join("x"), String(s.scoreThreshold), s.suppressStatic ? "out" : "in", s.smoothSeconds ? `±${s.smoothSeconds} s` : "-", modelText(s.model), ...fmt(stats)]);
}
console.log(`\nMall clip (${video.frameCount} frames, ${video.fps} fps): per-frame count error on the ${heldOut.length} frames after the first quarter`);
console.log(`(count = estimate - truth; calibration used only 20 labelled frames of the first quarter)\n`);
printTable(rows);
console.log(`\n${formatCalibration(cal)}`);

// Static-object suppression: false boxes (no head point in the box's upper half) before and after.
console.log("\nStatic-object suppression on all 800 frames (boxes with the head point in the region; real = holds a ground-truth head):");
const staticRows: string[][] = [["input", "score", "boxes/frame", "false/frame", "real/frame", "static/frame", "false after", "real after", "false removed", "real removed"]];
for (const [size, thr] of [[[640, 480], 0.25], [[640, 480], 0.45], [cal.calibration.inputSize, cal.calibration.scoreThreshold]] as [[number, number], number][]) {
  const { boxes, fp, tp, st, fpAfter, tpAfter } = await tallyBoxes(size, thr, allFrames);
  const n = allFrames.length, p = (v: number) => (v / n).toFixed(2);
  staticRows.push([size.join("x"), String(thr), p(boxes), p(fp), p(tp), p(st), p(fpAfter), p(tpAfter), `${(100 * (fp - fpAfter) / Math.max(1, fp)).toFixed(0)}%`, `${(100 * (tp - tpAfter) / Math.max(1, tp)).toFixed(1)}%`]);
}
printTable(staticRows);

// Why a first-quarter calibration drifts: the people per counted box it learns, against what
// each quarter has (head points tell real boxes from false ones).
console.log(`\nPeople per counted box by quarter, at the first-quarter calibration (${cal.calibration.inputSize.join("x")}, score >= ${cal.calibration.scoreThreshold}, static boxes ${cal.calibration.suppressStatic ? "out" : "in"}):`);
const quarterRows: string[][] = [["frames", "people/frame", "counted boxes/frame", "real/frame", "false/frame", "recall", "people per box"]];
for (let q = 0; q < 4; q++) {
  const frames = allFrames.slice(q * quarter, (q + 1) * quarter);
  const t = await tallyBoxes(cal.calibration.inputSize, cal.calibration.scoreThreshold, frames);
  const [counted, real] = cal.calibration.suppressStatic ? [t.fpAfter + t.tpAfter, t.tpAfter] : [t.boxes, t.tp];
  const people = frames.reduce((a, f) => a + truthBy.get(f)!, 0), n = frames.length;
  quarterRows.push([`${q * quarter + 1}-${(q + 1) * quarter}`, (people / n).toFixed(1), (counted / n).toFixed(1), (real / n).toFixed(1), ((counted - real) / n).toFixed(1), (real / people).toFixed(3), (people / counted).toFixed(3)]);
}
printTable(quarterRows);

/** Boxes at a threshold with the head point in the region over some frames: real (hold a ground-truth head) or false, and how static suppression changes them. */
async function tallyBoxes(size: [number, number], thr: number, frames: number[]) {
  const ev = await evidenceAt(size);
  let boxes = 0, fp = 0, tp = 0, st = 0, fpAfter = 0, tpAfter = 0;
  for (const f of frames) {
    const e = ev.get(f)!;
    const inRoi = headsInRoi(e, roi, video.width, video.height);
    const idx = e.scores.flatMap((s, i) => (s >= thr && inRoi[i] === 1 ? [i] : []));
    const b = idx.flatMap((i) => e.boxes.slice(4 * i, 4 * i + 4));
    const real = matchHeads(b, idx.map((i) => e.scores[i]), idx.length, heads.get(f) ?? []);
    idx.forEach((i, k) => {
      boxes++;
      if (real[k]) tp++; else fp++;
      if (e.foreground[i] < STATIC_DEFAULTS.maxForeground) st++;
      else if (real[k]) tpAfter++; else fpAfter++;
    });
  }
  return { boxes, fp, tp, st, fpAfter, tpAfter };
}

// Intervals: how often does the truth fall inside a window's 90% interval (held-out frames)?
console.log("\nWindow counts (mean people in view) with 90% intervals from the calibration residuals, held-out frames:");
const calEst = results.get("calibrated (smw calibrate's choice)")!.est;
printTable(intervalRows(cal.calibration, calEst, (f) => f >= quarter));

// How much the calibration window matters: calibrate on each quarter in turn (20 frames),
// evaluate on the other three; and on 20 frames spread over the whole clip, evaluated on the
// other 780 (what the audit page's spread-out sample gives).
if (process.env.BENCH_WINDOWS !== "0") {
  console.log("\nCalibration window: 20 labelled frames from one stretch, evaluated on every other frame:");
  const winRows: string[][] = [["calibrated on", "input", "score", "smooth", "model", "MAE", "bias", "RMSE", "90% intervals hold (30 s)"]];
  const protocols: { name: string; labels: typeof truth; test: (f: number) => boolean }[] = [0, 1, 2, 3].map((q) => ({
    name: `quarter ${q + 1} (frames ${q * quarter + 1}-${(q + 1) * quarter})`,
    labels: truth.filter((l) => l.frame >= q * quarter && l.frame < (q + 1) * quarter),
    test: (f: number) => f < q * quarter || f >= (q + 1) * quarter,
  }));
  const spread = truth.filter((_, i) => i % Math.ceil(truth.length / 20) === Math.floor(Math.ceil(truth.length / 20) / 2));
  protocols.push({ name: `20 frames spread over the clip`, labels: spread, test: (f: number) => !spread.some((l) => l.frame === f) });
  for (const p of protocols) {
    const file = join(tempDir("smw-bench-count-"), "labels.csv");
    writeFileSync(file, formatLabelsCsv(p.labels));
    say(`calibrating on ${p.name}`);
    const c = await calibrate({ video: VIDEO, labels: file, roi: join(MALL, "roi_mask.png"), threads });
    const est = await estimates(calSetting(c.calibration, p.name));
    const test = allFrames.filter(p.test);
    const st = errorStats(test.map((f) => est.get(f)! - truthBy.get(f)!));
    const cover = intervalRows(c.calibration, est, p.test).find((r) => r[0] === "30 s")!;
    winRows.push([p.name, c.calibration.inputSize.join("x"), String(c.calibration.scoreThreshold), c.calibration.smoothSeconds ? `±${c.calibration.smoothSeconds} s` : "-", modelText(c.calibration.model), ...fmt(st), cover[2]]);
  }
  printTable(winRows);
}

// The bundled pedestrian clips (TUD, MOT ground truth: people per frame, occluded ones included):
// defaults, defaults without static boxes, and a calibration on 20 frames spread over the clip
// evaluated on the others.
if (process.env.BENCH_PEDESTRIANS !== "0") {
  const { readMotFile } = await import("../loaders/eval/mot-text.ts");
  console.log("\nPedestrian clips (bundled TUD sequences): per-frame count error against MOT ground truth on frames not used for calibration:");
  const pedRows: string[][] = [["clip", "settings", "input", "score", "static", "smooth", "model", "MAE", "bias", "RMSE"]];
  for (const clip of ["tud-stadtmitte", "tud-campus"]) {
    const path = join(import.meta.dirname, "..", "data", "clips", `${clip}.mp4`);
    const v = await probeVideo(path);
    const gt = await readMotFile(path.replace(/\.mp4$/, ".gt.txt"), { gt: true });
    const counts = Array.from({ length: v.frameCount }, (_, f) => ({ frame: f, count: gt.filter((r) => r.frame === f).length }));
    const step = Math.floor(v.frameCount / 20);
    const labelled = counts.filter((c) => c.frame % step === Math.floor(step / 2)).slice(0, 20);
    const file = join(tempDir("smw-bench-count-"), `${clip}.csv`);
    writeFileSync(file, formatLabelsCsv(labelled));
    say(`calibrating ${clip} on ${labelled.length} spread frames`);
    const c = await calibrate({ video: path, labels: file, threads });
    const p = await buildPlate(v);
    const frames = counts.map((x) => x.frame);
    const test = counts.filter((x) => !labelled.some((l) => l.frame === x.frame));
    const def = chooseInputSize(manifest, v.width, v.height);
    for (const s of [
      { name: "default", inputSize: def, scoreThreshold: 0.45, suppressStatic: false, smoothSeconds: 0, model: identity },
      { name: "default, static left out", inputSize: def, scoreThreshold: 0.45, suppressStatic: true, smoothSeconds: 0, model: identity },
      { ...calSetting(c.calibration, "calibrated (20 spread frames)") },
    ] as Setting[]) {
      const ev = new Map((await collectEvidence({ video: v, frames, inputSize: s.inputSize, manifest, plate: p, threads })).map((e) => [e.frame, e]));
      const raw = frames.map((f) => predictCount(s.model, evidenceFeatures(ev.get(f)!, headsInRoi(ev.get(f)!, undefined, v.width, v.height), s.scoreThreshold, s.suppressStatic)));
      const est = smoothSeries(frames.map((f) => f / v.fps), raw, s.smoothSeconds);
      const st = errorStats(test.map((x) => est[x.frame] - x.count));
      pedRows.push([clip, s.name, s.inputSize.join("x"), String(s.scoreThreshold), s.suppressStatic ? "out" : "in", s.smoothSeconds ? `±${s.smoothSeconds} s` : "-", modelText(s.model), ...fmt(st)]);
    }
  }
  printTable(pedRows);
}

function modelText(m: CountCalibration["model"]): string {
  return m.features.map((f, i) => `${m.weights[i].toFixed(3)}*${f === "detections" ? "boxes" : "fg%"}`).join("+");
}

function intervalRows(c: CountCalibration, est: Map<number, number>, test: (f: number) => boolean): string[][] {
  const out: string[][] = [["window", "windows", "truth inside", "mean half-width", "mean |error|"]];
  for (const seconds of [5, 15, 30, 60]) {
    const per = Math.max(1, Math.round(seconds * video.fps));
    let inside = 0, total = 0, half = 0, err = 0;
    for (let a = 0; a + per <= video.frameCount; a += per) {
      const frames = allFrames.slice(a, a + per);
      if (frames.filter(test).length < 0.9 * frames.length) continue; // windows of held-out frames (a spread sample leaves one labelled frame in some)
      const w = windowCountInterval(frames.map((f) => est.get(f)!), { residuals: c.residuals, frameSeconds: 1 / video.fps, smoothSeconds: c.smoothSeconds });
      const truthMean = frames.reduce((s, f) => s + truthBy.get(f)!, 0) / frames.length;
      total++;
      if (truthMean >= w.lo && truthMean <= w.hi) inside++;
      half += (w.hi - w.lo) / 2;
      err += Math.abs(w.value - truthMean);
    }
    out.push([`${seconds} s`, String(total), `${((100 * inside) / Math.max(1, total)).toFixed(0)}%`, (half / Math.max(1, total)).toFixed(2), (err / Math.max(1, total)).toFixed(2)]);
  }
  return out;
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
}
