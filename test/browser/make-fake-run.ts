// Development aid, not part of the pipeline: writes a run directory that follows the run
// contract (run.json, detections/tracks/motion Parquet, background + heatmap PNG) without
// running the detector, so the workbench pages can be built and tested on their own.
// Tracks come from the clip's MOT ground truth, detections are those boxes jittered and
// thinned, the background is a per-pixel median of sampled frames, motion is real absdiff.
//
//   node --import tsx test/browser/make-fake-run.ts [outDir] [clip]
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { encode } from "fast-png";
import { heatmapOverPlate } from "../../loaders/scene/heatmap-image.ts";

const repo = resolve(fileURLToPath(import.meta.url), "../../..");
const outDir = resolve(repo, process.argv[2] ?? "data/runs/demo");
const clip = resolve(repo, process.argv[3] ?? "data/clips/tud-stadtmitte.mp4");
const gtPath = clip.replace(/\.mp4$/, ".gt.txt");
const W = 640, H = 480, FPS = 25;
const MW = 160, MH = 120;

function ffmpegPath(): string {
  try {
    execFileSync("ffmpeg", ["-version"], { stdio: "ignore" });
    return "ffmpeg";
  } catch {
    return (createRequire(import.meta.url)("@ffmpeg-installer/ffmpeg") as { path: string }).path;
  }
}

function decode(width: number, height: number, pixFmt: "rgb24" | "gray"): Uint8Array[] {
  const raw = execFileSync(
    ffmpegPath(),
    ["-v", "error", "-i", clip, "-vsync", "0", "-vf", `scale=${width}:${height}`, "-f", "rawvideo", "-pix_fmt", pixFmt, "-"],
    { maxBuffer: 1 << 30 },
  );
  const size = width * height * (pixFmt === "rgb24" ? 3 : 1);
  const frames: Uint8Array[] = [];
  for (let o = 0; o + size <= raw.length; o += size) frames.push(new Uint8Array(raw.buffer, raw.byteOffset + o, size));
  return frames;
}

// deterministic noise so reruns give identical files
let seed = 42;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);

mkdirSync(outDir, { recursive: true });
const t0 = performance.now();

// background: per-pixel median of every 8th frame
const rgbFrames = decode(W, H, "rgb24");
const frameCount = rgbFrames.length;
const sample = rgbFrames.filter((_, i) => i % 8 === 0);
const bg = new Uint8Array(W * H * 3);
const column = new Uint8Array(sample.length);
for (let p = 0; p < bg.length; p++) {
  for (let k = 0; k < sample.length; k++) column[k] = sample[k][p];
  column.sort();
  bg[p] = column[column.length >> 1];
}
writeFileSync(join(outDir, "background.png"), encode({ width: W, height: H, data: bg, channels: 3, depth: 8 }));

// motion: accumulated absdiff of consecutive grey frames on a coarse grid
const grey = decode(MW, MH, "gray");
const motion = new Float64Array(MW * MH);
for (let f = 1; f < grey.length; f++) {
  const a = grey[f - 1], b = grey[f];
  for (let i = 0; i < motion.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > 12) motion[i] += d;
  }
}
const heat = heatmapOverPlate(motion, MW, MH, bg, W, H);
writeFileSync(join(outDir, "motion_heatmap.png"), encode({ width: W, height: H, data: heat, channels: 3, depth: 8 }));

// tracks from ground truth (MOT: frame 1-based, id, left, top, width, height, ...)
type Row = [number, number, number, number, number, number];
const gt: Row[] = readFileSync(gtPath, "utf8")
  .trim()
  .split("\n")
  .map((line) => line.split(",").map(Number))
  .map(([f, id, x, y, w, h]) => [f - 1, id, x, y, x + w, y + h] as Row)
  .filter(([f]) => f < frameCount);

const csvTracks = ["frame,t_seconds,track_id,x1,y1,x2,y2,score,interpolated"];
const csvDets = ["frame,t_seconds,x1,y1,x2,y2,score,class"];
for (const [f, id, x1, y1, x2, y2] of gt) {
  const t = f / FPS;
  const missed = rand() < 0.08;
  const score = 0.45 + 0.5 * rand();
  csvTracks.push([f, t, id, x1, y1, x2, y2, missed ? 0 : score.toFixed(3), missed].join(","));
  if (!missed) {
    const j = () => (rand() - 0.5) * 6;
    csvDets.push([f, t, x1 + j(), y1 + j(), x2 + j(), y2 + j(), score.toFixed(3), "person"].join(","));
  }
}
// a few false positives
for (let i = 0; i < 12; i++) {
  const f = Math.floor(rand() * frameCount);
  const x = rand() * 560, y = 150 + rand() * 150;
  csvDets.push([f, f / FPS, x, y, x + 40, y + 110, (0.3 + 0.2 * rand()).toFixed(3), "person"].join(","));
}
writeFileSync(join(outDir, "tracks.csv.tmp"), csvTracks.join("\n"));
writeFileSync(join(outDir, "detections.csv.tmp"), csvDets.join("\n"));
writeFileSync(join(outDir, "motion.csv.tmp"), ["x,y,value", ...Array.from(motion, (v, i) => `${i % MW},${Math.floor(i / MW)},${v}`)].join("\n"));

const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
const q = (p: string) => `'${join(outDir, p).replaceAll("'", "''")}'`;
await con.run(`COPY (SELECT frame::INTEGER frame, t_seconds::DOUBLE t_seconds, track_id::INTEGER track_id,
  x1::FLOAT x1, y1::FLOAT y1, x2::FLOAT x2, y2::FLOAT y2, score::FLOAT score, interpolated::BOOLEAN interpolated
  FROM read_csv(${q("tracks.csv.tmp")}, header = true) ORDER BY frame, track_id) TO ${q("tracks.parquet")} (FORMAT parquet)`);
await con.run(`COPY (SELECT frame::INTEGER frame, t_seconds::DOUBLE t_seconds,
  x1::FLOAT x1, y1::FLOAT y1, x2::FLOAT x2, y2::FLOAT y2, score::FLOAT score, "class"::VARCHAR AS "class"
  FROM read_csv(${q("detections.csv.tmp")}, header = true) ORDER BY frame) TO ${q("detections.parquet")} (FORMAT parquet)`);
await con.run(`COPY (SELECT x::INTEGER x, y::INTEGER y, value::DOUBLE AS value
  FROM read_csv(${q("motion.csv.tmp")}, header = true)) TO ${q("motion.parquet")} (FORMAT parquet)`);
con.closeSync();
db.closeSync();
execFileSync("rm", ["-f", ...["tracks", "detections", "motion"].map((n) => join(outDir, `${n}.csv.tmp`))]);

const total = (performance.now() - t0) / 1000;
const run = {
  version: 1,
  video: { path: clip, width: W, height: H, fps: FPS, frameCount, duration: frameCount / FPS },
  model: { name: "fake (ground truth)", inputSize: [W, H], scoreThreshold: 0.3 },
  options: { stride: 1, tracker: "ground-truth" },
  timings: { decode: total * 0.3, detect: total * 0.5, track: total * 0.05, motion: total * 0.15, total },
  framesAnalysed: frameCount,
  analysisSize: [W, H],
  motion: { width: MW, height: MH, frames: frameCount },
};
writeFileSync(join(outDir, "run.json"), JSON.stringify(run, null, 2) + "\n");
console.log(`fake run written to ${outDir} (${frameCount} frames, ${gt.length} track points) in ${total.toFixed(1)} s`);
