// A queue worker: BullMQ's Worker around runSegmentJob. BullMQ does the distributed part (job
// locks renewed while a job runs, stalled-job recovery when a worker dies, retries with backoff,
// concurrency, progress); this file only maps the pipeline's outcomes onto it: bad input fails
// the job at once with its one-line message, an internal error is retried, and a stop hands the
// job back to the queue with a checkpoint another worker resumes from.
import { hostname } from "node:os";
import { resolve } from "node:path";
import { UnrecoverableError, WaitingError, Worker, type Job } from "bullmq";
import { AnalysisAborted, UserError } from "../errors.ts";
import { QUEUE_NAME, type SegmentJobData, type SegmentJobProgress, type SegmentJobResult } from "./jobs.ts";
import { connectionOptions, type RedisTarget } from "./redis.ts";
import { runSegmentJob } from "./run-job.ts";

export interface WorkerOptions {
  root: string;
  redis: RedisTarget;
  /** Segments analysed at once by this process. */
  concurrency?: number;
  /** How long a job's lock lasts without renewal: a dead worker's job is taken up again after about this long. */
  lockSeconds?: number;
  chunkFrames?: number;
  threads?: number;
  /** One line per thing worth telling (job done, failed, handed back, Redis lost). */
  onEvent?: (line: string) => void;
}

/** Progress is sent at most this often: each update is a Redis round trip. */
const PROGRESS_EVERY_MS = 1000;

export function workerName(): string {
  return `${hostname()}#${process.pid}`;
}

export function startWorker(o: WorkerOptions): { worker: Worker<SegmentJobData, SegmentJobResult>; stop: () => Promise<void> } {
  const root = resolve(o.root);
  const lockMs = Math.round((o.lockSeconds ?? 30) * 1000);
  const say = o.onEvent ?? (() => {});
  const processor = async (job: Job<SegmentJobData, SegmentJobResult>, token?: string, signal?: AbortSignal): Promise<SegmentJobResult> => {
    let sent = 0;
    const progress = (p: SegmentJobProgress) => {
      const now = Date.now();
      if (now - sent < PROGRESS_EVERY_MS && p.framesDone < p.framesTotal) return;
      sent = now;
      // not awaited: while Redis is away the analysis goes on, and the update waits for it
      job.updateProgress(p as unknown as object).catch(() => {});
    };
    try {
      return await runSegmentJob(job.data, {
        root, jobId: job.id!, signal, chunkFrames: o.chunkFrames, threads: o.threads, onProgress: progress,
        onWarning: (m) => say(`${job.data.path}: ${m}`),
      });
    } catch (e) {
      if (e instanceof AnalysisAborted) {
        await job.moveToWait(token);
        say(`handed back ${job.data.path} after ${e.framesAnalysed} frames (checkpoint kept)`);
        throw new WaitingError();
      }
      if (e instanceof UserError) throw new UnrecoverableError(e.message);
      throw e;
    }
  };
  const worker = new Worker<SegmentJobData, SegmentJobResult>(QUEUE_NAME, processor, {
    connection: connectionOptions(o.redis),
    name: workerName(),
    concurrency: o.concurrency ?? 1,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    // a job whose worker died twice is probably what kills them: fail it rather than loop
    maxStalledCount: 2,
  });
  worker.on("completed", (job, r) => {
    const rate = r.analysisSeconds > 0 ? ` (${(r.framesAnalysed / r.analysisSeconds).toFixed(1)} frames/s)` : "";
    say(r.status === "already-done" ? `already done ${job.data.path}` : `${r.status} ${job.data.path}: ${r.framesAnalysed} frames${rate}${r.warning ? `; warning: ${r.warning}` : ""}`);
  });
  worker.on("failed", (job, err) => {
    if (!job) return;
    const retry = job.attemptsMade < (job.opts.attempts ?? 1) && !(err instanceof UnrecoverableError) ? " (will retry)" : "";
    say(`failed ${job.data.path}: ${err.message}${retry}`);
  });
  let lastError = 0;
  worker.on("error", (err) => {
    // ioredis reports every reconnect attempt; one line per 10 s is enough to say Redis is away
    if (Date.now() - lastError < 10_000) return;
    lastError = Date.now();
    say(`Redis at ${o.redis.url}: ${err.message.split("\n")[0]} (retrying)`);
  });
  const stop = async () => {
    const closing = worker.close();
    worker.cancelAllJobs("worker stopping");
    await closing;
  };
  return { worker, stop };
}
