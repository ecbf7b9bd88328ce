// The track stage: the online tracker on each frame, then offline repair (gap fills and joins,
// decided once nothing later can change them), handing each person's rows on as they settle, so
// what stays in memory is the people still in view and the last few seconds. Every tracking
// choice of the pipeline lives in this file.
import type { Thresholds } from "../run/contract.ts";
import { CENTROID_DEFAULTS, createTracker, type TrackerName } from "../track/index.ts";
import { TrackRepairer } from "../track/repair.ts";
import type { Detections, Tracker, TrackRow } from "../types.ts";
import type { FrameContext, Stage } from "./stage.ts";

// One set of tracking defaults for all footage (chosen on both TUD sequences together, see
// `npm run bench:mot`): a person hidden for up to 2 s keeps their id, online or by repair.
export const TRACK_BUFFER_SECONDS = 2;
export const REPAIR_GAP_SECONDS = 2;

export interface TrackStageOptions {
  tracker: TrackerName;
  thresholds: Thresholds;
  fps: number;
  stride: number;
  /** Offline repair (gap interpolation and fragment stitching). */
  repair: boolean;
  repairGapSeconds: number;
}

export class TrackStage implements Stage {
  readonly timing = "track";
  private readonly tracker: Tracker;
  private readonly repairer: TrackRepairer;
  // each analysed frame's time from the stream: repair interpolates t linearly, which is wrong
  // across a frame-rate change or a gap, so rows get their frame's real time back
  private readonly frameTimes = new Map<number, number>();

  /** `settled` receives rows as they become final (any order); `forget(frame)`: no row before `frame` comes again. */
  constructor(o: TrackStageOptions, private readonly settled: (rows: TrackRow[]) => Promise<void>, private readonly forget: (frame: number) => void) {
    const { thresholds: th, fps, stride } = o;
    // Both trackers count time in source frames, so ByteTrack gets the source frame rate; the
    // centroid tracker's distance gate is per update, so it grows with the stride.
    this.tracker = o.tracker === "bytetrack"
      ? createTracker("bytetrack", { fps, highThresh: th.detect, lowThresh: th.decodeFloor, trackBufferSeconds: TRACK_BUFFER_SECONDS })
      : createTracker("centroid", { maxDistance: 50 * stride, minScore: th.detect });
    const gapFrames = Math.round(o.repairGapSeconds * fps);
    const trackerBuffer = o.tracker === "bytetrack" ? Math.round(TRACK_BUFFER_SECONDS * fps) : CENTROID_DEFAULTS.maxDisappeared;
    this.repairer = new TrackRepairer({
      stride, maxGapFrames: gapFrames, stitch: o.repair, interpolate: o.repair,
      // a track the tracker still keeps (lost, not dropped) may come back: wait that long, and the gap
      settleFrames: Math.max(gapFrames, trackerBuffer) + 2 * stride,
    });
  }

  onFrame(f: FrameContext): void {
    this.update(f.detections, f.frame, f.t);
  }

  /** One frame's boxes into the tracker (also how a resumed run replays the committed frames). */
  update(dets: Detections, frame: number, t: number): void {
    const tracked = this.tracker.update(dets, { frame, t });
    this.frameTimes.set(frame, t);
    const b = tracked.boxes;
    for (let i = 0; i < tracked.count; i++) {
      this.repairer.add({ frame, t, trackId: tracked.trackIds[i], x1: b[4 * i], y1: b[4 * i + 1], x2: b[4 * i + 2], y2: b[4 * i + 3], score: tracked.scores[i], interpolated: false });
    }
  }

  async commit(lastFrame: number): Promise<void> {
    await this.hand(this.repairer.drain(lastFrame));
    // nothing handed back later reaches before the oldest fragment still held
    const oldest = this.repairer.oldestFrame;
    for (const f of this.frameTimes.keys()) {
      if (f >= oldest) break; // frames arrive in order
      this.frameTimes.delete(f);
    }
    this.forget(oldest);
  }

  async finish(): Promise<void> {
    await this.hand(this.repairer.finish());
  }

  private async hand(rows: TrackRow[]): Promise<void> {
    for (const r of rows) r.t = this.frameTimes.get(r.frame) ?? r.t;
    await this.settled(rows);
  }
}
