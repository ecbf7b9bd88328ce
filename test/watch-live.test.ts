// `smw watch` against real live sources on 127.0.0.1, each dropped for 10 s mid-way:
// - an RTSP camera: Debian's rtsp-server-perl (apt-get install rtsp-server-perl; .ci/run installs
//   it) with ffmpeg publishing a looped bundled clip to it, as a camera or an NVR relay would;
//   the server only sends over UDP, so this also exercises the fall-back from TCP;
// - an HTTP MJPEG camera (multipart/x-mixed-replace at 10 fps), re-encoded to H.264 on the way.
// Segments roll and are analysed as they finish, the watch stops at its duration, it reconnects
// after the drop, and the gap it records is held to the time the source was really down.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, connect, type AddressInfo } from "node:net";
import { join } from "node:path";
import { inputArgs, recorderArgs, redactCredentials, refusedTransport, withCredentials } from "../loaders/ops/live-input.ts";
import { progressOutTime } from "../loaders/ops/recorder.ts";
import { watch, type Gap, type WatchResult } from "../loaders/ops/watch.ts";
import { videoBinaries } from "../loaders/video/binaries.ts";
import { tempDir } from "./helpers.ts";

const dir = tempDir("smw-watch-live-");
const ffmpeg = videoBinaries().ffmpeg;
// The clip as an IP camera sends it: H.264 with a key frame every 0.4 s (a recorder can only
// start a segment at a key frame, so a long GOP would delay the first frame after reconnecting).
const source = join(dir, "camera.mp4");
execFileSync(ffmpeg, ["-v", "error", "-i", "data/clips/tud-stadtmitte.mp4", "-an", "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-pix_fmt", "yuv420p", source]);

const children = new Set<ChildProcess>();
function start(cmd: string, args: string[], framesPipe = false): ChildProcess {
  const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe", ...(framesPipe ? ["pipe" as const] : [])] });
  children.add(p);
  p.on("close", () => children.delete(p));
  p.stderr!.resume();
  return p;
}
after(() => {
  for (const p of children) p.kill("SIGKILL");
});

async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const accepts = (port: number) => new Promise<boolean>((r) => {
  const c = connect(port, "127.0.0.1", () => (c.destroy(), r(true)));
  c.on("error", () => r(false));
});

/**
 * ffmpeg sending the clip in a loop at its own pace. Resolves with the wall-clock time its first
 * frame went out (the same progress-report estimate the watcher uses, from the sender's side).
 */
function publish(args: string[]): { process: ChildProcess; firstFrame: Promise<number> } {
  // an output "pipe:3" is read from the child's fd 3: stdout carries the progress reports
  const p = start(ffmpeg, ["-v", "error", "-nostdin", "-nostats", "-progress", "pipe:1", "-re", "-stream_loop", "-1", "-i", source, ...args], args.at(-1) === "pipe:3");
  let origin = Infinity;
  const firstFrame = new Promise<number>((resolve, reject) => {
    p.stdout!.setEncoding("utf8");
    p.stdout!.on("data", (chunk: string) => {
      const us = progressOutTime(chunk);
      if (us === undefined || us <= 0) return;
      origin = Math.min(origin, Date.now() - us / 1000);
      // a few reports in, the estimate has settled
      if (us > 1_500_000) resolve(origin);
    });
    p.on("close", (code) => reject(new Error(`publisher exited (${code})`)));
  });
  firstFrame.catch(() => {});
  return { process: p, firstFrame };
}

/** Segment files recorded so far (ffmpeg's list), for the test to act at the right moment. */
const partsListed = (out: string) => {
  const list = join(out, "segments", "parts.csv");
  return existsSync(list) ? readFileSync(list, "utf8").trim().split("\n").filter(Boolean).length : 0;
};

/** What every dropped-and-reconnected watch must show. */
function checkReconnect(r: WatchResult, out: string, down: { from: number; to: number }, lines: string[]) {
  console.log(lines.join("\n"));
  const downSeconds = (down.to - down.from) / 1000;
  console.log(`source down ${downSeconds.toFixed(2)} s; gaps recorded: ${JSON.stringify(r.gaps)}; ${r.segments.length} segments, ${r.connections} connections, stopped by ${r.stoppedBy}`);
  assert.equal(r.stoppedBy, "duration");
  assert.equal(r.gaps.length, 1, "one gap");
  const [g] = r.gaps as [Gap];
  const from = Date.parse(g.from), to = Date.parse(g.to);
  console.log(`gap from ${((from - down.from) / 1000).toFixed(2)} s after the drop to ${((to - down.to) / 1000).toFixed(2)} s after the source's return`);
  assert.ok(Math.abs(from - down.from) <= 2000, `gap starts ${(from - down.from) / 1000} s from the drop`);
  assert.ok(Math.abs(to - down.to) <= 2000, `gap ends ${(to - down.to) / 1000} s from the source's return`);
  assert.ok(Math.abs(g.seconds - downSeconds) <= 2, `gap ${g.seconds} s against ${downSeconds.toFixed(2)} s down`);
  assert.ok(g.reason.length > 0 && g.attempts >= 1, JSON.stringify(g));
  // the gap table and the summary say the same
  const table = readFileSync(join(out, "gaps.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(table, r.gaps);
  assert.deepEqual(JSON.parse(readFileSync(join(out, "watch.json"), "utf8")).gaps, r.gaps);
  assert.ok(r.connections >= 2);
  // every segment analysed into its run folder, before and after the drop
  for (const s of r.segments) {
    assert.equal(s.error, undefined, `${s.name}: ${s.error}`);
    assert.ok(existsSync(join(s.runDir, "run.json")) && existsSync(join(s.runDir, "tracks.parquet")), s.name);
    assert.ok(s.summary!.framesAnalysed > 0, s.name);
  }
  const starts = r.segments.map((s) => Date.parse(s.startedAt));
  const before = r.segments.filter((_, i) => starts[i] < from);
  const afterDrop = r.segments.filter((_, i) => starts[i] > from);
  assert.ok(before.length >= 2 && afterDrop.length >= 1, `${before.length} segments before the drop, ${afterDrop.length} after`);
  // nothing recorded before the drop is lost: those segments run from the first frame up to the gap
  const covered = before.reduce((t, s) => t + s.summary!.video.duration, 0);
  const span = (from - starts[0]) / 1000;
  console.log(`before the drop: ${before.length} segments holding ${covered.toFixed(2)} s of video for ${span.toFixed(2)} s of wall clock`);
  assert.ok(Math.abs(covered - span) <= 1.5, `${covered} s of video for ${span} s`);
  assert.ok(before.some((s) => s.summary!.tracks > 0) && afterDrop.some((s) => s.summary!.tracks > 0), "people tracked before and after");
}

test("RTSP camera through a real RTSP server: rolls segments, survives a 10 s outage, records the gap", { timeout: 240_000 }, async () => {
  const clientPort = await freePort();
  const sourcePort = await freePort();
  const rtpPort = 20000 + 2 * Math.floor(Math.random() * 10000);
  const server = () => start("rtsp-server-perl", ["-c", String(clientPort), "-s", String(sourcePort), "--rtp_start_port", String(rtpPort), "-l", "1"]);
  const camera = () => publish(["-c:v", "copy", "-f", "rtsp", `rtsp://127.0.0.1:${sourcePort}/front`]);
  let srv = server();
  await new Promise<void>((ok, fail) => {
    srv.once("error", (e) => fail(new Error(`rtsp-server-perl did not start (${e.message}): apt-get install rtsp-server-perl`)));
    waitFor("the RTSP server", () => accepts(sourcePort), 30_000).then(() => ok(), fail);
  });
  let cam = camera();
  await cam.firstFrame;

  const out = join(dir, "rtsp");
  const lines: string[] = [];
  const password = "s3cret-Pa55";
  const watching = watch({
    input: `rtsp://127.0.0.1:${clientPort}/front`, out, segmentSeconds: 3, durationSeconds: 42,
    env: { SMW_CAMERA_USER: "shop", SMW_CAMERA_PASSWORD: password },
    analyze: { stride: 5, backgroundSamples: 5 }, log: (l) => lines.push(l),
  });
  // the camera (server and sender) dies once two segments are on disk, and comes back 10 s later
  await waitFor("two recorded segments", () => partsListed(out) >= 2 || undefined, 90_000);
  const downFrom = Date.now();
  srv.kill("SIGKILL");
  cam.process.kill("SIGKILL");
  await sleep(10_000);
  srv = server();
  await waitFor("the RTSP server back", () => accepts(sourcePort), 30_000);
  cam = camera();
  const downTo = await cam.firstFrame;
  const r = await watching;
  checkReconnect(r, out, { from: downFrom, to: downTo }, lines);
  assert.ok(lines.some((l) => /refused RTSP over TCP; using UDP/.test(l)), "fell back to UDP");
  const summary = JSON.parse(readFileSync(join(out, "watch.json"), "utf8"));
  assert.equal(summary.transport, "udp");
  // the password came from the environment and is written nowhere
  const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
  for (const f of files(out).filter((f) => /\.(json|jsonl|csv)$/.test(f))) assert.ok(!readFileSync(f, "utf8").includes(password), f);
  assert.ok(!lines.some((l) => l.includes(password)));
  assert.match(summary.input, /^rtsp:\/\/127\.0\.0\.1:\d+\/front$/);
});

test("HTTP MJPEG camera: re-encoded to H.264 with arrival times, survives a 10 s outage, records the gap", { timeout: 240_000 }, async () => {
  // The camera's sensor runs all along; its web server hands each client the pictures from the
  // next part boundary on (multipart/x-mixed-replace, as MJPEG cameras serve them).
  const sensor = publish(["-r", "10", "-c:v", "mjpeg", "-q:v", "5", "-f", "mpjpeg", "pipe:3"]);
  const boundary = Buffer.from("--ffmpeg\r\n");
  const clients = new Set<ServerResponse>();
  const waiting = new Set<ServerResponse>();
  (sensor.process.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => {
    const at = chunk.indexOf(boundary);
    for (const res of waiting) {
      if (at < 0) continue;
      waiting.delete(res);
      res.write(chunk.subarray(at));
      clients.add(res);
    }
    for (const res of clients) if (!waiting.has(res)) res.write(chunk);
  });
  await sensor.firstFrame;
  const handler = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { "content-type": "multipart/x-mixed-replace;boundary=ffmpeg" });
    waiting.add(res);
    res.on("close", () => (clients.delete(res), waiting.delete(res)));
  };
  let server: Server = createServer(handler);
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const out = join(dir, "mjpeg");
  const lines: string[] = [];
  const watching = watch({ input: `http://127.0.0.1:${port}/video.mjpg`, out, segmentSeconds: 3, durationSeconds: 40, analyze: { stride: 2, backgroundSamples: 5 }, log: (l) => lines.push(l) });
  await waitFor("two recorded segments", () => partsListed(out) >= 2 || undefined, 90_000);
  const downFrom = Date.now();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await sleep(10_000);
  server = createServer(handler);
  const downTo = await new Promise<number>((r) => server.listen(port, "127.0.0.1", () => r(Date.now())));
  const r = await watching;
  server.closeAllConnections();
  await new Promise((res) => server.close(res));
  sensor.process.kill("SIGKILL");
  checkReconnect(r, out, { from: downFrom, to: downTo }, lines);
  assert.equal(JSON.parse(readFileSync(join(out, "watch.json"), "utf8")).mjpeg, true);
  for (const s of r.segments.filter((x) => x.summary!.video.duration >= 1)) {
    // 10 pictures a second came in: the segment holds them at their arrival times, not 25 fps
    const fps = s.summary!.video.frameCount / s.summary!.video.duration;
    assert.ok(fps > 7 && fps < 13, `${s.name}: ${fps.toFixed(1)} frames/s`);
  }
});

test("credentials come from the environment and never show", () => {
  const env = { SMW_CAMERA_USER: "shop front", SMW_CAMERA_PASSWORD: "p@ss:word/1" };
  assert.equal(withCredentials("rtsp://192.0.2.10:554/Streaming/Channels/101", env), "rtsp://shop%20front:p%40ss%3Aword%2F1@192.0.2.10:554/Streaming/Channels/101");
  assert.equal(withCredentials("rtsp://admin:x@192.0.2.10/s", env), "rtsp://admin:x@192.0.2.10/s", "a URL's own user wins");
  assert.equal(withCredentials("store.mp4", env), "store.mp4");
  assert.equal(withCredentials("rtsp://cam/s", {}), "rtsp://cam/s");
  assert.throws(() => withCredentials("rtsp://cam/s", { SMW_CAMERA_PASSWORD: "x" }), /SMW_CAMERA_USER/);
  assert.equal(redactCredentials("rtsp://shop:p%40ss@192.0.2.10/s: Connection refused"), "rtsp://***@192.0.2.10/s: Connection refused");
  assert.equal(redactCredentials("http://cam/mjpg"), "http://cam/mjpg");
});

test("RTSP transport, MJPEG arrival times, progress reports", () => {
  assert.deepEqual(inputArgs("rtsp://cam/1").slice(0, 2), ["-rtsp_transport", "tcp"]);
  assert.ok(inputArgs("rtsp://cam/1", { transport: "udp" }).includes("-buffer_size"));
  assert.ok(refusedTransport(["rtsp://cam/1: Server returned 400 Bad Request"]));
  assert.ok(refusedTransport(["method SETUP failed: 461 Unsupported Transport"]));
  assert.ok(!refusedTransport(["rtsp://cam/1: Server returned 404 Not Found", "Connection refused"]));
  const mjpeg = recorderArgs("http://cam/video.mjpg", "/o/segments", { segmentSeconds: 60, reencode: true, wallclock: true });
  assert.ok(mjpeg.indexOf("-use_wallclock_as_timestamps") < mjpeg.indexOf("-i") && mjpeg.includes("libx264") && mjpeg.includes("vfr"));
  assert.equal(progressOutTime("frame=10\nout_time_us=400000\nout_time_ms=400000\nprogress=continue\nframe=20\nout_time_us=800000\n"), 800000);
  assert.equal(progressOutTime("frame=0\nprogress=continue\n"), undefined);
});
