// `smw queue status`: what has been done for which store, camera and day, read from BullMQ's own
// job states, and how fast the workers go (frames/s summed over the jobs running now, ETA).
import type { Job } from "bullmq";
import type { SegmentJobData, SegmentJobProgress, SegmentJobResult } from "./jobs.ts";
import type { SegmentQueue } from "./queue.ts";

type SegmentJob = Job<SegmentJobData, SegmentJobResult>;

export interface StatusRow {
  store: string;
  camera: string;
  date: string;
  waiting: number;
  active: number;
  /** Finished, partial results included (they are done with a warning). */
  done: number;
  partial: number;
  failed: number;
}

export interface QueueStatus {
  rows: StatusRow[];
  active: { id: string; path: string; worker: string | null; percent: number; fps: number }[];
  failed: { id: string; path: string; error: string; attempts: number }[];
  partial: { id: string; path: string; warning: string }[];
  totals: { waiting: number; active: number; done: number; failed: number };
  /** Workers connected to the queue now. */
  workers: number;
  /** Frames/s summed over running jobs; frames still to analyse; seconds left at that rate (null: nothing running). */
  throughput: { fps: number; framesLeft: number; etaSeconds: number | null };
}

const WAITING = ["waiting", "prioritized", "delayed", "waiting-children"] as const;

export async function queueStatus(queue: SegmentQueue): Promise<QueueStatus> {
  const [waiting, active, completed, failed, workers] = await Promise.all([
    queue.getJobs([...WAITING]), queue.getJobs(["active"]), queue.getJobs(["completed"]), queue.getJobs(["failed"]), queue.getWorkers(),
  ]);
  const rows = new Map<string, StatusRow>();
  const row = (j: SegmentJob) => {
    const { store, camera, date } = j.data;
    const key = `${store}\u0000${camera}\u0000${date}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { store, camera, date, waiting: 0, active: 0, done: 0, partial: 0, failed: 0 }));
    return r;
  };
  const live = (list: SegmentJob[]) => list.filter((j): j is SegmentJob => Boolean(j?.data));
  for (const j of live(waiting)) row(j).waiting++;
  for (const j of live(active)) row(j).active++;
  for (const j of live(completed)) {
    row(j).done++;
    if (j.returnvalue?.status === "partial") row(j).partial++;
  }
  for (const j of live(failed)) row(j).failed++;

  let fps = 0;
  let framesLeft = 0;
  const running = live(active).map((j) => {
    const p = progressOf(j);
    fps += p?.fps ?? 0;
    framesLeft += Math.max(0, (p?.framesTotal ?? j.data.frames ?? 0) - (p?.framesDone ?? 0));
    return {
      id: j.id!, path: j.data.path, worker: j.processedBy ?? null,
      percent: p && p.framesTotal > 0 ? (100 * p.framesDone) / p.framesTotal : 0, fps: p?.fps ?? 0,
    };
  });
  for (const j of live(waiting)) framesLeft += j.data.frames ?? 0;
  const sorted = [...rows.values()].sort((a, b) => a.store.localeCompare(b.store) || a.camera.localeCompare(b.camera) || a.date.localeCompare(b.date));
  const sum = (k: "waiting" | "active" | "done" | "failed") => sorted.reduce((s, r) => s + r[k], 0);
  return {
    rows: sorted,
    active: running,
    failed: live(failed).map((j) => ({ id: j.id!, path: j.data.path, error: j.failedReason.split("\n")[0], attempts: j.attemptsMade })),
    partial: live(completed).filter((j) => j.returnvalue?.warning).map((j) => ({ id: j.id!, path: j.data.path, warning: j.returnvalue.warning! })),
    totals: { waiting: sum("waiting"), active: sum("active"), done: sum("done"), failed: sum("failed") },
    workers: workers.length,
    throughput: { fps, framesLeft, etaSeconds: fps > 0 ? framesLeft / fps : null },
  };
}

function progressOf(j: SegmentJob): SegmentJobProgress | undefined {
  const p = j.progress as unknown;
  return p && typeof p === "object" && "framesDone" in p ? (p as SegmentJobProgress) : undefined;
}

function pad(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd());
}

function eta(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function formatStatus(s: QueueStatus): string {
  if (s.rows.length === 0) return `queue empty (${s.workers} worker${s.workers === 1 ? "" : "s"} connected); add segments with smw queue add`;
  const lines = pad([
    ["store", "camera", "date", "waiting", "active", "done", "failed"],
    ...s.rows.map((r) => [r.store, r.camera, r.date, String(r.waiting), String(r.active), r.partial ? `${r.done} (${r.partial} partial)` : String(r.done), String(r.failed)]),
    ["total", "", "", String(s.totals.waiting), String(s.totals.active), String(s.totals.done), String(s.totals.failed)],
  ]);
  for (const a of s.active) lines.push(`active  ${a.path}  on ${a.worker ?? "?"}  ${a.percent.toFixed(0)}%  ${a.fps.toFixed(1)} frames/s`);
  for (const p of s.partial) lines.push(`partial ${p.path}: ${p.warning}`);
  for (const f of s.failed) lines.push(`failed  ${f.path}: ${f.error}`);
  const t = s.throughput;
  const left = `${t.framesLeft.toLocaleString("en-US")} frames left`;
  const starting = s.active.length ? `${s.active.length} segment${s.active.length === 1 ? "" : "s"} starting` : "none analysing";
  lines.push(t.etaSeconds === null
    ? `${s.workers} worker${s.workers === 1 ? "" : "s"} connected, ${starting}; ${left}`
    : `${t.fps.toFixed(1)} frames/s over ${s.workers} worker${s.workers === 1 ? "" : "s"}; ${left}, ETA ${eta(t.etaSeconds)}`);
  return lines.join("\n");
}
