// The count stage in the pipeline: count/CountStage flags static boxes and counts each frame on
// the motion stage's grid; this adapter keeps its tables. counts.parquet gets a frame once its
// smoothing window has passed; the raw per-frame tallies go to scratch parts the checkpoint names,
// so a resumed run can give the count stage back the frames it had seen.
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { CountStage, type CountStageOptions } from "../count/count-stage.ts";
import { ParquetWriter, type Schema } from "../store/parquet-writer.ts";
import type { TrackRow } from "../types.ts";
import type { FrameContext, Stage } from "./stage.ts";

/** counts.parquet: people per analysed frame. */
export const COUNT_SCHEMA: Schema = [
  ["frame", "INTEGER"], ["t_seconds", "DOUBLE"], ["boxes", "INTEGER"], ["foreground", "FLOAT"], ["estimate", "FLOAT"],
];

/**
 * What the count stage commits per analysed frame, so a resumed run can restore it (the estimate
 * needs the whole run). The foreground share stays a DOUBLE here: a calibrated count model weighs
 * it, and a FLOAT round trip made a resumed run's estimates differ in the 7th digit.
 */
export const COUNT_RAW_SCHEMA: Schema = [["frame", "INTEGER"], ["t_seconds", "DOUBLE"], ["boxes", "INTEGER"], ["foreground", "DOUBLE"]];

export class CountingStage implements Stage {
  readonly timing = "count";

  private constructor(
    readonly counter: CountStage,
    private readonly counts: ParquetWriter,
    /** Scratch: the per-frame tallies, for resuming. */
    readonly raw: ParquetWriter,
  ) {}

  static async open(conn: DuckDBConnection, out: string, o: CountStageOptions & { rawParts?: string[] }): Promise<CountingStage> {
    const partsDir = join(out, ".parts");
    const counts = await ParquetWriter.open(conn, { table: "counts", schema: COUNT_SCHEMA, file: join(out, "counts.parquet"), partsDir, orderBy: "frame" });
    const raw = await ParquetWriter.open(conn, {
      table: "counts_raw", schema: COUNT_RAW_SCHEMA, file: join(partsDir, "counts-raw.parquet"), partsDir,
      chunkRows: Number.MAX_SAFE_INTEGER, existingParts: o.rawParts,
    });
    return new CountingStage(new CountStage(o), counts, raw);
  }

  onFrame(f: FrameContext): void {
    const c = this.counter.updateGray(f.frame, f.t, f.gray!, f.detections);
    f.counted = c;
    this.raw.append([f.frame, f.t, c.boxes, c.sceneForeground]);
  }

  async commit(): Promise<void> {
    await this.raw.commit();
    this.emit(false);
  }

  async finish(): Promise<void> {
    this.emit(true);
    await this.counts.finish();
    this.raw.discard();
  }

  /** Frames whose smoothing window has passed (all of them at the end) into counts.parquet. */
  private emit(all: boolean): void {
    for (const c of this.counter.counts(all)) this.counts.append([c.frame, c.t, c.boxes, c.foreground, c.estimate]);
  }

  /** Tracks that never move and match the plate: scenery, not people (call before `forget`). */
  staticTracks(rows: TrackRow[]): Set<number> {
    return this.counter.staticTracks(rows);
  }

  forget(frame: number): void {
    this.counter.forget(frame);
  }
}
