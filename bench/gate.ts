// `npm run bench:gate`: what motion gating costs in accuracy and saves in time.
// 1. The bundled clips with and without the gate: MOTA/IDF1 against their ground truth, people
//    counted per frame (MAE against the ground truth's people per frame), frames skipped.
// 2. Footage with a quiet stretch: TUD-Stadtmitte, then 20 s of its people-free plate (with a
//    little sensor noise, H.264 like a recorder), then TUD-Stadtmitte again; its ground truth is the
//    clip's twice. With and without the gate: accuracy, frames skipped, and frames/s overall and
//    on the quiet stretch alone. Times on a shared machine are noisy: the CPU-time ratio of the
//    quiet stretch comes from farm-bench (see the README), this prints wall-clock figures.
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { quantile } from "d3";
import { join } from "node:path";
import { evaluateMot } from "../loaders/eval/mot-metrics.ts";
import { parseMotText, readMotFile } from "../loaders/eval/mot-text.ts";
import { analyzeVideo } from "../loaders/pipeline/analyze.ts";
import { chooseInputSize, DEFAULT_MANIFEST, loadManifest } from "../loaders/detect/manifest.ts";
import { newFrame } from "../loaders/pipeline/detect-stage.ts";
import { MOTION_GATE_THRESHOLD } from "../loaders/pipeline/motion-gate.ts";
import { MotionStage } from "../loaders/pipeline/motion-stage.ts";
import { FrameStream } from "../loaders/video/frames.ts";
import { probeVideo } from "../loaders/video/probe.ts";
import { loadSprites } from "../loaders/simulate/sprites.ts";
import { spawnVideoTool, videoToolSync } from "../loaders/video/ffmpeg.ts";
import { openDuckDb, withDuckDb } from "../loaders/store/duckdb.ts";
import type { TrackRow } from "../loaders/types.ts";

const CLIPS = join(import.meta.dirname, "..", "data", "clips");
const QUIET_SECONDS = Number(process.env.GATE_QUIET_SECONDS ?? 20);
const dir = mkdtempSync(join(tmpdir(), "smw-bench-gate-"));

/** The clip's plate for `seconds` at 25 fps with +-2 levels of noise per pixel, encoded like a recorder would. */
async function quietVideo(out: string, seconds: number): Promise<string> {
  const { plates } = await loadSprites([join(CLIPS, "tud-stadtmitte.mp4")]);
  const { rgb, width, height } = plates[0];
  const ff = spawnVideoTool(["-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${width}x${height}`, "-r", "25", "-i", "-",
    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", out], { stdio: ["pipe", "ignore", "pipe"] });
  const done = new Promise((ok, fail) => ff.once("exit", (c) => (c === 0 ? ok(null) : fail(new Error(`ffmpeg exit ${c}`)))));
  let seed = 7;
  const frame = new Uint8Array(rgb.length);
  for (let f = 0; f < seconds * 25; f++) {
    for (let i = 0; i < rgb.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      frame[i] = Math.max(0, Math.min(255, rgb[i] + ((seed >> 16) % 5) - 2));
    }
    if (!ff.stdin!.write(frame)) await new Promise((ok) => ff.stdin!.once("drain", ok));
  }
  ff.stdin!.end();
  await done;
  return out;
}

function splice(parts: string[], out: string): string {
  const inputs = parts.flatMap((p) => ["-i", p]);
  const filter = `${parts.map((_, i) => `[${i}:v]`).join("")}concat=n=${parts.length}:v=1[v]`;
  videoToolSync(["-y", "-v", "error", ...inputs, "-filter_complex", filter, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", out]);
  return out;
}

/** People per frame by the ground truth, and mean absolute error of the run's counts against it. */
async function countError(runDir: string, gt: TrackRow[]): Promise<{ mae: number; mean: number }> {
  const truth = new Map<number, number>();
  for (const r of gt) truth.set(r.frame - 1, (truth.get(r.frame - 1) ?? 0) + 1);
  const rows = await withDuckDb(async (c) => (await c.runAndReadAll(`SELECT frame, boxes FROM '${join(runDir, "counts.parquet")}'`)).getRowObjectsJS() as { frame: number; boxes: number }[]);
  let err = 0, sum = 0;
  for (const r of rows) {
    err += Math.abs(r.boxes - (truth.get(r.frame) ?? 0));
    sum += r.boxes;
  }
  return { mae: err / rows.length, mean: sum / rows.length };
}

/** Quantiles over frames of the share of the picture the motion stage finds changed (the gate's test). */
async function changedShares(video: string): Promise<string> {
  const info = await probeVideo(video);
  const session = await openDuckDb();
  try {
    const size = chooseInputSize(loadManifest(DEFAULT_MANIFEST), info.width, info.height);
    const m = await MotionStage.create(session.conn, join(dir, "shares"), info, size);
    const shares: number[] = [];
    for await (const { frame, data } of new FrameStream(video, { width: size[0], height: size[1], stride: 1, pixFmt: "bgr24" })) {
      const f = newFrame(frame, 0, data);
      m.onFrame(f);
      shares.push(f.changed! / m.motion.regionCells);
    }
    const q = (p: number) => `${(100 * quantile(shares, p)!).toFixed(2)}%`;
    return `min ${q(0)}, 5% ${q(0.05)}, median ${q(0.5)}, max ${q(1)}`;
  } finally {
    session.close();
  }
}

interface Row { footage: string; gate: string; mota: number; idf1: number; countMae: number; skipped: number; frames: number; fps: number }

async function measure(footage: string, video: string, gt: TrackRow[], gate: boolean): Promise<Row> {
  const out = join(dir, `${footage}-${gate ? "gate" : "nogate"}`);
  const mot = join(out, "res.txt");
  const s = await analyzeVideo({ video, out, mot, motionGate: gate ? undefined : false, threads: 1 });
  const m = evaluateMot(gt, await readMotFile(mot));
  const c = await countError(out, gt);
  return { footage, gate: gate ? "on" : "off", mota: m.mota, idf1: m.idf1, countMae: c.mae, skipped: s.motionGate?.skipped ?? 0, frames: s.framesAnalysed, fps: s.framesAnalysed / s.timings.total };
}

const rows: Row[] = [];
for (const clip of ["tud-stadtmitte", "tud-campus"]) {
  const gt = await readMotFile(join(CLIPS, `${clip}.gt.txt`), { gt: true });
  for (const gate of [false, true]) rows.push(await measure(clip, join(CLIPS, `${clip}.mp4`), gt, gate));
}

// footage with a quiet stretch, and its ground truth: the clip's, then again after the stretch
const quiet = await quietVideo(join(dir, "quiet.mp4"), QUIET_SECONDS);
const spliced = splice([join(CLIPS, "tud-stadtmitte.mp4"), quiet, join(CLIPS, "tud-stadtmitte.mp4")], join(dir, "spliced.mp4"));
const clipGt = parseMotText(readFileSync(join(CLIPS, "tud-stadtmitte.gt.txt"), "utf8"), { gt: true });
const clipFrames = Math.max(...clipGt.map((r) => r.frame));
const shift = clipFrames + QUIET_SECONDS * 25;
const splicedGt = [...clipGt, ...clipGt.map((r) => ({ ...r, frame: r.frame + shift, trackId: r.trackId + 10_000 }))];
for (const gate of [false, true]) rows.push(await measure(`stadtmitte + ${QUIET_SECONDS} s quiet + stadtmitte`, spliced, splicedGt, gate));
for (const gate of [false, true]) rows.push(await measure(`quiet stretch alone (${QUIET_SECONDS} s)`, quiet, [], gate));

mkdirSync(join(dir, "shares"), { recursive: true });
const shares: string[] = [];
for (const [name, video] of [["tud-stadtmitte", join(CLIPS, "tud-stadtmitte.mp4")], ["tud-campus", join(CLIPS, "tud-campus.mp4")], ["quiet stretch", quiet]]) {
  shares.push(`  ${name}: ${await changedShares(video)}`);
}

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : "–");
const table = [["footage", "gate", "MOTA", "IDF1", "count MAE", "skipped", "frames", "frames/s (wall)"],
  ...rows.map((r) => [r.footage, r.gate, pct(r.mota), pct(r.idf1), r.countMae.toFixed(3), String(r.skipped), String(r.frames), r.fps.toFixed(1)])];
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
console.log(`motion gate threshold ${MOTION_GATE_THRESHOLD} (share of the counting region differing from the plate); footage in ${dir}`);
for (const r of table) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
console.log("share of the picture changed per frame (the gate skips the detector below the threshold):");
for (const line of shares) console.log(line);
console.log("frames/s are wall-clock on this machine (2 cores, shared): compare on and off only on a quiet machine or with farm-bench");
