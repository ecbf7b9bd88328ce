// `npm run bench`: analysed frames per second per stage and overall on real footage from
// ../shared/footage (when present), median of several runs, with peak RSS and CPU use.
import { execFileSync } from "node:child_process";
import { videoBinaries } from "../loaders/video/binaries.ts";
import { existsSync, mkdtempSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";

const SHARED = join(import.meta.dirname, "..", "..", "shared", "footage");
const clips = [
  { name: "vtest 768x576", path: join(SHARED, "opencv/vtest.avi") },
  { name: "TUD-Stadtmitte 640x480", path: join(SHARED, "mot15/TUD-Stadtmitte/TUD-Stadtmitte.mp4") },
].filter((c) => existsSync(c.path));
const runs = Number(process.env.BENCH_RUNS ?? 3);
const strides = (process.env.BENCH_STRIDES ?? "1,2").split(",").map(Number);

if (clips.length === 0) {
  console.log(`no benchmark footage at ${SHARED}; nothing to measure`);
  process.exit(0);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}; median of ${runs} runs`);
const rows: string[][] = [["clip", "stride", "frames", "decode fps", "detect fps", "track fps", "motion fps", "count fps", "overall fps", "peak RSS MB", "CPU %"]];
for (const clip of clips) {
  for (const stride of strides) {
    const results = Array.from({ length: runs }, () =>
      JSON.parse(execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "run-once.ts"), clip.path, String(stride)], { encoding: "utf8" }).trim().split("\n").at(-1)!),
    );
    const f = results[0].frames;
    const stageFps = (k: string) => median(results.map((r) => f / r.timings[k])).toFixed(0);
    rows.push([
      clip.name,
      String(stride),
      String(f),
      stageFps("decode"),
      stageFps("detect"),
      stageFps("track"),
      stageFps("motion"),
      stageFps("count"),
      median(results.map((r) => f / r.timings.total)).toFixed(1),
      median(results.map((r) => r.maxRssMB)).toFixed(0),
      median(results.map((r) => (100 * r.cpuSeconds) / r.wall)).toFixed(0),
    ]);
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join("  "));
console.log("decode fps counts only time the pipeline waited for ffmpeg (decoding overlaps with detection in ffmpeg's own process); CPU % is this process only.");

// Memory against video length: the same footage looped to 1 and 10 minutes must peak at the
// same RSS (frames stream, rows leave in Parquet chunks).
if (process.env.BENCH_LENGTHS !== "0") {
  const src = clips[0];
  const dir = mkdtempSync(join(tmpdir(), "smw-bench-loop-"));
  const lengths = [1, 10];
  console.log(`\npeak RSS against video length (${src.name} looped, stride 1, one run each):`);
  for (const minutes of lengths) {
    const looped = join(dir, `loop-${minutes}min.avi`);
    execFileSync(videoBinaries().ffmpeg, ["-v", "error", "-stream_loop", "-1", "-i", src.path, "-t", String(minutes * 60), "-c", "copy", "-y", looped]);
    const r = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "run-once.ts"), looped, "1"], { encoding: "utf8" }).trim().split("\n").at(-1)!);
    console.log(`  ${String(minutes).padStart(2)} min: ${r.frames} frames, ${(r.frames / r.wall).toFixed(1)} frames/s, peak RSS ${r.maxRssMB.toFixed(0)} MB, motion stage ${(r.frames / r.timings.motion).toFixed(0)} frames/s`);
  }
}
