// Ground truth on disk, in forms the project's own tools read:
//  - <segment>.gt.txt beside each video: MOT text for `smw eval --gt`;
//  - truth/<segment>/: a run folder (run.json, tracks.parquet of the true boxes, counts.parquet of
//    true people per frame, camera.json), so `smw report`, Compare and the analytics engine give
//    the true figures with exactly the definitions they apply to measured runs;
//  - truth/*.parquet: crossings, zone visits, per-frame counts and queue waits of all segments.
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from "@duckdb/node-api";
import type { SegmentTruth, TruthRow } from "./truth.ts";

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

export interface SegmentMeta {
  name: string;
  video: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** Wall-clock instant of the first frame. */
  start: Date;
}

type Cell = number | string | boolean | null;

export class TruthWriter {
  private constructor(private readonly db: DuckDBInstance, private readonly conn: DuckDBConnection) {}

  static async open(): Promise<TruthWriter> {
    const db = await DuckDBInstance.create(":memory:");
    return new TruthWriter(db, await db.connect());
  }

  /** Rows into a fresh table, then out as Parquet under a temporary name renamed into place. */
  private async table(file: string, columns: string, rows: Iterable<Cell[]>): Promise<void> {
    await this.conn.run(`CREATE OR REPLACE TABLE t (${columns})`);
    const app: DuckDBAppender = await this.conn.createAppender("t");
    const types = columns.split(",").map((c) => c.trim().split(/\s+/)[1]);
    for (const row of rows) {
      row.forEach((v, i) => {
        if (v === null) app.appendNull();
        else if (types[i] === "VARCHAR") app.appendVarchar(String(v));
        else if (types[i] === "BOOLEAN") app.appendBoolean(Boolean(v));
        else if (types[i] === "INTEGER") app.appendInteger(Number(v));
        else if (types[i] === "FLOAT") app.appendFloat(Number(v));
        else app.appendDouble(Number(v));
      });
      app.endRow();
    }
    app.closeSync();
    await this.conn.run(`COPY t TO ${q(`${file}.tmp`)} (FORMAT parquet)`);
    renameSync(`${file}.tmp`, file);
  }

  /** truth/<segment>/ as a run folder of the true boxes. */
  async segmentRun(dir: string, seg: SegmentMeta, rows: readonly TruthRow[], truth: SegmentTruth, cameraJson: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const dt = 1 / seg.fps;
    await this.table(join(dir, "tracks.parquet"),
      "frame INTEGER, t_seconds DOUBLE, track_id INTEGER, x1 FLOAT, y1 FLOAT, x2 FLOAT, y2 FLOAT, score FLOAT, interpolated BOOLEAN",
      [...rows].sort((a, b) => a.frame - b.frame || a.id - b.id).map((r) => [r.frame, r.frame * dt, r.id, r.x1, r.y1, r.x2, r.y2, 1, false]));
    await this.table(join(dir, "counts.parquet"), "frame INTEGER, t_seconds DOUBLE, boxes INTEGER, foreground FLOAT, estimate FLOAT",
      Array.from(truth.people, (n, f) => [f, f * dt, n, 0, n]));
    copyFileSync(cameraJson, join(dir, "camera.json"));
    const run = {
      version: 1,
      truth: true,
      doc: "Ground truth of a segment rendered by smw simulate: tracks.parquet holds the true boxes, counts.parquet the true number of people per frame.",
      video: { path: seg.video, width: seg.width, height: seg.height, fps: seg.fps, frameCount: seg.frames, duration: seg.frames / seg.fps, codec: "h264" },
      model: { name: "ground truth" },
      options: { stride: 1, tracker: "ground truth" },
      framesAnalysed: seg.frames,
      segment: { name: seg.name, start: seg.start.toISOString() },
      counting: { calibrated: false, smoothSeconds: 0 },
      tracks: new Set(rows.map((r) => r.id)).size,
      trackPoints: rows.length,
    };
    writeFileSync(join(dir, "run.json"), `${JSON.stringify(run, null, 2)}\n`);
  }

  async tables(dir: string, t: {
    counts: Cell[][]; events: Cell[][]; visits: Cell[][]; queue: Cell[][];
  }): Promise<void> {
    mkdirSync(dir, { recursive: true });
    await this.table(join(dir, "counts.parquet"), "segment VARCHAR, frame INTEGER, t_seconds DOUBLE, ts VARCHAR, people INTEGER, customers INTEGER", t.counts);
    await this.table(join(dir, "events.parquet"), "segment VARCHAR, track_id INTEGER, frame INTEGER, t_seconds DOUBLE, ts VARCHAR, line VARCHAR, direction VARCHAR, staff BOOLEAN", t.events);
    await this.table(join(dir, "zone_visits.parquet"), "segment VARCHAR, track_id INTEGER, zone VARCHAR, kind VARCHAR, enter_t DOUBLE, exit_t DOUBLE, dwell_seconds DOUBLE, staff BOOLEAN", t.visits);
    await this.table(join(dir, "queue.parquet"), "date VARCHAR, person INTEGER, joined VARCHAR, left_line VARCHAR, service_start VARCHAR, service_end VARCHAR, wait_seconds DOUBLE, abandoned BOOLEAN, recorded BOOLEAN", t.queue);
  }

  close(): void {
    this.conn.closeSync();
    this.db.closeSync();
  }
}
