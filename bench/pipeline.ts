// `npm run bench`: analysed frames per second on real footage from ../shared/footage (when present),
// median of several runs, with each stage's share of the wall time, peak RSS and CPU use.
// BENCH_RUNS (3), BENCH_STRIDES (1,2: vtest only), BENCH_CLIPS (names to keep), BENCH_LENGTHS=0 (skip the memory runs).
import { execFileSync } from "node:child_process";
import { videoBinaries } from "../loaders/video/binaries.ts";
import { existsSync, mkdtempSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { choosePool } from "../loaders/detect/session-options.ts";
import type { StageTimings } from "../loaders/run/contract.ts";

const SHARED = join(import.meta.dirname, "..", "..", "shared", "footage");
const runs = Number(process.env.BENCH_RUNS ?? 3);
const strides = (process.env.BENCH_STRIDES ?? "1,2").split(",").map(Number);
const wanted = process.env.BENCH_CLIPS?.split(",");
/** vtest at every stride asked for; the crowded mall clip at the 768x576 input its calibration chose. */
const clips = [
  ...strides.map((stride) => ({ name: "vtest", path: join(SHARED, "opencv/vtest.avi"), stride, size: undefined as string | undefined })),
  { name: "TUD-Stadtmitte", path: join(SHARED, "mot15/TUD-Stadtmitte/TUD-Stadtmitte.mp4"), stride: 1, size: undefined },
  { name: "mall", path: join(SHARED, "mall/mall_dev.mp4"), stride: 1, size: "768x576" },
].filter((c) => existsSync(c.path) && (!wanted || wanted.includes(c.name)));

if (clips.length === 0) {
  console.log(`no benchmark footage at ${SHARED}; nothing to measure`);
  process.exit(0);
}

interface Result { frames: number; inputSize: [number, number]; timings: StageTimings; wall: number; maxRssMB: number; cpuSeconds: number }
const runOnce = (path: string, stride: number, size?: string): Result =>
  JSON.parse(execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "run-once.ts"), path, String(stride), "", size ?? ""], { encoding: "utf8" }).trim().split("\n").at(-1)!);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)}%`;
const print = (rows: string[][]) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join("  "));
};

const pool = choosePool();
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}; detector: ${pool.workers} thread(s) x ${pool.threads} onnxruntime thread(s) (${pool.why}); median of ${runs} runs`);
const speed: string[][] = [["clip", "input", "stride", "frames", "overall fps", "runs fps", "detector fps", "plate s", "peak RSS MB", "CPU %"]];
// The main thread's wall time, bucket by bucket (they add up to it): what it did and what it waited for.
const shares: string[][] = [["clip", "stride", "setup+finish", "plate wait", "decode wait", "motion", "detector wait", "count", "track", "write", "detector threads busy"]];
for (const clip of clips) {
  const results = Array.from({ length: runs }, () => runOnce(clip.path, clip.stride, clip.size));
  const fps = results.map((r) => r.frames / r.timings.total);
  const mid = results[fps.indexOf(median(fps))];
  const t = mid.timings;
  const booked = (t.plateWait ?? 0) + t.decode + t.motion + (t.detectWait ?? 0) + t.count + t.track + t.write;
  speed.push([
    clip.name, mid.inputSize.join("x"), String(clip.stride), String(mid.frames),
    median(fps).toFixed(1),
    fps.map((x) => x.toFixed(1)).join(" "),
    // the threads' frames per second of their own busy time, all threads together
    median(results.map((r) => (r.frames * pool.workers) / r.timings.detect)).toFixed(0),
    median(results.map((r) => r.timings.background)).toFixed(1),
    median(results.map((r) => r.maxRssMB)).toFixed(0),
    median(results.map((r) => (100 * r.cpuSeconds) / r.wall)).toFixed(0),
  ]);
  shares.push([
    clip.name, String(clip.stride), pct(t.total - booked, t.total), pct(t.plateWait ?? 0, t.total), pct(t.decode, t.total), pct(t.motion, t.total),
    pct(t.detectWait ?? 0, t.total), pct(t.count, t.total), pct(t.track, t.total), pct(t.write, t.total), pct(t.detect, pool.workers * t.total),
  ]);
}
print(speed);
console.log("\nshare of the wall time (the median run), main thread; the detector threads work beside it:");
print(shares);
console.log(`overall fps: analysed frames per second of wall time, set-up and table writing included (runs fps: each run). detector fps: frames per second of the detector threads' own busy time.
plate s: building the background plate, which overlaps the first frames' detection. CPU %: this process (all its threads), not ffmpeg's.`);

// Memory against video length: the same footage looped to 1 and 10 minutes must peak at the
// same RSS (frames stream, rows leave in Parquet chunks).
if (process.env.BENCH_LENGTHS !== "0") {
  const src = clips[0];
  const dir = mkdtempSync(join(tmpdir(), "smw-bench-loop-"));
  console.log(`\npeak RSS against video length (${src.name} looped, stride 1, one run each):`);
  for (const minutes of [1, 10]) {
    const looped = join(dir, `loop-${minutes}min.avi`);
    execFileSync(videoBinaries().ffmpeg, ["-v", "error", "-stream_loop", "-1", "-i", src.path, "-t", String(minutes * 60), "-c", "copy", "-y", looped]);
    const r = runOnce(looped, 1, src.size);
    console.log(`  ${String(minutes).padStart(2)} min: ${r.frames} frames, ${(r.frames / r.wall).toFixed(1)} frames/s, peak RSS ${r.maxRssMB.toFixed(0)} MB, motion stage ${(r.frames / r.timings.motion).toFixed(0)} frames/s`);
  }
}
