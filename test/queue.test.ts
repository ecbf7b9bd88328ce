// The queue for real: Debian's redis-server (a private one per test file, append-only file on),
// BullMQ, and `smw worker` processes, over a store's footage cut from the bundled clips (2
// cameras x 2 dates). Each run's tables are compared with `smw analyze` of the same segment alone.
// Waits poll the queue with generous limits (a slow shared machine); nothing asserts a duration.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, test } from "node:test";
import { findRunDirs } from "../loaders/run/read.ts";
import { videoToolSync } from "../loaders/video/ffmpeg.ts";
import { tempDir } from "./helpers.ts";
import {
  longSegment, queueStatusJson, smwAsync, startWorkerProcess, stopWorkers, storeFootage, tableDigest, TestRedis, waitFor, writeConfigs, type WorkerProcess,
} from "./queue-fixtures.ts";

const dir = tempDir("smw-queue-");
let redis: TestRedis;
let footage: ReturnType<typeof storeFootage>;
let configs: ReturnType<typeof writeConfigs>;
/** For the stop tests: a segment still running when the test stops its worker. */
let long: string;
const workers: WorkerProcess[] = [];
const LIMIT = 15 * 60_000;

before(async () => {
  footage = storeFootage(join(dir, "footage"));
  configs = writeConfigs(dir);
  long = longSegment(join(dir, "long"));
  redis = await TestRedis.start(join(dir, "redis"));
});

after(async () => {
  await stopWorkers(workers);
  await redis?.kill();
});

/** `smw analyze` of one segment alone, once per segment (the reference every queue run is held to). */
const references = new Map<string, Promise<Record<string, string>>>();
function reference(video: string, config: string): Promise<Record<string, string>> {
  if (!references.has(video)) {
    const out = join(dir, "ref", video.split("/").pop()!.replace(".mp4", ""));
    references.set(video, smwAsync(["analyze", video, "--out", out, "--config", config, "--quiet", "--threads", "1"]).then((r) => {
      assert.equal(r.code, 0, r.stderr);
      return tableDigest(out);
    }));
  }
  return references.get(video)!;
}

function spawnWorkers(n: number, root: string, extra: string[] = []): WorkerProcess[] {
  const started = Array.from({ length: n }, () => startWorkerProcess(root, redis.url, extra));
  workers.push(...started);
  return started;
}

async function fresh(): Promise<void> {
  await stopWorkers(workers);
  const r = await smwAsync(["queue", "drain", "--all", "--redis", redis.url]);
  assert.equal(r.code, 0, r.stderr);
}

async function add(folder: string, config: string): Promise<void> {
  const r = await smwAsync(["queue", "add", folder, "--store", "demo", "--config", config, "--redis", redis.url]);
  assert.equal(r.code, 0, r.stderr);
}

const segmentOf = (video: string) => video.split("/").pop()!.replace(".mp4", "");
const cameraOf = (video: string) => (video.includes("/front/") ? "front" : "side");
const runPath = (root: string, video: string) => {
  const name = segmentOf(video);
  const date = `${name.slice(-15, -11)}-${name.slice(-11, -9)}-${name.slice(-9, -7)}`;
  return join(root, "store=demo", `camera=${cameraOf(video)}`, `date=${date}`, name);
};

/** Lines of the workers' logs saying a segment was analysed ("done" or "partial"), per segment. */
function analysedCounts(ws: WorkerProcess[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of ws) for (const m of w.log().matchAll(/^smw worker: (?:done|partial) (\S+):/gm)) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  return counts;
}

test("3 workers over 12 segments of 2 cameras and 2 dates: each done once, tables equal smw analyze of each segment alone", async () => {
  const root = join(dir, "data-12");
  await add(footage.front, configs.front);
  await add(footage.side, configs.side);
  // adding the same files again adds nothing
  const again = await smwAsync(["queue", "add", footage.front, "--store", "demo", "--config", configs.front, "--redis", redis.url, "--json"]);
  assert.deepEqual(JSON.parse(again.stdout).added, []);
  const ws = spawnWorkers(3, root);
  await waitFor(async () => (await queueStatusJson(redis.url)).totals.done === 12, LIMIT, "12 segments done");
  const status = await queueStatusJson(redis.url);
  assert.deepEqual(status.totals, { waiting: 0, active: 0, done: 12, failed: 0 });
  assert.deepEqual(status.rows.map((r) => [r.camera, r.date, r.done]), [
    ["front", "2024-05-06", 3], ["front", "2024-05-07", 3], ["side", "2024-05-06", 3], ["side", "2024-05-07", 3],
  ]);
  await stopWorkers(ws);
  const counts = analysedCounts(ws);
  assert.equal(counts.size, 12);
  assert.ok([...counts.values()].every((n) => n === 1), JSON.stringify([...counts]));
  // more than one worker took part (the queue spread the work)
  assert.ok(ws.filter((w) => /^smw worker: done/m.test(w.log())).length >= 2, ws.map((w) => w.log()).join("\n"));
  assert.deepEqual(findRunDirs([root]).sort(), footage.videos.map((v) => runPath(root, v)).sort());
  for (const v of footage.videos) assert.deepEqual(await tableDigest(runPath(root, v)), await reference(v, cameraOf(v) === "front" ? configs.front : configs.side), v);

  // smw report reads the whole dataset: one section per camera, each over its 6 segments
  const r = await smwAsync(["report", root, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { cameras: { store: string; camera: string; segments: number; footageSeconds: number }[] };
  assert.deepEqual(report.cameras.map((c) => [c.store, c.camera, c.segments]), [["demo", "front", 6], ["demo", "side", 6]]);
  assert.ok(report.cameras.every((c) => c.footageSeconds > 5), r.stdout);
  // smw export too: each segment's CSV files in the dataset's own layout
  const exported = join(dir, "export-12");
  const e = await smwAsync(["export", root, "--out", exported]);
  assert.equal(e.code, 0, e.stderr);
  for (const v of footage.videos) assert.ok(existsSync(join(exported, relative(root, runPath(root, v)), "footfall.csv")), v);
});

test("kill -9 of a worker mid-job: no half segment visible, the job is recovered as stalled, resumes from its checkpoint, same tables", async () => {
  await fresh();
  const root = join(dir, "data-kill");
  const video = long;
  await add(video, configs.front);
  const [victim] = spawnWorkers(1, root, ["--chunk-frames", "10", "--lock-seconds", "5"]);
  const incoming = join(root, ".incoming", relative(root, runPath(root, video)));
  await waitFor(() => existsSync(join(incoming, ".parts", "checkpoint.json")), LIMIT, "a committed checkpoint");
  victim.proc.kill("SIGKILL");
  await victim.exited;
  assert.equal(existsSync(runPath(root, video)), false, "no segment folder before the job finished");
  const report = await smwAsync(["report", root]);
  assert.equal(report.code, 2, `smw report sees no run in the dataset yet: ${report.stdout}`);
  const [rescuer] = spawnWorkers(1, root, ["--lock-seconds", "5"]);
  await waitFor(async () => (await queueStatusJson(redis.url)).totals.done === 1, LIMIT, "the stalled job done by the second worker");
  await stopWorkers([rescuer]);
  const run = JSON.parse(readFileSync(join(runPath(root, video), "run.json"), "utf8"));
  assert.ok(run.options.resumedFromFrame >= 0, "the second worker resumed from the first one's checkpoint");
  assert.deepEqual(await tableDigest(runPath(root, video)), await reference(video, configs.front));
  assert.equal(existsSync(incoming), false);
});

test("SIGTERM hands the running job back to the queue with its checkpoint; the next worker resumes it", async () => {
  await fresh();
  const root = join(dir, "data-term");
  const video = long;
  await add(video, configs.front);
  const [first] = spawnWorkers(1, root, ["--chunk-frames", "10"]);
  const incoming = join(root, ".incoming", relative(root, runPath(root, video)));
  await waitFor(() => existsSync(join(incoming, ".parts", "checkpoint.json")), LIMIT, "a committed checkpoint");
  first.proc.kill("SIGTERM");
  assert.equal(await first.exited, 0, first.log());
  assert.match(first.log(), /handed back store=demo\/camera=front\/.* after \d+ frames/);
  const handed = await queueStatusJson(redis.url);
  assert.deepEqual(handed.totals, { waiting: 1, active: 0, done: 0, failed: 0 });
  const [second] = spawnWorkers(1, root);
  await waitFor(async () => (await queueStatusJson(redis.url)).totals.done === 1, LIMIT, "the handed-back job done");
  await stopWorkers([second]);
  assert.ok(JSON.parse(readFileSync(join(runPath(root, video), "run.json"), "utf8")).options.resumedFromFrame >= 0);
  assert.deepEqual(await tableDigest(runPath(root, video)), await reference(video, configs.front));
});

test("Redis killed and restarted mid-run (append-only file): every segment done once, none lost or failed", async () => {
  await fresh();
  const root = join(dir, "data-redis");
  await add(footage.side, configs.side);
  const ws = spawnWorkers(2, root);
  await waitFor(async () => {
    const s = await queueStatusJson(redis.url);
    // work still outstanding (running or waiting): polling may miss the instant a job is active
    return s.totals.done >= 1 && s.totals.done < 6;
  }, LIMIT, "one segment done and others still to do");
  await redis.kill();
  await new Promise((ok) => setTimeout(ok, 2000));
  await redis.restart();
  await waitFor(async () => (await queueStatusJson(redis.url)).totals.done === 6, LIMIT, "all 6 segments done after the restart");
  const status = await queueStatusJson(redis.url);
  assert.deepEqual(status.totals, { waiting: 0, active: 0, done: 6, failed: 0 });
  await stopWorkers(ws);
  const counts = analysedCounts(ws);
  assert.equal(counts.size, 6);
  assert.ok([...counts.values()].every((n) => n === 1), JSON.stringify([...counts]));
  const sideVideos = footage.videos.filter((v) => v.includes("/side/"));
  assert.deepEqual(findRunDirs([root]).sort(), sideVideos.map((v) => runPath(root, v)).sort());
  for (const v of sideVideos) assert.deepEqual(await tableDigest(runPath(root, v)), await reference(v, configs.side), v);
});

test("a damaged segment fails with its one-line error in queue status, a cut-off one is done with a warning, the others finish", async () => {
  await fresh();
  const root = join(dir, "data-damaged");
  const folder = join(dir, "damaged", "front");
  mkdirSync(folder, { recursive: true });
  const good = join(folder, "front_20240508_100000.mp4");
  copyFileSync(footage.videos[0], good);
  // not a video at all: a recorder's file whose header was lost
  const broken = join(folder, "front_20240508_110000.mp4");
  writeFileSync(broken, readFileSync(good).subarray(4096, 60_000));
  // index first, data cut at 60%: the frames before the cut decode (smw analyze's exit code 3)
  const faststart = join(dir, "damaged", "faststart.mp4");
  videoToolSync(["-y", "-v", "error", "-i", good, "-c", "copy", "-movflags", "+faststart", faststart]);
  const whole = readFileSync(faststart);
  const cutOff = join(folder, "front_20240508_120000.mp4");
  writeFileSync(cutOff, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const r = await smwAsync(["queue", "add", folder, "--store", "demo", "--config", configs.front, "--redis", redis.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`warning: ${broken.replaceAll(".", "\\.")}`));
  const ws = spawnWorkers(1, root);
  await waitFor(async () => {
    const s = await queueStatusJson(redis.url);
    return s.totals.done + s.totals.failed === 3;
  }, LIMIT, "all 3 segments finished or failed");
  await stopWorkers(ws);
  const status = await queueStatusJson(redis.url);
  assert.equal(status.totals.done, 2);
  assert.equal(status.failed.length, 1);
  assert.equal(status.failed[0].path, relative(root, runPath(root, broken)));
  assert.match(status.failed[0].error, new RegExp(`^${broken.replaceAll(".", "\\.")}: `));
  assert.ok(!status.failed[0].error.includes("\n"));
  // bad input is not retried: it would fail the same way
  assert.equal(status.failed[0].attempts, 1);
  assert.equal(status.partial.length, 1);
  assert.equal(status.partial[0].path, relative(root, runPath(root, cutOff)));
  assert.match(status.partial[0].warning, /damaged after/);
  assert.equal(status.rows[0].partial, 1);
  const text = await smwAsync(["queue", "status", "--redis", redis.url]);
  assert.match(text.stdout, /^failed +store=demo\/camera=front\/date=2024-05-08\/front_20240508_110000: /m);
  assert.ok(existsSync(join(runPath(root, cutOff), "tracks.parquet")));
  assert.ok(existsSync(join(runPath(root, good), "tracks.parquet")));
  assert.equal(existsSync(runPath(root, broken)), false);
});
