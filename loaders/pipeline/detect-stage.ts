// The detect stage: the model in its own threads (detect/detector-thread.ts), decoding every box
// down to the run's decode floor (the tracker's second association looks below the detection
// threshold). Frames reach it through the read-ahead (lookahead.ts), ahead of the stages that
// take them in order.
import { DETECTOR_DEFAULTS } from "../detect/detector.ts";
import { DetectorPool } from "../detect/detector-thread.ts";
import type { ModelManifest } from "../detect/manifest.ts";
import type { Thresholds } from "../run/contract.ts";
import { emptyDetections } from "../types.ts";
import type { FrameContext } from "./stage.ts";

export function startDetector(
  manifest: ModelManifest,
  o: { inputSize: [number, number]; thresholds: Thresholds; classes?: string[]; threads?: number },
): Promise<DetectorPool> {
  return DetectorPool.start(manifest, {
    inputSize: o.inputSize, scoreThreshold: o.thresholds.decodeFloor, classes: o.classes ?? DETECTOR_DEFAULTS.classes, threads: o.threads,
  });
}

/** A frame fresh from the decoder, before the detector has looked at it. */
export function newFrame(frame: number, t: number, pixels: Uint8Array): FrameContext {
  return { frame, t, pixels, detections: emptyDetections() };
}
