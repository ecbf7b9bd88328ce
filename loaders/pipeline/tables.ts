// The write stage: detections.parquet and tracks.parquet, each with its schema beside its writer.
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { ParquetWriter, type Schema } from "../store/parquet-writer.ts";
import type { TrackRow } from "../types.ts";
import type { FrameContext, Stage } from "./stage.ts";

// `static`: the box matches the people-free plate (a mannequin, a poster); `counted`: the box is
// one of the frame's people count (count threshold, head in the counting region, not static).
export const DETECTION_SCHEMA: Schema = [
  ["frame", "INTEGER"], ["t_seconds", "DOUBLE"], ["x1", "FLOAT"], ["y1", "FLOAT"], ["x2", "FLOAT"], ["y2", "FLOAT"], ["score", "FLOAT"], ["class", "VARCHAR"],
  ["static", "BOOLEAN"], ["counted", "BOOLEAN"],
];
// `in_region`: the person's head point is in the counting region, so tracked people and counted
// people can be compared (track coverage). `class`: the model's class the track was made of
// (person unless `--classes` says otherwise).
export const TRACK_SCHEMA: Schema = [
  ["frame", "INTEGER"], ["t_seconds", "DOUBLE"], ["track_id", "INTEGER"], ["x1", "FLOAT"], ["y1", "FLOAT"], ["x2", "FLOAT"], ["y2", "FLOAT"], ["score", "FLOAT"], ["interpolated", "BOOLEAN"],
  ["in_region", "BOOLEAN"], ["class", "VARCHAR"],
];

/**
 * Every candidate box (down to the decode floor) goes to the parts, so a resumed run can replay
 * the tracker exactly; the final table keeps boxes from the `keep` threshold up.
 */
export class DetectionTable implements Stage {
  readonly timing = "write";

  private constructor(readonly writer: ParquetWriter, private readonly classNames: readonly string[], private readonly keep: number) {}

  static async open(conn: DuckDBConnection, out: string, o: { classNames: readonly string[]; keep: number; parts?: string[] }): Promise<DetectionTable> {
    const writer = await ParquetWriter.open(conn, {
      table: "detections", schema: DETECTION_SCHEMA, file: join(out, "detections.parquet"), partsDir: join(out, ".parts"),
      chunkRows: Number.MAX_SAFE_INTEGER, existingParts: o.parts, orderBy: "frame, score DESC",
    });
    return new DetectionTable(writer, o.classNames, o.keep);
  }

  onFrame({ frame, t, detections: d, counted }: FrameContext): void {
    const b = d.boxes;
    for (let i = 0; i < d.count; i++) {
      this.writer.append([frame, t, b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3], d.scores[i], this.classNames[d.classes[i]], counted?.static[i] === 1, counted?.counted[i] === 1]);
    }
  }

  commit(): Promise<void> {
    return this.writer.commit();
  }

  finish(): Promise<void> {
    return this.writer.finish((rel) => `SELECT * FROM ${rel} WHERE score >= ${this.keep}`);
  }
}

/** tracks.parquet: rows as the track stage settles them, without the tracks that are scenery. */
export class TrackTable {
  /** Every track id seen, and those left out as static scenery (run.json names how many). */
  readonly ids = new Set<number>();
  readonly staticIds = new Set<number>();
  points = 0;

  private constructor(
    private readonly writer: ParquetWriter,
    private readonly scenery: (rows: TrackRow[]) => Set<number>,
    private readonly inRegion: (r: TrackRow) => boolean,
  ) {}

  /** `scenery(rows)` names the tracks among `rows` that never move and match the plate; `inRegion(row)`: in the counting region. */
  static async open(conn: DuckDBConnection, out: string, scenery: (rows: TrackRow[]) => Set<number>, inRegion: (r: TrackRow) => boolean): Promise<TrackTable> {
    // tracks come back person by person, not in frame order: sorted once at the end
    const writer = await ParquetWriter.open(conn, {
      table: "tracks", schema: TRACK_SCHEMA, file: join(out, "tracks.parquet"), partsDir: join(out, ".parts"), orderBy: "frame, track_id", sortOnFinish: true,
    });
    return new TrackTable(writer, scenery, inRegion);
  }

  async write(rows: TrackRow[], className: string): Promise<void> {
    const scenery = this.scenery(rows);
    for (const r of rows) {
      this.ids.add(r.trackId);
      if (scenery.has(r.trackId)) {
        this.staticIds.add(r.trackId);
        continue;
      }
      this.writer.append([r.frame, r.t, r.trackId, r.x1, r.y1, r.x2, r.y2, r.score, r.interpolated, this.inRegion(r), className]);
      this.points++;
      if (this.writer.chunkFull) await this.writer.commit();
    }
  }

  finish(): Promise<void> {
    return this.writer.finish();
  }

  /** People tracked: every id but the scenery. */
  get people(): number {
    return this.ids.size - this.staticIds.size;
  }
}
