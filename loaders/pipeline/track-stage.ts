// The track stage: the online tracker on each frame, then offline association (tracklets linked
// into people, weak ones dropped, gaps filled: decided once nothing later can change them),
// handing each person's rows on as they settle, so what stays in memory is the people still in
// view and the last few seconds. Every tracking choice of the pipeline lives in this file; the
// values were chosen together on the TUD clips at strides 1, 3 and 5 and the mall clip at 2 fps
// (`npm run bench:mot`), one set for all footage.
import type { Point } from "../geometry/plane.ts";
import type { Thresholds } from "../run/contract.ts";
import { CENTROID_DEFAULTS, createTracker, type TrackerName } from "../track/index.ts";
import { TrackRepairer } from "../track/repair.ts";
import { TrackletIds } from "../track/tracklets.ts";
import type { Detections, Tracker, TrackRow } from "../types.ts";
import type { FrameContext, Stage } from "./stage.ts";

/** A person hidden this long keeps their id online; offline, tracklets are linked across REPAIR_GAP_SECONDS. */
export const TRACK_BUFFER_SECONDS = 3;
export const REPAIR_GAP_SECONDS = 3;
/** A track starts on a box this far above the tracking threshold... */
export const BIRTH_MARGIN = 0.1;
/** ...and a person is kept only if some box of theirs scored this far above it. */
export const CONFIRM_MARGIN = 0.2;
/** A tracklet's motion at its ends is fitted over this long (at least 3 analysed frames). */
export const VELOCITY_WINDOW_SECONDS = 0.4;
/**
 * The tracker taking a track back after missing it this long and this many analysed frames is
 * re-decided offline (TrackletIds); shorter misses are left to its motion model.
 */
export const REACQUIRE_CUT = { seconds: 0.3, frames: 5 };

export interface TrackStageOptions {
  tracker: TrackerName;
  thresholds: Thresholds;
  fps: number;
  stride: number;
  /** Source video size: tracklets that touch its border began or ended a visit there. */
  frameSize: readonly [number, number];
  /** Entrance polygons of the camera config (source pixels): also where visits begin and end. */
  entrances?: readonly (readonly Point[])[];
  /** Offline association (linking tracklets, gap interpolation). */
  repair: boolean;
  repairGapSeconds: number;
}

export class TrackStage implements Stage {
  readonly timing = "track";
  private readonly tracker: Tracker;
  private readonly repairer: TrackRepairer;
  private readonly ids: TrackletIds;
  /** Source frames after which a tracker id not seen since can be forgotten (see commit). */
  private readonly idMemory: number;
  // each analysed frame's time from the stream: repair interpolates t linearly, which is wrong
  // across a frame-rate change or a gap, so rows get their frame's real time back
  private readonly frameTimes = new Map<number, number>();
  private lastFrame = -1;

  /** `settled` receives rows as they become final (any order); `forget(frame)`: no row before `frame` comes again. */
  constructor(o: TrackStageOptions, private readonly settled: (rows: TrackRow[]) => Promise<void>, private readonly forget: (frame: number) => void) {
    const { thresholds: th, fps, stride } = o;
    // The tracker reports tentative tracks as well: offline, with the whole segment known, the
    // association below decides which are people (minPeakScore), which at 2 fps keeps the first
    // look at everyone. The buffer lets a person who moved a body width between two frames of
    // low-frame-rate footage still overlap their track.
    this.tracker = o.tracker === "bytetrack"
      ? createTracker("bytetrack", {
        fps, highThresh: th.detect, newTrackThresh: th.detect + BIRTH_MARGIN, lowThresh: th.decodeFloor, trackBufferSeconds: TRACK_BUFFER_SECONDS,
        bufferPerSecond: 0.5, emitTentative: o.repair,
      })
      : createTracker("centroid", { maxDistance: 50 * stride, minScore: th.detect });
    const gapFrames = Math.round(o.repairGapSeconds * fps);
    const trackerBuffer = o.tracker === "bytetrack" ? Math.round(TRACK_BUFFER_SECONDS * fps) : CENTROID_DEFAULTS.maxDisappeared;
    // without offline association nobody would join the pieces again: keep the tracker's ids
    const cutMissed = Math.max(REACQUIRE_CUT.frames, Math.ceil((REACQUIRE_CUT.seconds * fps) / stride));
    this.ids = new TrackletIds(stride, o.repair ? cutMissed : Infinity);
    // past this, the tracker has dropped the id or its return would be cut anyway
    this.idMemory = Math.max(trackerBuffer, (cutMissed + 1) * stride) + stride;
    this.repairer = new TrackRepairer({
      stride, fps, maxGapFrames: gapFrames,
      stitch: o.repair, interpolate: o.repair, frameSize: o.frameSize, entrances: o.entrances,
      fitMinScore: th.detect,
      minPeakScore: o.repair && o.tracker === "bytetrack" ? th.detect + CONFIRM_MARGIN : 0,
      entryCost: { edge: 0.3, interior: 1.5 }, exitCost: { edge: 0.3, interior: 1.5 }, motionTolerance: { base: 0.5, perSecond: 0.1 }, velocityWindow: Math.max(3, Math.round((VELOCITY_WINDOW_SECONDS * fps) / stride)),
      // a track the tracker still keeps (lost, not dropped) may come back: wait that long, and the gap
      settleFrames: Math.max(gapFrames, trackerBuffer) + 2 * stride,
    });
  }

  /** Tracklets handed to offline association, for run.json. */
  get tracklets(): { size: number } {
    return { size: this.ids.issued };
  }

  onFrame(f: FrameContext): void {
    // boxes that match the people-free plate start no track (posters, mannequins)
    if (f.counted) f.detections.static = f.counted.static;
    this.update(f.detections, f.frame, f.t);
  }

  /** One frame's boxes into the tracker (also how a resumed run replays the committed frames). */
  update(dets: Detections, frame: number, t: number): void {
    const tracked = this.tracker.update(dets, { frame, t });
    this.frameTimes.set(frame, t);
    this.lastFrame = frame;
    const b = tracked.boxes;
    for (let i = 0; i < tracked.count; i++) {
      const id = this.ids.id(tracked.trackIds[i], frame, (from, to) => this.repairer.tookBack(from, to));
      this.repairer.add({ frame, t, trackId: id, x1: b[4 * i], y1: b[4 * i + 1], x2: b[4 * i + 2], y2: b[4 * i + 3], score: tracked.scores[i], interpolated: false });
    }
  }

  async commit(lastFrame: number): Promise<void> {
    this.ids.forget(lastFrame - this.idMemory);
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
    await this.hand(this.repairer.finish(this.lastFrame));
  }

  private async hand(rows: TrackRow[]): Promise<void> {
    for (const r of rows) r.t = this.frameTimes.get(r.frame) ?? r.t;
    await this.settled(rows);
  }
}
