// The one currency that flows through the pipeline: columnar typed arrays per frame
// (boxes as x1,y1,x2,y2 quadruples in source-video pixels), never arrays of objects.

/** Detections of one frame. `boxes` has 4 * count entries. */
export interface Detections {
  count: number;
  boxes: Float32Array;
  scores: Float32Array;
  /** Class index into the model manifest's `classes`. */
  classes: Int32Array;
  /** 1 where the box matches the people-free plate (a poster, a mannequin): trackers start no track on it. */
  static?: Uint8Array;
}

/** Tracker output for one frame: the boxes of tracks that are confirmed and seen/predicted this frame. */
export interface TrackedBoxes {
  count: number;
  boxes: Float32Array;
  scores: Float32Array;
  trackIds: Int32Array;
}

/** Where a frame sits in the source video. */
export interface FrameInfo {
  /** 0-based index of the frame in the source video (MOT text adds 1). */
  frame: number;
  /** Presentation time in seconds from the start of the video. */
  t: number;
}

/** Every tracker (centroid, ByteTrack, ...) implements this one-method interface. */
export interface Tracker {
  readonly name: string;
  update(detections: Detections, info: FrameInfo): TrackedBoxes;
}

/** One row of tracks.parquet (also what offline repair and analytics consume). */
export interface TrackRow {
  frame: number;
  t: number;
  trackId: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  /** True for points filled in by offline repair, not observed by the detector. */
  interpolated: boolean;
}

export function emptyDetections(): Detections {
  return { count: 0, boxes: new Float32Array(0), scores: new Float32Array(0), classes: new Int32Array(0) };
}
