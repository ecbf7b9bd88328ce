// Resuming an interrupted run: the stages get back the state the committed chunks stand for (the
// motion grid, the count stage's frames with their static boxes, the tracker fed every committed
// box again frame by frame), so the finished tables equal those of a run never interrupted.
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Detections } from "../types.ts";
import { readMotionGrid, type Checkpoint } from "./checkpoint.ts";
import type { CountingStage } from "./counting-stage.ts";
import type { MotionStage } from "./motion-stage.ts";
import type { DetectionTable } from "./tables.ts";
import type { ClassTrackStages } from "./class-tracks.ts";

export interface ReplayStages {
  motion: MotionStage;
  counting: CountingStage;
  track: ClassTrackStages;
  detections: DetectionTable;
}

export async function replay(
  conn: DuckDBConnection,
  partsDir: string,
  cp: Checkpoint,
  s: ReplayStages,
  o: { classNames: readonly string[]; stride: number; fps: number },
): Promise<void> {
  readMotionGrid(partsDir, s.motion.motion.grid);
  s.motion.motion.frames = cp.motionFrames;
  const detections = await s.detections.writer.relation();
  // the count stage first: the static-track rule needs the static boxes of the replayed frames
  await restoreCounts(conn, await s.counting.raw.relation(), detections, s.counting);
  await replayTracker(conn, detections, o.classNames, s.track, { stride: o.stride, lastFrame: cp.lastFrame, fps: o.fps });
  await s.track.commit(cp.lastFrame);
}

/** Gives the count stage back the frames committed before an interruption, with each frame's static boxes. */
async function restoreCounts(conn: DuckDBConnection, countRel: string, detRel: string, counting: CountingStage): Promise<void> {
  const rows = (await conn.runAndReadAll(`SELECT frame, t_seconds, boxes, foreground FROM ${countRel} ORDER BY frame`)).getRowObjectsJS() as { frame: number; t_seconds: number; boxes: number; foreground: number }[];
  const st = (await conn.runAndReadAll(`SELECT frame, list([x1, y1, x2, y2] ORDER BY score DESC) AS b FROM ${detRel} WHERE static GROUP BY frame`)).getRowObjectsJS() as { frame: number; b: number[][] }[];
  const byFrame = new Map(st.map((r) => [r.frame, r.b.flat()]));
  for (const r of rows) counting.counter.restore({ frame: r.frame, t: r.t_seconds, boxes: r.boxes, foreground: r.foreground }, byFrame.get(r.frame));
}

/** Feeds the committed candidate boxes back through a fresh tracker, frame by frame, as the interrupted run did. */
async function replayTracker(
  conn: DuckDBConnection,
  relation: string,
  classNames: readonly string[],
  track: ClassTrackStages,
  o: { stride: number; lastFrame: number; fps: number },
): Promise<void> {
  const reader = await conn.runAndReadAll(`SELECT frame, t_seconds, x1, y1, x2, y2, score, "class" AS cls, static FROM ${relation} ORDER BY frame, score DESC`);
  const rows = reader.getRowObjectsJS() as { frame: number; t_seconds: number; x1: number; y1: number; x2: number; y2: number; score: number; cls: string; static: boolean }[];
  let r = 0;
  for (let frame = 0; frame <= o.lastFrame; frame += o.stride) {
    const from = r;
    while (r < rows.length && rows[r].frame === frame) r++;
    const n = r - from;
    const det: Detections = { count: n, boxes: new Float32Array(4 * n), scores: new Float32Array(n), classes: new Int32Array(n), static: new Uint8Array(n) };
    for (let i = 0; i < n; i++) {
      const row = rows[from + i];
      det.boxes.set([row.x1, row.y1, row.x2, row.y2], 4 * i);
      det.scores[i] = row.score;
      det.classes[i] = classNames.indexOf(row.cls);
      det.static![i] = row.static ? 1 : 0;
    }
    // the time the interrupted run stored with the frame's boxes; frame / fps for frames without any
    const t = n > 0 ? rows[from].t_seconds : frame / o.fps;
    track.update(det, frame, t);
  }
}
