// Live recording end to end: a clip served over HTTP on 127.0.0.1 at its real frame rate (as
// an MPEG-TS camera stream would be), recorded in 3 s segments for 7 s, each segment
// analysed into its own run folder while recording continues.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { inputKind, recorderArgs } from "../loaders/ops/live-input.ts";
import { msUntil, segmentName, segmentStart, watch, type SegmentResult } from "../loaders/ops/watch.ts";
import { videoBinaries } from "../loaders/video/binaries.ts";
import { UserError } from "../loaders/errors.ts";
import { tempDir } from "./helpers.ts";

const dir = tempDir("smw-watch-");
// An H.264 MPEG-TS copy of the clip, like an IP camera sends; the server plays it in a loop at 25 fps.
const source = join(dir, "camera.ts");
execFileSync(videoBinaries().ffmpeg, ["-v", "error", "-i", "data/clips/tud-stadtmitte.mp4", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-f", "mpegts", source]);

const players = new Set<ChildProcess>();
const server = createServer((req, res) => {
  res.writeHead(200, { "content-type": "video/mp2t" });
  const p = spawn(videoBinaries().ffmpeg, ["-v", "error", "-nostdin", "-re", "-stream_loop", "-1", "-i", source, "-c", "copy", "-f", "mpegts", "pipe:1"], { stdio: ["ignore", "pipe", "ignore"] });
  players.add(p);
  p.stdout!.pipe(res);
  const stop = () => p.kill("SIGKILL");
  res.on("close", stop);
  p.on("close", () => {
    players.delete(p);
    res.end();
  });
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/live.ts`;

after(async () => {
  for (const p of players) p.kill("SIGKILL");
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test("watch an HTTP camera for 7 s in 3 s segments: every finished segment is analysed into its own run folder", async () => {
  const out = join(dir, "live");
  const seen: SegmentResult[] = [];
  const lines: string[] = [];
  const t0 = performance.now();
  // every 2nd frame: keeps the test quick on 2 cores; the segments themselves hold every frame
  const r = await watch({ input: url, out, segmentSeconds: 3, durationSeconds: 7, analyze: { stride: 2 }, onSegment: (s) => void seen.push(s), log: (l) => lines.push(l) });
  const wall = (performance.now() - t0) / 1000;
  console.log(lines.join("\n"));
  console.log(`watch: ${r.segments.length} segments, stopped by ${r.stoppedBy}, ${wall.toFixed(1)} s wall for 7 s of video`);
  assert.equal(r.stoppedBy, "duration");
  assert.equal(r.connections, 1);
  assert.ok(r.segments.length >= 2, `segments: ${r.segments.length}`);
  assert.deepEqual(seen.map((s) => s.name), r.segments.map((s) => s.name));
  for (const s of r.segments) {
    assert.equal(s.error, undefined, `${s.name}: ${s.error}`);
    assert.match(s.name, /^\d{8}_\d{6}$/);
    assert.ok(existsSync(join(out, "segments", `${s.name}.mp4`)));
    assert.ok(existsSync(join(s.runDir, "run.json")), `${s.name}/run.json`);
    assert.ok(existsSync(join(s.runDir, "tracks.parquet")), `${s.name}/tracks.parquet`);
    const run = JSON.parse(readFileSync(join(s.runDir, "run.json"), "utf8"));
    assert.equal(run.video.width, 640);
    assert.ok(run.framesAnalysed > 0 && run.tracks > 0, `${s.name}: ${run.framesAnalysed} frames, ${run.tracks} tracks`);
    assert.ok(Math.abs(Date.parse(s.startedAt) - Date.now()) < 120_000, "segment start is wall-clock time");
  }
  // the full segments are ~3 s of 25 fps video; all of them together cover the 7 s recorded
  const frames = r.segments.map((s) => s.summary!.video.frameCount);
  r.segments.forEach((s, i) => assert.equal(s.summary!.framesAnalysed, Math.ceil(frames[i] / 2)));
  console.log(`frames per segment: ${frames.join(", ")}`);
  assert.ok(frames[0] >= 60 && frames[0] <= 90, `first segment ${frames[0]} frames`);
  const total = frames.reduce((a, b) => a + b, 0);
  assert.ok(total >= 150 && total <= 200, `total ${total} frames for 7 s at 25 fps`);
  // segments come in time order, 3 s apart
  const starts = r.segments.map((s) => Date.parse(s.startedAt));
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] >= 2000 && starts[i] - starts[i - 1] <= 4000);
  // the rolling index
  const index = readFileSync(join(out, "segments.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(index.map((x) => x.name), r.segments.map((s) => s.name));
  assert.deepEqual(readdirSync(out).filter((f) => /^\d{8}_\d{6}$/.test(f)).sort(), r.segments.map((s) => s.name).sort());
  assert.ok(wall < 120, `wall ${wall}`);
});

test("until HH:MM stops recording at that local time; the open segment is finished and analysed", async () => {
  // a clock 8 s before the next whole minute-and-then-some: until fires 8 s after the start
  const target = new Date(Date.now() + 120_000);
  target.setSeconds(0, 0);
  const offset = target.getTime() - 8_000 - Date.now();
  const hhmm = `${String(target.getHours()).padStart(2, "0")}:${String(target.getMinutes()).padStart(2, "0")}`;
  const out = join(dir, "until");
  const t0 = performance.now();
  const starts: Date[] = [];
  const r = await watch({
    input: url, out, segmentSeconds: 3, until: hhmm, keepSegments: false, now: () => new Date(Date.now() + offset),
    analyze: (s) => (starts.push(s.start), { stride: 4, backgroundSamples: 5 }),
  });
  const wall = (performance.now() - t0) / 1000;
  console.log(`until ${hhmm} (8 s away): ${r.segments.length} segments (${r.segments.map((s) => s.summary?.video.frameCount).join(", ")} frames), stopped by ${r.stoppedBy} after ${wall.toFixed(1)} s`);
  assert.equal(r.stoppedBy, "until");
  assert.ok(r.segments.length >= 2);
  for (const s of r.segments) {
    assert.equal(s.error, undefined, s.error);
    assert.ok(existsSync(join(s.runDir, "run.json")) && existsSync(join(s.runDir, "tracks.parquet")));
  }
  // the last segment was cut by the stop, not lost: it is a playable file with its frames
  assert.ok(r.segments.at(-1)!.summary!.video.frameCount > 0);
  // per-segment analysis options saw each segment's start; keepSegments: false removed the video
  assert.deepEqual(starts.map((d) => d.toISOString()), r.segments.map((s) => s.startedAt));
  assert.ok(r.segments.every((s) => !existsSync(s.file)));
});

test("a camera that cannot be reached: one-line error naming it, no reconnect loop when told not to", async () => {
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
  const port = (dead.address() as AddressInfo).port;
  await new Promise((r) => dead.close(r));
  const input = `http://127.0.0.1:${port}/cam`;
  await assert.rejects(watch({ input, out: join(dir, "dead"), segmentSeconds: 2, durationSeconds: 5, reconnect: false }), (e: unknown) =>
    e instanceof UserError && e.message.startsWith(input) && /could not record/.test(e.message) && !e.message.includes("\n"));
});

test("until HH:MM: next occurrence of the local time; bad input is refused", () => {
  const now = new Date(2025, 2, 1, 17, 45, 30);
  assert.equal(msUntil("18:00", now), 14.5 * 60_000);
  assert.equal(msUntil("17:00", now), (24 * 60 - 45.5) * 60_000); // tomorrow
  assert.throws(() => msUntil("25:00", now), UserError);
  assert.throws(() => msUntil("6pm", now), /HH:MM/);
});

test("inputs: kind, recorder arguments, segment names", () => {
  assert.equal(inputKind("rtsp://cam.local/stream1"), "network");
  assert.equal(inputKind("http://127.0.0.1:8080/x.ts"), "network");
  assert.equal(inputKind("/dev/video0"), "webcam");
  assert.equal(inputKind("store.mp4"), "file");
  const rtsp = recorderArgs("rtsp://cam/1", "/o/segments", { segmentSeconds: 60, durationSeconds: 3600 });
  assert.deepEqual(rtsp.slice(rtsp.indexOf("-rtsp_transport"), rtsp.indexOf("-rtsp_transport") + 2), ["-rtsp_transport", "tcp"]);
  assert.ok(rtsp.includes("copy") && rtsp.includes("-t") && rtsp.at(-1) === "/o/segments/part_%06d.mp4");
  const cam = recorderArgs("/dev/video0", "/o/segments", { segmentSeconds: 10 });
  assert.deepEqual(cam.slice(cam.indexOf("-f"), cam.indexOf("-f") + 2), ["-f", "v4l2"]);
  assert.ok(cam.includes("libx264") && !cam.includes("-t"));
  assert.ok(recorderArgs("clip.mp4", "/o", { segmentSeconds: 5 }).includes("-re"));
  assert.equal(new Date(segmentStart("20250301_141500")).getHours(), 14);
  assert.equal(segmentName(new Date(2025, 2, 1, 14, 15, 0)), "20250301_141500");
});
