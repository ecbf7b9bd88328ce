// The four score thresholds of a run (see Thresholds in contract.ts), derived in one place from
// what the user chose: the pipeline analyses with them, and old run.json files get them back.
import type { Thresholds } from "./contract.ts";

/** Lowest detection score ByteTrack's second association stage looks at. */
export const BYTETRACK_LOW_SCORE = 0.1;

/**
 * Tracking keeps the detection threshold (tuned on the MOT benchmarks); a calibration sets only
 * the threshold people counts use, which is often lower in a crowd. ByteTrack's second stage
 * needs the low-score boxes a detection threshold would drop, so the detector decodes down to
 * its floor; detections.parquet keeps only boxes that reach the detection or the count threshold.
 */
export function runThresholds(o: { detect: number; count?: number; tracker: string }): Thresholds {
  const count = o.count ?? o.detect;
  const keep = Math.min(o.detect, count);
  const decodeFloor = o.tracker === "bytetrack" ? Math.min(keep, BYTETRACK_LOW_SCORE) : keep;
  return { detect: o.detect, decodeFloor, count, keep };
}
