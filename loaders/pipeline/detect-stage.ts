// The detect stage: the model on each frame, decoding every box down to the run's decode floor
// (the tracker's second association looks below the detection threshold).
import { Detector, DETECTOR_DEFAULTS } from "../detect/detector.ts";
import type { ModelManifest } from "../detect/manifest.ts";
import type { Thresholds } from "../run/contract.ts";
import { emptyDetections } from "../types.ts";
import type { MotionGate } from "./motion-gate.ts";
import type { FrameContext, Stage } from "./stage.ts";

export class DetectStage implements Stage {
  readonly timing = "detect";

  private constructor(readonly detector: Detector, private readonly source: { width: number; height: number }) {}

  static async load(
    manifest: ModelManifest,
    o: { inputSize: [number, number]; thresholds: Thresholds; classes?: string[]; threads?: number; source: { width: number; height: number } },
  ): Promise<DetectStage> {
    const detector = await Detector.load(manifest, {
      inputSize: o.inputSize, scoreThreshold: o.thresholds.decodeFloor, classes: o.classes ?? DETECTOR_DEFAULTS.classes, threads: o.threads,
    });
    return new DetectStage(detector, o.source);
  }

  get classNames(): readonly string[] {
    return this.detector.classNames;
  }

  /** Set when motion gating is on: a quiet frame (the motion stage ran first) keeps its empty detections. */
  gate?: MotionGate;

  async onFrame(f: FrameContext): Promise<void> {
    if (this.gate && f.changed !== undefined && !this.gate.wantsDetector(f.changed)) return;
    f.detections = await this.detector.detect(f.pixels, "BGR", this.source.width, this.source.height);
  }

  async commit(): Promise<void> {}
  async finish(): Promise<void> {}
}

/** A frame fresh from the decoder, before the detect stage has looked at it. */
export function newFrame(frame: number, t: number, pixels: Uint8Array): FrameContext {
  return { frame, t, pixels, detections: emptyDetections() };
}
