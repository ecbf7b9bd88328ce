// What the queue tests share: a store's footage cut from the bundled clips (two cameras, two
// dates, recorder-style names), a real redis-server of their own on a free port with persistence,
// real `smw worker` processes, and checksums of a run's tables to compare runs made two ways.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { videoToolSync } from "../loaders/video/ffmpeg.ts";
import { query, SMW } from "./helpers.ts";

const ROOT = join(import.meta.dirname, "..");

/** A camera config for each camera of the test store: the bundled clips' lines and zones. */
export function writeConfigs(dir: string): { front: string; side: string } {
  const { doc: _d, start: _s, calibration: _c, ...front } = JSON.parse(readFileSync(join(ROOT, "data/camera.example.json"), "utf8"));
  const { doc: _d2, ...side } = JSON.parse(readFileSync(join(ROOT, "data/scenarios/side.camera.json"), "utf8"));
  const files = { front: join(dir, "front.json"), side: join(dir, "side.json") };
  writeFileSync(files.front, JSON.stringify({ ...front, camera: "front" }));
  writeFileSync(files.side, JSON.stringify({ ...side, camera: "side", lineCrossing: { minFramesOnSide: 3 } }));
  return files;
}

/** One cut of a bundled clip, re-encoded so it starts on a key frame and has exactly its frames. */
export function cut(clip: string, from: number, seconds: number, out: string): string {
  videoToolSync(["-y", "-v", "error", "-ss", String(from), "-i", join(ROOT, "data/clips", clip), "-t", String(seconds),
    "-an", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out]);
  return out;
}

/**
 * One long segment (the front clip played `times` over): long enough that a worker stopped when
 * its first checkpoint appears is still mid-job, however fast the machine.
 */
export function longSegment(dir: string, times = 4): string {
  const folder = join(dir, "front");
  mkdirSync(folder, { recursive: true });
  const out = join(folder, "front_20240508_100000.mp4");
  videoToolSync(["-y", "-v", "error", "-stream_loop", String(times - 1), "-i", join(ROOT, "data/clips", "tud-stadtmitte.mp4"),
    "-an", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out]);
  return out;
}

/**
 * A store's footage: per camera a folder of segments named like a recorder's
 * (<camera>_<YYYYmmdd_HHMMSS>.mp4), `perCameraDay` segments on each of two dates, each a different
 * few-second cut of its camera's clip (front: TUD-Stadtmitte, side: TUD-Campus).
 */
export function storeFootage(dir: string, perCameraDay = 3): { front: string; side: string; videos: string[] } {
  const videos: string[] = [];
  const folders = { front: join(dir, "front"), side: join(dir, "side") };
  for (const [camera, clip, length, step] of [["front", "tud-stadtmitte.mp4", 2.4, 0.9], ["side", "tud-campus.mp4", 1.6, 0.2]] as const) {
    mkdirSync(folders[camera], { recursive: true });
    ["20240506", "20240507"].forEach((day, d) => {
      for (let k = 0; k < perCameraDay; k++) {
        const from = (d * perCameraDay + k) * step % (camera === "front" ? 4.6 : 1.2);
        const name = `${camera}_${day}_${String(10 + k).padStart(2, "0")}0000.mp4`;
        videos.push(cut(clip, Number(from.toFixed(2)), length, join(folders[camera], name)));
      }
    });
  }
  return { ...folders, videos };
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
    s.on("error", fail);
  });
}

/** A redis-server of the test's own (append-only file on, fsync always: a restart keeps every write). */
export class TestRedis {
  private proc?: ChildProcess;
  readonly url: string;

  private constructor(readonly port: number, readonly dir: string) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  static async start(dir: string): Promise<TestRedis> {
    const r = new TestRedis(await freePort(), dir);
    mkdirSync(dir, { recursive: true });
    await r.restart();
    return r;
  }

  async restart(): Promise<void> {
    this.proc = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--appendonly", "yes",
      "--appendfsync", "always", "--save", ""], { stdio: "ignore" });
    await waitFor(async () => (await smwAsync(["queue", "status", "--redis", this.url])).code === 0, 30_000, "redis-server answering");
  }

  /** SIGKILL: no shutdown save, only what the append-only file holds survives. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((ok) => p.once("exit", ok));
    p.kill("SIGKILL");
    await gone;
  }
}

export interface WorkerProcess {
  proc: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

export function startWorkerProcess(root: string, redis: string, extra: string[] = []): WorkerProcess {
  const proc = spawn(process.execPath, [SMW, "worker", "--data", root, "--redis", redis, "--threads", "1", ...extra], { stdio: ["ignore", "ignore", "pipe"] });
  let text = "";
  proc.stderr!.on("data", (b) => (text += String(b)));
  const exited = new Promise<number | null>((ok) => proc.once("exit", (code) => ok(code)));
  return { proc, log: () => text, exited };
}

export async function stopWorkers(workers: WorkerProcess[]): Promise<void> {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill("SIGTERM");
  await Promise.all(workers.map((w) => w.exited));
}

/** The CLI without blocking the event loop (workers and Redis are children of this process too). */
export function smwAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const p = spawn(process.execPath, [SMW, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (b) => (stdout += String(b)));
    p.stderr.on("data", (b) => (stderr += String(b)));
    p.on("exit", (code) => ok({ code, stdout, stderr }));
  });
}

export async function queueStatusJson(redis: string): Promise<import("../loaders/queue/status.ts").QueueStatus> {
  const r = await smwAsync(["queue", "status", "--json", "--redis", redis]);
  if (r.code !== 0) throw new Error(`smw queue status: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Polls (no timed assertion: the limit only stops a hung test, on a slow shared machine it is generous). */
export async function waitFor(cond: () => Promise<boolean> | boolean, limitMs: number, what: string): Promise<void> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  throw new Error(`gave up waiting for ${what} after ${limitMs / 1000} s`);
}

/** Row counts and order-independent checksums of a run's tracks and events. */
export async function tableDigest(runDir: string): Promise<Record<string, string>> {
  const digest = async (file: string, cols: string) => {
    const [r] = await query(`SELECT count(*)::INTEGER AS n, coalesce(sum(hash(${cols})), 0)::VARCHAR AS h FROM read_parquet('${join(runDir, file)}')`);
    return `${r.n} rows, ${r.h}`;
  };
  return {
    tracks: await digest("tracks.parquet", "frame, t_seconds, track_id, x1, y1, x2, y2, score, interpolated"),
    events: await digest("events.parquet", "track_id, frame, t_seconds, ts, line, direction, staff"),
    zoneVisits: await digest("zone_visits.parquet", "track_id, zone, enter_t, exit_t, dwell_seconds"),
    detections: await digest("detections.parquet", "frame, x1, y1, x2, y2, score"),
  };
}
