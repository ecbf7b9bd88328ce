// The motion stage: the people-free background plate (built before the first frame: motion and
// the count stage's static test compare every frame with it), and the motion heatmap summed over
// every analysed frame. Writes background.png at once, motion.parquet and motion_heatmap.png at
// the end.
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { roiGrid, type RoiMask } from "../count/roi.ts";
import { UserError } from "../errors.ts";
import { plateSize, temporalMedian } from "../scene/background.ts";
import { heatmapOverPlate } from "../scene/heatmap-image.ts";
import { MotionAccumulator, resampleGray, toGray } from "../scene/motion.ts";
import { ParquetWriter, type Schema } from "../store/parquet-writer.ts";
import { writeRgbPng } from "../store/png.ts";
import type { VideoInfo } from "../video/probe.ts";
import { framesAtTimes } from "../video/frames.ts";
import { sampleFrames, sampleTimes } from "../video/sample-frames.ts";
import type { FrameContext, Stage } from "./stage.ts";

/** The motion grid is the model input downsampled by this (192x144 for 4:3): 4x cheaper, plenty for a heatmap. */
export const MOTION_GRID_FACTOR = 2;

/**
 * Up to this many frames per plate sample, one decoding pass over the video is cheaper than a seek
 * per sample: a seek decodes from the keyframe before its time (keyframes 2-10 s apart in CCTV
 * recordings: 20-250 frames) in a process of its own. Longer videos (an hour's segment) seek.
 */
export const ONE_PASS_FRAMES_PER_SAMPLE = 60;

export const MOTION_SCHEMA: Schema = [["x", "INTEGER"], ["y", "INTEGER"], ["value", "DOUBLE"]];

export class MotionStage implements Stage {
  readonly timing = "motion";
  readonly motion: MotionAccumulator;

  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly out: string,
    /** The plate at source size (capped, see plateSize), RGB. */
    readonly plate: { pixels: Uint8Array; width: number; height: number; samples: number },
    /** Plate luma on the motion grid: what every frame is compared with. */
    readonly plateGray: Float32Array,
    inputSize: [number, number],
    region: Uint8Array,
  ) {
    this.motion = new MotionAccumulator(inputSize[0], inputSize[1], plateGray, { factor: MOTION_GRID_FACTOR, region });
  }

  /** Samples are spread over the video deterministically (sample-frames.ts), so a resumed run rebuilds the same plate. */
  static async create(conn: DuckDBConnection, out: string, video: VideoInfo, inputSize: [number, number], samples = 25, roi?: RoiMask): Promise<MotionStage> {
    const [pw, ph] = plateSize(video.width, video.height);
    const count = Math.min(samples, video.frameCount);
    const short = video.frameCount <= ONE_PASS_FRAMES_PER_SAMPLE * count;
    const once = short ? await framesAtTimes(video.path, sampleTimes(video.duration, count), pw, ph) : undefined;
    const sampled = once ? { frames: once } : await sampleFrames(video.path, video.duration, { count, width: pw, height: ph });
    if (sampled.frames.length === 0) throw new UserError(`${video.path}: no frame could be decoded; check the file plays, or re-encode it with ffmpeg`);
    const plate = temporalMedian(sampled.frames);
    const [gw, gh] = [Math.floor(inputSize[0] / MOTION_GRID_FACTOR), Math.floor(inputSize[1] / MOTION_GRID_FACTOR)];
    const plateGray = resampleGray(toGray(plate, "RGB", new Float32Array(pw * ph)), pw, ph, gw, gh);
    writeRgbPng(join(out, "background.png"), plate, pw, ph);
    return new MotionStage(conn, out, { pixels: plate, width: pw, height: ph, samples: sampled.frames.length }, plateGray, inputSize, roiGrid(roi, gw, gh));
  }

  /** The whole motion step on a frame that still has its pixels (the pipeline splits it: lookahead.ts). */
  onFrame(f: FrameContext): void {
    this.motion.add(f.pixels!, "BGR");
    f.gray = this.motion.gray;
    f.changed = this.motion.changed;
  }

  async commit(): Promise<void> {}

  async finish(): Promise<void> {
    const { grid, width, height } = this.motion;
    const w = await ParquetWriter.open(this.conn, {
      table: "motion", schema: MOTION_SCHEMA, file: join(this.out, "motion.parquet"), partsDir: join(this.out, ".parts"),
      chunkRows: Number.MAX_SAFE_INTEGER, orderBy: "y, x",
    });
    for (let p = 0; p < grid.length; p++) w.append([p % width, Math.floor(p / width), grid[p]]);
    await w.finish();
    const { pixels, width: pw, height: ph } = this.plate;
    writeRgbPng(join(this.out, "motion_heatmap.png"), heatmapOverPlate(grid, width, height, pixels, pw, ph), pw, ph);
  }
}
