// `npm run bench:scale`: the same segments through the queue with 1, 2 and 4 `smw worker`
// processes on this machine: total and per-worker frames/s, queue overhead per job and the share
// of time spent outside analysis. Redis is a redis-server of the bench's own (smw redis start on a
// free port); footage is the bundled clips looped into 1-minute segments named like a recorder's
// (SCALE_SEGMENTS, SCALE_SECONDS, SCALE_WORKERS change that). On a 2-core machine 2 workers is the
// ceiling: more only share the same cores.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { loadCameraConfig } from "../loaders/config/camera.ts";
import { planJobs, type SegmentJobData, type SegmentJobResult } from "../loaders/queue/jobs.ts";
import { addJobs, openQueue, type SegmentQueue } from "../loaders/queue/queue.ts";
import { parseRedisUrl, startRedis, stopRedis } from "../loaders/queue/redis.ts";
import { videoToolSync } from "../loaders/video/ffmpeg.ts";
import type { Job } from "bullmq";
import { group } from "d3";

const ROOT = join(import.meta.dirname, "..");
const SMW = join(ROOT, "bin", "smw.js");
const SEGMENTS = Number(process.env.SCALE_SEGMENTS ?? 4);
const SECONDS = Number(process.env.SCALE_SECONDS ?? 60);
const WORKERS = (process.env.SCALE_WORKERS ?? "1,2,4").split(",").map(Number);
const dir = mkdtempSync(join(tmpdir(), "smw-bench-scale-"));

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** Segments of SECONDS each: the bundled clips looped (a different clip and start for each), H.264 like a recorder. */
function footage(): string[] {
  const folder = join(dir, "footage");
  mkdirSync(folder, { recursive: true });
  return Array.from({ length: SEGMENTS }, (_, i) => {
    const clip = i % 2 ? "tud-campus.mp4" : "tud-stadtmitte.mp4";
    const out = join(folder, `front_20240507_${String(10 + i).padStart(2, "0")}0000.mp4`);
    videoToolSync(["-y", "-v", "error", "-stream_loop", "-1", "-ss", String(i * 0.4), "-i", join(ROOT, "data/clips", clip), "-t", String(SECONDS),
      "-an", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", out]);
    return out;
  });
}

interface Figures {
  workers: number;
  frames: number;
  makespan: number;
  totalFps: number;
  perWorkerFps: number;
  overheadMs: number;
  overheadShare: number;
  outside: number;
}

/** Timings from BullMQ's own job records: processedOn/finishedOn per job, the worker that ran it, the job's analysis time. */
function figures(workers: number, jobs: Job<SegmentJobData, SegmentJobResult>[]): Figures {
  const start = Math.min(...jobs.map((j) => j.processedOn!));
  const end = Math.max(...jobs.map((j) => j.finishedOn!));
  const makespan = (end - start) / 1000;
  const frames = jobs.reduce((s, j) => s + j.returnvalue.framesAnalysed, 0);
  const analysis = jobs.reduce((s, j) => s + j.returnvalue.analysisSeconds, 0);
  // queue overhead: BullMQ's time around each job (moving it to active and to completed, outside
  // the processor), our own around the analysis (config, rename into place), and the gap before a
  // worker's next job while jobs were waiting
  let overhead = 0;
  const byWorker = group(jobs, (j) => j.processedBy ?? "?");
  for (const list of byWorker.values()) {
    list.sort((a, b) => a.processedOn! - b.processedOn!);
    list.forEach((j, i) => {
      overhead += j.finishedOn! - j.processedOn! - 1000 * j.returnvalue.analysisSeconds;
      if (i > 0) overhead += j.processedOn! - list[i - 1].finishedOn!;
    });
  }
  return {
    workers, frames, makespan, totalFps: frames / makespan, perWorkerFps: frames / makespan / workers,
    overheadMs: overhead / jobs.length, overheadShare: overhead / 1000 / analysis, outside: 1 - analysis / (workers * makespan),
  };
}

async function waitDone(queue: SegmentQueue, n: number): Promise<void> {
  for (;;) {
    const c = await queue.getJobCounts("completed", "failed");
    if (c.failed) throw new Error(`a job failed: ${(await queue.getJobs(["failed"]))[0]?.failedReason}`);
    if (c.completed >= n) return;
    await new Promise((ok) => setTimeout(ok, 1000));
  }
}

async function run(queue: SegmentQueue, videos: string[], config: string, workers: number, redisUrl: string): Promise<Figures> {
  await queue.obliterate({ force: true });
  const { jobs } = await planJobs(videos, { store: "bench", config: loadCameraConfig(config), configPath: config, settings: {} });
  await addJobs(queue, jobs);
  const data = join(dir, `data-${workers}`);
  const procs = Array.from({ length: workers }, () => spawn(process.execPath, [SMW, "worker", "--data", data, "--redis", redisUrl, "--quiet"], { stdio: "inherit" }));
  await waitDone(queue, jobs.length);
  const exited = procs.map((p) => new Promise((ok) => p.once("exit", ok)));
  for (const p of procs) p.kill("SIGTERM");
  await Promise.all(exited);
  return figures(workers, await queue.getJobs(["completed"]));
}

const port = await freePort();
const redisUrl = `redis://127.0.0.1:${port}`;
await startRedis(port, join(dir, "redis"));
const load0 = loadavg()[0];
try {
  const videos = footage();
  const config = join(ROOT, "data", "camera.example.json");
  const queue = await openQueue(parseRedisUrl(redisUrl));
  const rows: Figures[] = [];
  for (const w of WORKERS) {
    rows.push(await run(queue, videos, config, w, redisUrl));
    console.error(`${w} worker(s) done`);
  }
  await queue.close();
  console.log(`${SEGMENTS} segments of ${SECONDS} s (${rows[0].frames} frames), ${cpus().length} cores, load average ${load0.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after (other work on the machine slows every figure)`);
  const table = [["workers", "frames/s total", "frames/s per worker", "wall s", "queue overhead per job", "overhead / analysis", "time outside analysis"],
    ...rows.map((r) => [String(r.workers), r.totalFps.toFixed(1), r.perWorkerFps.toFixed(1), r.makespan.toFixed(0), `${r.overheadMs.toFixed(0)} ms`,
      `${(100 * r.overheadShare).toFixed(2)}%`, `${(100 * r.outside).toFixed(1)}%`])];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const r of table) console.log(`| ${r.map((c, i) => c.padStart(widths[i])).join(" | ")} |`);
  console.log("time outside analysis: the workers' time not spent in analyzeSegment (queue, renames, and a worker idle at the end while the last jobs finish)");
} finally {
  await stopRedis(parseRedisUrl(redisUrl));
}
