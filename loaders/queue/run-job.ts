// One job's work, apart from BullMQ: the one segment recipe (analyzeSegment) into a hidden
// folder of the dataset root, renamed into place only when complete, so a reader of the dataset
// never sees half a segment. A job that comes back (its worker died, Redis lost it mid-finish,
// SIGTERM handed it back) resumes from the folder's checkpoint or finds its segment already there.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { UserError } from "../errors.ts";
import { analyzeSegment, type SegmentOutcome } from "../pipeline/segment.ts";
import { readRun } from "../run/read.ts";
import type { SegmentJobData, SegmentJobProgress, SegmentJobResult } from "./jobs.ts";

/** Unfinished segments live here, under the dataset root (same file system: the rename is atomic); readers skip dot-folders. */
export const INCOMING = ".incoming";
/** Which job made a segment folder: a job run again after it finished finds its own work. */
export const JOB_MARKER = ".smw-job.json";

export interface RunJobOptions {
  /** The dataset root (a folder every worker machine sees at its own path). */
  root: string;
  jobId: string;
  /** Stops at a frame boundary with a checkpoint (rejects with AnalysisAborted). */
  signal?: AbortSignal;
  onProgress?: (p: SegmentJobProgress) => void;
  onWarning?: (message: string) => void;
  chunkFrames?: number;
  threads?: number;
}

export function incomingDir(root: string, d: Pick<SegmentJobData, "path">): string {
  return join(root, INCOMING, d.path);
}

export async function runSegmentJob(d: SegmentJobData, o: RunJobOptions): Promise<SegmentJobResult> {
  const t0 = performance.now();
  if (d.unreadable) throw new UserError(d.unreadable);
  const final = join(o.root, d.path);
  if (madeBy(final) === o.jobId) {
    const run = readRun(final);
    return { status: "already-done", framesAnalysed: run.framesAnalysed, analysisSeconds: 0, jobSeconds: (performance.now() - t0) / 1000 };
  }
  const tmp = incomingDir(o.root, d);
  mkdirSync(tmp, { recursive: true });
  // BullMQ's job lock says this job is ours now: a run lock left in the folder is a dead worker's
  // (perhaps on another machine, where its pid means nothing here)
  rmSync(join(tmp, ".smw-lock"), { force: true });
  const ta = performance.now();
  const outcome = await analyse(d, tmp, o);
  const analysisSeconds = (performance.now() - ta) / 1000;
  writeFileSync(join(tmp, JOB_MARKER), JSON.stringify({ jobId: o.jobId, finishedAt: new Date().toISOString() }));
  swapIn(tmp, final, o.root);
  const s = outcome.summary;
  const warning = s.partial
    ? `${d.video}: damaged after ${s.partial.lastSeconds.toFixed(1)} s (${s.partial.error}); kept the ${s.framesAnalysed} frames that decoded, re-copy the file from the recorder to analyse the rest`
    : undefined;
  return {
    status: s.partial ? "partial" : "done", framesAnalysed: s.framesAnalysed, analysisSeconds,
    jobSeconds: (performance.now() - t0) / 1000, ...(warning ? { warning } : {}),
    ...(s.motionGate ? { skipped: s.motionGate.skipped } : {}),
  };
}

async function analyse(d: SegmentJobData, out: string, o: RunJobOptions): Promise<SegmentOutcome> {
  const job = (resume: boolean) => analyzeSegment({
    video: d.video, out, config: d.config ?? undefined, segment: { name: d.segment, start: d.start ? new Date(d.start) : null },
    stride: d.settings.stride, model: d.settings.model, motionGate: d.settings.motionGate, chunkFrames: o.chunkFrames, threads: o.threads, resume,
    signal: o.signal, onWarning: o.onWarning,
    onProgress: (p) => o.onProgress?.({ framesDone: p.framesDone, framesTotal: p.framesTotal, fps: p.elapsed > 0 ? p.framesDone / p.elapsed : 0 }),
  });
  if (!existsSync(join(out, ".parts", "checkpoint.json"))) return job(false);
  try {
    return await job(true);
  } catch (e) {
    // the checkpoint was made with other settings (a changed config or model): start over
    if (!(e instanceof UserError) || !/unfinished run there/.test(e.message)) throw e;
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    return job(false);
  }
}

function madeBy(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, JOB_MARKER), "utf8")) as { jobId?: string }).jobId;
  } catch {
    return undefined;
  }
}

/** The finished folder into its place; an older result there (the file was re-recorded) is replaced. */
function swapIn(tmp: string, final: string, root: string): void {
  mkdirSync(dirname(final), { recursive: true });
  if (!existsSync(final)) return renameSync(tmp, final);
  const old = join(root, INCOMING, `.replaced-${process.pid}-${Date.now()}`);
  renameSync(final, old);
  renameSync(tmp, final);
  rmSync(old, { recursive: true, force: true });
}
