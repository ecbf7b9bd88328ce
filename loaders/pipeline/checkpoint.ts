// What makes a long run safe to interrupt: a lock so two runs never write one folder, and a
// checkpoint written after every committed chunk (which part files hold the detections so far,
// the motion grid, the last analysed frame) so `--resume` continues where the last chunk ended.
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.ts";

export interface Checkpoint {
  version: 1;
  /** The input and every option that changes results: a resume with other ones would mix two runs. */
  identity: string;
  lastFrame: number;
  framesAnalysed: number;
  /** Part files (names inside the parts folder) holding every committed detection row. */
  parts: string[];
  /** Part files of the count stage's per-frame rows. */
  countParts?: string[];
  motionFrames: number;
  /** Frames the motion gate kept from the detector so far (run.json reports the total). */
  motionSkipped?: number;
}

const LOCK = ".smw-lock";
const CHECKPOINT = "checkpoint.json";
const MOTION = "motion-grid.f64";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the output folder for this process; returns the release function. */
export function lockRun(out: string): () => void {
  const file = join(out, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }), { flag: "wx" });
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let holder: { pid?: number; since?: string } = {};
      try {
        holder = JSON.parse(readFileSync(file, "utf8"));
      } catch {}
      if (holder.pid && holder.pid !== process.pid && alive(holder.pid)) {
        throw new UserError(`${out}: another smw analyze (pid ${holder.pid}, since ${holder.since}) is writing there; wait for it to finish or choose another --out`);
      }
      rmSync(file, { force: true }); // left by a run that was killed
    }
  }
  throw new UserError(`${out}: could not take the run lock ${file}; remove it if no smw analyze is running`);
}

export function runIdentity(videoPath: string, settings: Record<string, unknown>): string {
  const st = statSync(videoPath);
  return JSON.stringify({ video: videoPath, size: st.size, mtimeMs: Math.round(st.mtimeMs), ...settings });
}

export function readCheckpoint(partsDir: string): Checkpoint | undefined {
  const file = join(partsDir, CHECKPOINT);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Checkpoint;
  } catch {
    return undefined;
  }
}

/** Motion grid first, then the checkpoint that points at it, each renamed into place atomically. */
export function writeCheckpoint(partsDir: string, cp: Checkpoint, grid: Float64Array): void {
  const gridFile = join(partsDir, MOTION);
  writeFileSync(`${gridFile}.tmp`, new Uint8Array(grid.buffer, grid.byteOffset, grid.byteLength));
  renameSync(`${gridFile}.tmp`, gridFile);
  const file = join(partsDir, CHECKPOINT);
  writeFileSync(`${file}.tmp`, JSON.stringify(cp));
  renameSync(`${file}.tmp`, file);
}

export function readMotionGrid(partsDir: string, into: Float64Array): void {
  const buf = readFileSync(join(partsDir, MOTION));
  if (buf.byteLength !== into.byteLength) throw new Error(`checkpointed motion grid has ${buf.byteLength} bytes, expected ${into.byteLength}`);
  into.set(new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)));
}
