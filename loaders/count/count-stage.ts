// The pipeline's hook for counting: one object per run that, frame by frame, flags static
// boxes (StaticFilter), counts the boxes that count (score, region, not static) and keeps the
// frame's foreground share; at the end it applies the camera's count model and smoothing, and
// names the static tracks. loaders/pipeline/counting-stage.ts wires it into the pipeline (see README.md here).
import type { Detections, TrackRow } from "../types.ts";
import { countBoxes, MovingAverage, predictCount, UNCALIBRATED, type CountCalibration, type CountModel, type ResidualStats } from "./model.ts";
import { headPoint, roiContains, type RoiMask } from "./roi.ts";
import { StaticFilter, type FrameEvidence, type StaticSummary } from "./static-filter.ts";

export interface CountStageOptions {
  /** Model input size (the pixels given to update). */
  inputSize: [number, number];
  sourceWidth: number;
  sourceHeight: number;
  /** Plate luma at the motion grid (input size / 2), as built for the MotionAccumulator. */
  plateGray: Float32Array;
  /** The camera's calibration, if it has one. */
  calibration?: CountCalibration;
  /** Counting region (default: whole picture), and where its mask file is (for run.json). */
  roi?: RoiMask;
  roiPath?: string;
  /** Score threshold for counting without calibration (the run's detection threshold). */
  scoreThreshold?: number;
  /** Suppress static boxes without calibration too (default true). */
  suppressStatic?: boolean;
}

/** A frame's evidence and count; `static` and `counted` (1 per box, in detection order) are valid until the next update. */
export type CountedFrame = FrameEvidence & { boxes: number; counted: Uint8Array };

/** One row of counts.parquet. */
export interface CountRow {
  frame: number;
  t: number;
  /** Boxes that count in this frame. */
  boxes: number;
  /** Share of the counting region that differs from the plate. */
  foreground: number;
  /** People in the frame: the count model applied, smoothed over time. */
  estimate: number;
}

/** What run.json should say about counting (its score threshold is run.json's `thresholds.count`). */
export interface CountingSummary {
  calibrated: boolean;
  suppressStatic: boolean;
  smoothSeconds: number;
  model: CountModel;
  /** Per-frame held-out error of the calibration (absent without calibration: no interval then). */
  residuals?: ResidualStats;
  /** Absolute path of the counting region mask. */
  roi?: string;
  static: Omit<StaticSummary, "staticTrackIds"> & { staticTrackIds: number[] };
}

export class CountStage {
  readonly filter: StaticFilter;
  readonly scoreThreshold: number;
  readonly suppressStatic: boolean;
  readonly smoothSeconds: number;
  readonly model: CountModel;
  /** Frames counted but not yet handed back (their smoothing window is still open). */
  private readonly pending: { frame: number; t: number; boxes: number; foreground: number }[] = [];
  private readonly smoother: MovingAverage;
  private countedFlags = new Uint8Array(64);

  constructor(private readonly o: CountStageOptions) {
    const [iw, ih] = o.inputSize;
    const cal = o.calibration;
    this.scoreThreshold = cal?.scoreThreshold ?? o.scoreThreshold ?? UNCALIBRATED.scoreThreshold;
    this.suppressStatic = cal?.suppressStatic ?? o.suppressStatic ?? true;
    this.smoothSeconds = cal?.smoothSeconds ?? UNCALIBRATED.smoothSeconds;
    this.model = cal?.model ?? UNCALIBRATED.model;
    this.smoother = new MovingAverage(this.smoothSeconds);
    this.filter = new StaticFilter({ frameWidth: iw, frameHeight: ih, sourceWidth: o.sourceWidth, sourceHeight: o.sourceHeight, plateGray: o.plateGray, roi: o.roi, scoreThreshold: this.scoreThreshold });
  }

  /** True when a person with this box is in the counting region (their head point is). */
  inRegion(x1: number, y1: number, x2: number, y2: number): boolean {
    const [x, y] = headPoint([x1, y1, x2, y2], 0);
    return roiContains(this.o.roi, x, y, this.o.sourceWidth, this.o.sourceHeight);
  }

  /**
   * One analysed frame: `pixels` are the detector's input (BGR at the input size), `dets` every
   * candidate box. Returns the frame's evidence; `static` (1 per static box, in `dets` order) is
   * valid until the next call.
   */
  update(frame: number, t: number, pixels: Uint8Array, dets: Detections): CountedFrame {
    return this.tally(frame, t, this.filter.update(frame, pixels, "BGR", dets), dets);
  }

  /** Same as `update` for a frame already in luma at the grid size (the motion stage's `gray`: no second conversion). */
  updateGray(frame: number, t: number, gray: Float32Array, dets: Detections): CountedFrame {
    return this.tally(frame, t, this.filter.evaluate(frame, gray, dets), dets);
  }

  private tally(frame: number, t: number, ev: FrameEvidence, dets: Detections): CountedFrame {
    if (this.countedFlags.length < dets.count) this.countedFlags = new Uint8Array(2 * dets.count);
    const counted = this.countedFlags.subarray(0, dets.count);
    const boxes = countBoxes(dets, {
      scoreThreshold: this.scoreThreshold, roi: this.o.roi, videoWidth: this.o.sourceWidth, videoHeight: this.o.sourceHeight,
      staticFlags: this.suppressStatic ? ev.static : undefined,
    }, counted);
    this.push({ frame, t, boxes, foreground: ev.sceneForeground });
    return { ...ev, boxes, counted };
  }

  /**
   * Re-adds a frame counted before an interruption (resume), from its stored counts row and the
   * boxes flagged static in it (detections.parquet's `static` column), so the track rule sees them.
   */
  restore(row: { frame: number; t: number; boxes: number; foreground: number }, staticBoxes?: ArrayLike<number>): void {
    this.push({ frame: row.frame, t: row.t, boxes: row.boxes, foreground: row.foreground });
    if (staticBoxes) this.filter.restoreStatic(row.frame, staticBoxes);
  }

  private push(row: { frame: number; t: number; boxes: number; foreground: number }): void {
    this.pending.push(row);
    this.smoother.push(row.t, predictCount(this.model, { detections: row.boxes, foreground: row.foreground }));
  }

  /**
   * Per-frame counts (model applied, then smoothed) whose smoothing window has passed, in frame
   * order; `all` at the end of the video. Frames arrive in order, so nothing is held longer
   * than the smoothing needs.
   */
  counts(all = false): CountRow[] {
    const est = all ? this.smoother.flush() : this.smoother.take();
    return this.pending.splice(0, est.length).map((r, i) => ({ ...r, estimate: est[i] }));
  }

  /** Static track ids under the track rule (call after tracking and repair). */
  staticTracks(trackRows: TrackRow[]): Set<number> {
    return this.filter.staticTracks(trackRows);
  }

  /** Frames before `frame` no track handed back later can reach: their static boxes can go. */
  forget(frame: number): void {
    this.filter.forget(frame);
  }

  /** `tracks`: tracks seen (static ones included) and the static ones among them. */
  summary(tracks: { total: number; staticIds: Iterable<number> } = { total: 0, staticIds: [] }): CountingSummary {
    return {
      calibrated: !!this.o.calibration,
      suppressStatic: this.suppressStatic,
      smoothSeconds: this.smoothSeconds,
      model: this.model,
      residuals: this.o.calibration?.residuals,
      roi: this.o.roiPath,
      static: this.filter.summary(tracks.total, tracks.staticIds),
    };
  }
}
