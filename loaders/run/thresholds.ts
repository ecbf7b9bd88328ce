// The four score thresholds of a run (see Thresholds in contract.ts), derived in one place from
// what the user chose: the pipeline analyses with them, and old run.json files get them back.
import type { Thresholds } from "./contract.ts";

/** Lowest detection score ByteTrack's second association stage looks at. */
export const BYTETRACK_LOW_SCORE = 0.2;

/**
 * Tracking threshold without a calibration. Lower than the detector's own 0.45 because tracks
 * are confirmed offline (a person needs one box 0.2 above it, see pipeline/track-stage.ts):
 * partly hidden people in a group score 0.3-0.45 for most of their visit.
 */
export const TRACKING_SCORE = 0.4;

/**
 * Where a calibration exists, tracking uses its threshold too, so tracks and counts see the same
 * people (on the mall clip tracking at 0.45 followed 8 of the 30 people the count saw). ByteTrack's
 * second stage needs the low-score boxes a detection threshold would drop, so the detector decodes
 * down to its floor; detections.parquet keeps only boxes that reach the detection or the count
 * threshold.
 */
export function runThresholds(o: { detect: number; count?: number; tracker: string }): Thresholds {
  const count = o.count ?? o.detect;
  const keep = Math.min(o.detect, count);
  const decodeFloor = o.tracker === "bytetrack" ? Math.min(keep, BYTETRACK_LOW_SCORE) : keep;
  return { detect: o.detect, decodeFloor, count, keep };
}
