// What the operations (annotate, alerts, export) read from a finished run: run.json and
// tracks.parquet, streamed frame by frame out of DuckDB so memory stays flat however long
// the run. Every analysed frame is yielded, including frames where nobody was tracked (they
// have no rows in tracks.parquet but still count as "0 people in view").
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { UserError } from "../errors.ts";
import { analysedFrameRange } from "../run/contract.ts";
import { readRun } from "../run/read.ts";
import { openDuckDb, sqlString } from "../store/duckdb.ts";

export interface TrackBox {
  trackId: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  interpolated: boolean;
}

export interface FrameTracks {
  /** 0-based source frame. */
  frame: number;
  /** Seconds from the start of the video (the run's t_seconds). */
  t: number;
  boxes: TrackBox[];
}

export function tracksFile(runDir: string): string {
  const file = join(resolve(runDir), "tracks.parquet");
  if (!existsSync(file)) throw new UserError(`${runDir}: no tracks.parquet there; run \`smw analyze VIDEO --out ${runDir}\` first`);
  return file;
}

/**
 * Every analysed frame of a run with its track boxes (or its detections, track id -1), in
 * frame order, streamed in DuckDB chunks. Frames without rows get t = frame / fps (the same
 * clock the run used).
 */
export async function* frameTracks(runDir: string, opts: { conn?: DuckDBConnection; table?: "tracks" | "detections" } = {}): AsyncGenerator<FrameTracks> {
  const run = readRun(runDir);
  const table = opts.table ?? "tracks";
  const file = table === "tracks" ? tracksFile(runDir) : join(resolve(runDir), "detections.parquet");
  if (!existsSync(file)) throw new UserError(`${runDir}: no ${table}.parquet there; run \`smw analyze VIDEO --out ${runDir}\` first`);
  const columns = table === "tracks" ? "track_id, x1, y1, x2, y2, interpolated" : "-1 AS track_id, x1, y1, x2, y2, false AS interpolated";
  const { stride, last } = analysedFrameRange(run);
  const fps = run.video.fps;
  const own = opts.conn ? undefined : await openDuckDb();
  const conn = opts.conn ?? own!.conn;
  try {
    const result = await conn.stream(
      `SELECT frame, t_seconds, ${columns} FROM read_parquet(${sqlString(file)}) ORDER BY frame, track_id`,
    );
    let next = 0; // next analysed frame to emit
    let current: FrameTracks | undefined;
    const emitEmptyUpTo = function* (frame: number): Generator<FrameTracks> {
      // frames between `next` and `frame` (exclusive) had nobody tracked
      for (; next < frame; next += stride) yield { frame: next, t: next / fps, boxes: [] };
    };
    for await (const chunk of result) {
      const [frames, ts, ids, x1s, y1s, x2s, y2s, interps] = chunk.getColumns();
      for (let i = 0; i < chunk.rowCount; i++) {
        const frame = Number(frames[i]);
        if (!current || current.frame !== frame) {
          if (current) {
            yield current;
            next = current.frame + stride;
          }
          yield* emitEmptyUpTo(frame);
          current = { frame, t: Number(ts[i]), boxes: [] };
        }
        current.boxes.push({
          trackId: Number(ids[i]),
          x1: Number(x1s[i]),
          y1: Number(y1s[i]),
          x2: Number(x2s[i]),
          y2: Number(y2s[i]),
          interpolated: Boolean(interps[i]),
        });
      }
    }
    if (current) {
      yield current;
      next = current.frame + stride;
    }
    yield* emitEmptyUpTo(last + 1);
  } finally {
    own?.close();
  }
}
