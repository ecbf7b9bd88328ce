// `smw analyze` on the inputs real stores hand over: cut-off recordings, files damaged in the
// middle, audio-only exports, tiny and 4K videos, variable frame rate, a missing model and an
// output folder it may not write. Every case runs the real CLI and checks the exit code
// (0 done, 2 bad input, 3 partial), a single-line message naming the file and what to do,
// no stack trace, and for partial results that what was decoded before the damage is kept
// with its true timestamps.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { videoBinaries, videoEnv } from "../loaders/video/binaries.ts";
import { withDuckDb } from "../loaders/store/duckdb.ts";
import { SMW, smw, tempDir } from "./helpers.ts";

// The shorter bundled clip keeps this file quick: 640x480, 25 fps, 71 frames, 2.84 s, MP4 index (moov) at the end.
const CLIP = "data/clips/tud-campus.mp4";
const dir = tempDir("smw-damaged-");
const ff = (...args: string[]) => execFileSync(videoBinaries().ffmpeg, ["-v", "error", "-nostdin", "-y", ...args]);

/** Overwrites `length` bytes at `at` (fraction of the file) with deterministic garbage. */
function corrupt(src: string, dst: string, at: number, length: number): void {
  const b = readFileSync(src);
  let s = 0x2545f491;
  const start = Math.floor(b.length * at);
  for (let i = start; i < Math.min(b.length, start + length); i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    b[i] = s & 0xff;
  }
  writeFileSync(dst, b);
}

// --- the inputs, generated with the same ffmpeg the pipeline uses
const truncated = join(dir, "cut-off.mp4");
const clip = readFileSync(CLIP);
writeFileSync(truncated, clip.subarray(0, Math.floor(clip.length * 0.6)));

const faststart = join(dir, "faststart.mp4");
ff("-i", CLIP, "-c", "copy", "-movflags", "+faststart", faststart);
const truncatedFaststart = join(dir, "cut-off-faststart.mp4");
const fs = readFileSync(faststart);
writeFileSync(truncatedFaststart, fs.subarray(0, Math.floor(fs.length * 0.6)));

// what an NVR exports: H.264 in MPEG-TS; 60 kB of garbage in the middle (1.36-1.56 s lost)
const ts = join(dir, "camera.ts");
ff("-i", CLIP, "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-f", "mpegts", ts);
const damagedTs = join(dir, "damaged.ts");
corrupt(ts, damagedTs, 0.5, 60_000);

const avi = join(dir, "camera.avi");
ff("-i", CLIP, "-c", "copy", avi);
const damagedAvi = join(dir, "damaged.avi");
corrupt(avi, damagedAvi, 0.5, 100_000);

const audio = join(dir, "audio-only.m4a");
ff("-f", "lavfi", "-i", "sine=frequency=440:duration=3", audio);

const tiny = join(dir, "tiny-16x16.mp4");
ff("-f", "lavfi", "-i", "testsrc=size=16x16:rate=25:duration=2", "-pix_fmt", "yuv420p", tiny);

const uhd = join(dir, "uhd-3840x2160.mp4");
ff("-i", CLIP, "-vf", "scale=3840:2160", "-frames:v", "8", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", uhd);

// variable frame rate: the first 1 s keeps every 5th frame (5 fps), the rest every frame (25 fps),
// each frame keeping its original timestamp (a camera that drops its rate in low light)
const vfr = join(dir, "vfr.mp4");
ff("-i", CLIP, "-vf", "select='gte(n\\,25)+not(mod(n\\,5))'", "-vsync", "vfr", "-c:v", "libx264", "-preset", "ultrafast", vfr);

// --- helpers
type Run = { code: number | null; stdout: string; stderr: string };

/** Exactly one line on stderr: names the file, says what to do ("cause; fix"), no stack. */
function assertOneLine(r: Run, file: string): string {
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  const line = lines[0];
  assert.ok(line.startsWith("smw: "), line);
  assert.ok(line.includes(file), `names ${file}: ${line}`);
  assert.match(line, /; /, `says what to do: ${line}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, r.stderr);
  return line;
}

async function sql(q: string): Promise<Record<string, unknown>[]> {
  return withDuckDb(async (conn) => (await conn.runAndReadAll(q)).getRowObjectsJS() as Record<string, unknown>[]);
}

/** Presentation timestamps of every frame, in decode order, from the start of the file, as ffprobe reads them. */
function frameTimes(file: string): number[] {
  // GCONV_PATH: the npm static ffprobe crashes on MPEG-TS without it (see videoEnv)
  const probe = (...args: string[]) => execFileSync(videoBinaries().ffprobe, ["-v", "error", ...args, file], { encoding: "utf8", env: videoEnv(), stdio: ["ignore", "pipe", "ignore"] });
  // MPEG-TS clocks do not start at 0 (this one starts at 1.4 s); times count from the file's start
  const start = Number(probe("-show_entries", "format=start_time", "-of", "csv=p=0").trim()) || 0;
  const out = probe("-select_streams", "v:0", "-show_entries", "frame=best_effort_timestamp_time", "-of", "csv=p=0");
  // one line per frame; ffprobe adds blank lines (side data) and trailing commas on some
  return out.split("\n").map((l) => l.split(",")[0].trim()).filter((v) => v !== "").map((v) => Number(v) - start);
}

/** A partial run keeps run.json and tracks.parquet for the frames before the damage. */
async function assertPartialKept(out: string, damageSeconds: number): Promise<Record<string, any>> {
  assert.ok(existsSync(join(out, "run.json")), "run.json kept");
  assert.ok(existsSync(join(out, "tracks.parquet")), "tracks.parquet kept");
  const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
  assert.ok(run.partial, "run.json says the result is partial");
  assert.ok(run.framesAnalysed > 0);
  const [before] = await sql(`SELECT count(*)::INTEGER AS n, max(t_seconds) AS t FROM '${join(out, "tracks.parquet")}' WHERE t_seconds < ${damageSeconds}`);
  assert.ok((before.n as number) > 60, `track rows before the damage at ${damageSeconds} s: ${before.n}`);
  return run;
}

// --- cases

test("truncated recording (bundled clip cut at 60%, MP4 index lost): exit 2, says the file is cut off", () => {
  const r = smw(["analyze", truncated, "--out", join(dir, "out-cut"), "--quiet"]);
  assert.equal(r.code, 2, r.stderr);
  const line = assertOneLine(r, truncated);
  // The cause ffprobe reports is "moov atom not found": the recording stopped before the
  // MP4 index was written. Today the message is the generic "not a readable video".
  assert.match(line, /truncated|cut off|incomplete|index \(moov/i, line);
});

test("truncated faststart MP4 (index first, data cut at 60%): exit 3, frames before the cut kept", async () => {
  const out = join(dir, "out-cut-fs");
  const r = smw(["analyze", truncatedFaststart, "--out", out, "--quiet"]);
  assert.equal(r.code, 3, `exit ${r.code}: ${r.stderr}`);
  const line = assertOneLine(r, truncatedFaststart);
  assert.match(line, /kept the \d+ frames/);
  const run = await assertPartialKept(out, 1.6);
  assert.ok(run.framesAnalysed >= 35 && run.framesAnalysed < 71, `frames ${run.framesAnalysed}`);
});

test("MPEG-TS damaged mid-stream: exit 3, frames before the damage kept with true timestamps", async () => {
  const out = join(dir, "out-ts");
  const r = smw(["analyze", damagedTs, "--out", out, "--quiet"]);
  assert.equal(r.code, 3, `exit ${r.code}: ${r.stderr}`);
  const line = assertOneLine(r, damagedTs);
  assert.match(line, /damaged/);
  await assertPartialKept(out, 1.3);
  // ffmpeg skips the lost frames (1.36 s .. 1.56 s have no picture): no row may claim those times
  const times = frameTimes(damagedTs);
  const [inGap] = await sql(`SELECT count(*)::INTEGER AS n FROM '${join(out, "tracks.parquet")}' WHERE t_seconds > 1.33 AND t_seconds < 1.59`);
  assert.ok(times.every((t) => t <= 1.33 || t >= 1.59), "the stream really has a gap there");
  assert.equal(inGap.n, 0, "rows stamped with times the stream has no frame for");
});

test("AVI damaged mid-stream (decoder conceals, frames lost): exit 3, frames before the damage kept", async () => {
  const out = join(dir, "out-avi");
  const r = smw(["analyze", damagedAvi, "--out", out, "--quiet"]);
  assert.equal(r.code, 3, `exit ${r.code}: ${r.stderr}`);
  assertOneLine(r, damagedAvi);
  await assertPartialKept(out, 1.0);
});

test("audio-only file: exit 2, says there is no video stream", () => {
  const r = smw(["analyze", audio, "--out", join(dir, "out-audio"), "--quiet"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(assertOneLine(r, audio), /no video stream/);
});

test("16x16 video: analysed (exit 0), every frame, no people, valid tables", async () => {
  const out = join(dir, "out-tiny");
  const r = smw(["analyze", tiny, "--out", out, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
  assert.equal(run.framesAnalysed, 50);
  assert.equal(run.tracks, 0);
  const [n] = await sql(`SELECT count(*)::INTEGER AS n FROM '${join(out, "tracks.parquet")}'`);
  assert.equal(n.n, 0);
});

test("3840x2160 video (8 frames): analysed (exit 0), boxes in 4K source pixels", async () => {
  const out = join(dir, "out-uhd");
  const t0 = performance.now();
  const r = smw(["analyze", uhd, "--out", out, "--quiet"]);
  console.log(`4K, 8 frames: ${((performance.now() - t0) / 1000).toFixed(1)} s end to end`);
  assert.equal(r.code, 0, r.stderr);
  const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
  assert.equal(run.video.width, 3840);
  assert.equal(run.framesAnalysed, 8);
  const [b] = await sql(`SELECT count(*)::INTEGER AS n, max(x2) AS x2 FROM '${join(out, "detections.parquet")}'`);
  assert.ok((b.n as number) > 0, "people detected");
  assert.ok((b.x2 as number) > 640 && (b.x2 as number) <= 3840, `boxes in source pixels (max x2 ${b.x2})`);
});

test("variable frame rate (5 fps then 25 fps): t_seconds are the stream's timestamps", async () => {
  const out = join(dir, "out-vfr");
  const r = smw(["analyze", vfr, "--out", out, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const times = frameTimes(vfr);
  assert.equal(times.length, 51);
  assert.equal(times[5], 1); // the 6th picture is 1 s in, where the rate goes up
  const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
  assert.equal(run.framesAnalysed, 51);
  const rows = await sql(`SELECT DISTINCT frame, t_seconds FROM '${join(out, "tracks.parquet")}' ORDER BY frame`);
  const wrong = rows.filter((x) => Math.abs((x.t_seconds as number) - times[x.frame as number]) > 0.002);
  assert.equal(wrong.length, 0, `rows whose t_seconds is not the frame's timestamp, e.g. frame ${wrong[0]?.frame}: ${wrong[0]?.t_seconds} s, stream says ${times[wrong[0]?.frame as number]} s`);
});

test("missing model: exit 2, names the manifest and how to get one", () => {
  const r = smw(["analyze", CLIP, "--out", join(dir, "out-model"), "--model", "/nonexistent.json", "--quiet"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(assertOneLine(r, "/nonexistent.json"), /model manifest not found; pass --model/);
});

test("output folder it may not read or write: exit 2, names the folder", () => {
  const locked = join(dir, "locked");
  mkdirSync(locked);
  chmodSync(locked, 0o000);
  const args = [SMW, "analyze", CLIP, "--out", locked, "--quiet"];
  // root ignores file modes; drop the capabilities that let it, so the check is real
  const asRoot = process.getuid?.() === 0;
  const r = asRoot
    ? spawnSync("setpriv", ["--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search", "--", process.execPath, ...args], { encoding: "utf8" })
    : spawnSync(process.execPath, args, { encoding: "utf8" });
  chmodSync(locked, 0o755);
  assert.ifError(r.error);
  assert.equal(r.status, 2, r.stderr);
  assert.match(assertOneLine({ code: r.status, stdout: r.stdout, stderr: r.stderr }, locked), /cannot write results there \(EACCES\); choose another --out folder/);
});
