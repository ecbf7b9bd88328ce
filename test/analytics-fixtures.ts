// Run directories for analytics tests: tracks.parquet + a minimal run.json from plain rows.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { TrackRow } from "../loaders/types.ts";

export interface VideoShape { fps: number; width?: number; height?: number; frames: number; stride?: number; path?: string }

export async function writeRun(dir: string, rows: readonly TrackRow[], video: VideoShape): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const stride = video.stride ?? 1;
  writeFileSync(join(dir, "run.json"), JSON.stringify({
    version: 1,
    video: { path: video.path ?? join(dir, "video.mp4"), width: video.width ?? 640, height: video.height ?? 480, fps: video.fps, frameCount: video.frames, duration: video.frames / video.fps },
    options: { stride },
    framesAnalysed: Math.ceil(video.frames / stride),
  }));
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run(`CREATE TABLE tracks (frame INTEGER, t_seconds DOUBLE, track_id INTEGER, x1 FLOAT, y1 FLOAT, x2 FLOAT, y2 FLOAT, score FLOAT, interpolated BOOLEAN)`);
  const app = await conn.createAppender("tracks");
  for (const r of rows) {
    app.appendInteger(r.frame); app.appendDouble(r.t); app.appendInteger(r.trackId);
    app.appendFloat(r.x1); app.appendFloat(r.y1); app.appendFloat(r.x2); app.appendFloat(r.y2);
    app.appendFloat(r.score); app.appendBoolean(r.interpolated);
    app.endRow();
  }
  app.closeSync();
  await conn.run(`COPY (SELECT * FROM tracks ORDER BY frame, track_id) TO '${join(dir, "tracks.parquet")}' (FORMAT parquet)`);
  conn.closeSync();
  db.closeSync();
  return dir;
}

/** A track standing or walking through foot points, one per analysed frame from `firstFrame`. */
export function trackRows(trackId: number, feet: readonly [number, number][], fps: number, firstFrame = 0, stride = 1): TrackRow[] {
  return feet.map(([x, y], i) => {
    const frame = firstFrame + i * stride;
    return { frame, t: frame / fps, trackId, x1: x - 15, y1: y - 80, x2: x + 15, y2: y, score: 0.9, interpolated: false };
  });
}
