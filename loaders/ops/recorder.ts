// One run of the segment recorder (ffmpeg) on a live input, watched through its `-progress`
// reports: a recorder that makes no progress for `stallMs` is killed, and every report tells
// when the stream's time 0 arrived. A live source sends a frame of stream time s at
// origin + s and ffmpeg cannot write it earlier, so (now - out_time) is never below the origin
// and its smallest value over the reports is the best estimate of it (within the report
// interval, 0.5 s). Segment names and the gaps between connections are wall-clock times
// from this origin, not from when ffmpeg was started (it first spends seconds connecting and
// probing).
import type { ChildProcess } from "node:child_process";
import { spawnVideoTool, stderrTail } from "../video/ffmpeg.ts";

export interface RecorderRun {
  code: number | null;
  stderr: string[];
  /** Killed for making no progress. */
  stalled: boolean;
  /** Wall-clock ms (epoch) of the stream's time 0; undefined when no frame was written. */
  origin?: number;
  /** Stream seconds written when it ended. */
  outSeconds: number;
}

/** The latest `out_time_us` of a chunk of `-progress` output (µs), or undefined. */
export function progressOutTime(chunk: string): number | undefined {
  let last: number | undefined;
  for (const m of chunk.matchAll(/^out_time_(?:us|ms)=(\d+)\s*$/gm)) last = Number(m[1]);
  return last;
}

export interface RecorderHooks {
  /** The child, as soon as it is started (to stop it with 'q'). */
  started?: (p: ChildProcess) => void;
  /** Each improvement of the origin estimate (the first one: frames are arriving). */
  origin?: (ms: number) => void;
  now?: () => number;
}

export function runRecorder(args: string[], stallMs: number, hooks: RecorderHooks = {}): Promise<RecorderRun> {
  const now = hooks.now ?? Date.now;
  return new Promise((resolvePromise) => {
    const p = spawnVideoTool(args, { stdio: ["pipe", "pipe", "pipe"] });
    hooks.started?.(p);
    const stderr = stderrTail(p);
    let lastProgress = now();
    let stalled = false;
    let origin: number | undefined;
    let outSeconds = 0;
    p.stdout!.setEncoding("utf8");
    p.stdout!.on("data", (chunk: string) => {
      lastProgress = now();
      const us = progressOutTime(chunk);
      if (us === undefined || us <= 0) return;
      outSeconds = us / 1e6;
      const estimate = lastProgress - us / 1000;
      if (origin === undefined || estimate < origin) {
        origin = estimate;
        hooks.origin?.(origin);
      }
    });
    p.stdin!.on("error", () => {});
    const watchdog = setInterval(() => {
      if (now() - lastProgress > stallMs && p.exitCode === null) {
        stalled = true;
        p.kill("SIGKILL");
      }
    }, 1000);
    let spawnError: string | undefined;
    p.on("error", (e) => (spawnError = e.message));
    p.on("close", (code) => {
      clearInterval(watchdog);
      if (spawnError) stderr.push(spawnError);
      resolvePromise({ code, stderr, stalled, origin, outSeconds });
    });
  });
}

/** Asks a running recorder to finish its open segment and stop ('q'), escalating if it hangs. */
export function stopRecorder(p: ChildProcess | undefined): void {
  if (!p || p.exitCode !== null) return;
  p.stdin?.write("q");
  const int = setTimeout(() => p.exitCode === null && p.kill("SIGINT"), 5000);
  const kill = setTimeout(() => p.exitCode === null && p.kill("SIGKILL"), 15000);
  p.once("close", () => {
    clearTimeout(int);
    clearTimeout(kill);
  });
}
