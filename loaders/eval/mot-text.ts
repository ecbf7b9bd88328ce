// MOTChallenge text files: `frame,id,left,top,width,height,conf,x,y,z` with 1-based frames.
// Rows become TrackRow (0-based frame, x1,y1,x2,y2), the same shape the tracker writes to
// Parquet, so evaluation, repair and analytics all speak one type.
//
// Ground-truth conventions (what `gt: true` does):
//  - MOT15: the 7th column is 1 on every row and columns 8-10 are world coordinates (-1 when
//    unknown): every row counts.
//  - MOT16/17/20: the 7th column is a "consider" flag and the 8th a class. Rows with flag 0 are
//    dropped (they are distractors/static people/reflections). What we do NOT do is TrackEval's
//    extra step of also deleting tracker boxes that match those ignored GT boxes, so on MOT16+
//    our FP count can be slightly higher than the official one. Class filtering is opt-in
//    (`classes`), because in MOT15 the 8th column is a world x, not a class.
// For result files (`gt: false`, the default) the 7th column is a confidence and every row is kept.

import { closeSync, existsSync, openSync, rmSync, writeSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import { UserError } from "../errors.ts";
import { sqlString } from "../store/duckdb.ts";
import type { TrackRow } from "../types.ts";

export interface MotReadOptions {
  /** Parse as ground truth: drop rows whose 7th column is 0 (MOT16+ ignore flag). Default false. */
  gt?: boolean;
  /** Keep only rows whose 8th column is one of these classes (MOT16+ GT: [1] = pedestrian). Default: no filter. */
  classes?: readonly number[];
  /** Frame rate used to set `t = frame / fps`; without it `t` is NaN (unknown). */
  fps?: number;
}

export function parseMotText(text: string, options: MotReadOptions = {}): TrackRow[] {
  const classes = options.classes ? new Set(options.classes) : null;
  const fps = options.fps;
  const rows: TrackRow[] = [];
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (line === "" || line.startsWith("#")) continue;
    // Some tools write spaces, or commas followed by spaces; accept both.
    const c = line.split(/[\s,]+/).map(Number);
    if (c.length < 6 || c.slice(0, 6).some((v) => !Number.isFinite(v))) {
      throw new Error(`MOT text line ${ln + 1}: expected at least 6 numeric columns, got "${line}"`);
    }
    const conf = c.length > 6 && Number.isFinite(c[6]) ? c[6] : 1;
    if (options.gt && conf === 0) continue;
    if (classes && !(c.length > 7 && classes.has(c[7]))) continue;
    const frame = c[0] - 1;
    rows.push({
      frame,
      t: fps ? frame / fps : NaN,
      trackId: c[1],
      x1: c[2],
      y1: c[3],
      x2: c[2] + c[4],
      y2: c[3] + c[5],
      score: conf,
      interpolated: false,
    });
  }
  return rows;
}

export async function readMotFile(path: string, options: MotReadOptions = {}): Promise<TrackRow[]> {
  return parseMotText(await readFile(path, "utf8"), options);
}

/** Two decimals are below a pixel's noise; trailing zeros are dropped to keep files diffable. */
function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** One MOTChallenge line: 1-based frame, id, left, top, width, height, confidence, world columns -1. */
export function formatMotLine(r: TrackRow): string {
  return `${r.frame + 1},${r.trackId},${num(r.x1)},${num(r.y1)},${num(r.x2 - r.x1)},${num(r.y2 - r.y1)},${num(r.score)},-1,-1,-1\n`;
}

/** MOTChallenge result text, sorted by (frame, id). */
export function formatMotText(rows: readonly TrackRow[]): string {
  const sorted = [...rows].sort((a, b) => a.frame - b.frame || a.trackId - b.trackId);
  let s = "";
  for (const r of sorted) s += formatMotLine(r);
  return s;
}

export async function writeMotFile(path: string, rows: readonly TrackRow[]): Promise<void> {
  await writeFile(path, formatMotText(rows), "utf8");
}

/** MOTChallenge text from a finished tracks table, streamed in (frame, id) order. */
export async function writeMotFromParquet(conn: DuckDBConnection, tracksFile: string, motFile: string): Promise<void> {
  const result = await conn.stream(`SELECT frame, track_id, x1, y1, x2, y2, score FROM read_parquet(${sqlString(tracksFile)}) ORDER BY frame, track_id`);
  const fd = openMotFile(motFile);
  try {
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      let text = "";
      for (const [frame, trackId, x1, y1, x2, y2, score] of chunk.getRows() as number[][]) {
        text += formatMotLine({ frame, trackId, x1, y1, x2, y2, score, t: 0, interpolated: false });
      }
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
}

/** Fails like the real write would, without emptying a MOT file an earlier run left there (this run may still fail). */
export function checkMotWritable(motFile: string): void {
  const existed = existsSync(motFile);
  closeSync(openMotFile(motFile, "a"));
  if (!existed) rmSync(motFile, { force: true });
}

function openMotFile(motFile: string, flags: "w" | "a" = "w"): number {
  try {
    return openSync(motFile, flags);
  } catch (e) {
    throw new UserError(`${motFile}: cannot write the MOT file there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose another --mot path`);
  }
}
