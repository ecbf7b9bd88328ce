// One entry point so the pipeline picks a tracker by name from CLI/config.

import type { Tracker } from "../types.ts";
import { ByteTracker, type ByteTrackOptions } from "./bytetrack.ts";
import { CentroidTracker, type CentroidOptions } from "./centroid.ts";

export type TrackerName = "centroid" | "bytetrack";
export const TRACKER_NAMES: readonly TrackerName[] = ["centroid", "bytetrack"];

export function createTracker(name: "centroid", options?: CentroidOptions): Tracker;
export function createTracker(name: "bytetrack", options?: ByteTrackOptions): Tracker;
export function createTracker(name: TrackerName, options?: CentroidOptions | ByteTrackOptions): Tracker;
export function createTracker(name: TrackerName, options: CentroidOptions | ByteTrackOptions = {}): Tracker {
  switch (name) {
    case "centroid":
      return new CentroidTracker(options as CentroidOptions);
    case "bytetrack":
      return new ByteTracker(options as ByteTrackOptions);
    default:
      throw new Error(`unknown tracker "${String(name)}" (expected one of: ${TRACKER_NAMES.join(", ")})`);
  }
}

export { ByteTracker, BYTETRACK_DEFAULTS, type ByteTrackOptions } from "./bytetrack.ts";
export { CentroidTracker, CENTROID_DEFAULTS, type CentroidOptions } from "./centroid.ts";
export { findStitches, interpolateGaps, repairTracks, stitchIdMap, REPAIR_DEFAULTS, type RepairOptions, type Stitch } from "./repair.ts";
