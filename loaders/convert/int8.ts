// The int8 model beside the float one: activation ranges measured on frames of the bundled clips
// (calibrate.ts), the float graph rewritten to QDQ (quantize.ts). Same input and outputs as the
// float model, so the same manifest fields and decoder serve both.
//
// The measured ranges are committed (models/*-int8.ranges.json) and the int8 bytes are made
// from them: measuring runs the float model in onnxruntime, whose last bits differ between
// CPUs' kernels (7e-7 relative, measured), so a rounding step could fall either way on another
// machine; from the committed ranges, every machine writes the same bytes. The converter's test
// measures again and holds the fresh ranges to the committed ones.

import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Normalisation } from "../detect/preprocess.ts";
import { probeVideo } from "../video/probe.ts";
import { type CalibrationClip, calibrationFrames, collectRanges } from "./calibrate.ts";
import type { OnnxGraph } from "./onnx-ir.ts";
import { floatHeads, quantiseGraph, quantisedTensors } from "./quantize.ts";
import { encodeModel } from "./write-onnx.ts";

/** Frames taken from each clip, spread evenly over it. */
export const FRAMES_PER_CLIP = 12;
/**
 * Calibration sizes [width, height]: the pipeline's default input and the clips' own size (a
 * larger input sees people larger, which moves the ranges of the deeper layers).
 */
export const CALIBRATION_SIZES: [number, number][] = [[384, 288], [640, 480]];

/**
 * The int8 models written beside each other: one per span of input sizes, each with ranges
 * measured at the sizes it runs at. Ranges from 384 and 640 clip the deeper layers at 768 wide,
 * the largest input `smw calibrate` tries and the one crowded cameras choose: the mall clip's
 * count, calibrated on 20 spread frames, erred by 2.37 people per frame against the float
 * model's 2.29, and by 2.24 with ranges measured at 768 too. Those ranges also move the boxes
 * at 384x288 a little, enough to change tracking's figures on the TUD clips (README "The
 * bundled detector"), so the default size keeps its own model.
 */
export interface Int8Variant {
  /** Appended to the int8 model's name: nanodet-int8<suffix>.onnx and .ranges.json. */
  suffix: string;
  /** Inputs whose long side is at least this run on this variant (the manifest's `files`). */
  minLongSide: number;
  sizes: [number, number][];
}

export const INT8_VARIANTS: readonly Int8Variant[] = [
  { suffix: "", minLongSide: 0, sizes: CALIBRATION_SIZES },
  { suffix: "-768", minLongSide: 768, sizes: [...CALIBRATION_SIZES, [768, 576]] },
];

/** What models/*-int8.ranges.json holds. */
export interface RangesFile {
  /** How the ranges were measured, in words (copied into the model's metadata). */
  calibration: string;
  /** Float [min, max] per activation tensor, as measured (rounding happens when quantising). */
  ranges: Record<string, [number, number]>;
}

/** data/clips/*.mp4, in name order (the order is part of what makes the bytes reproducible). */
export function bundledClips(dir = fileURLToPath(new URL("../../data/clips/", import.meta.url))): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".mp4")).sort().map((f) => join(dir, f));
}

/** Runs the float graph on the clips' frames and records every quantised tensor's range. */
export async function measureRanges(graph: OnnxGraph, clipPaths: string[], norm: Normalisation, sizes: [number, number][] = CALIBRATION_SIZES): Promise<RangesFile> {
  const clips: CalibrationClip[] = [];
  for (const path of clipPaths) {
    const v = await probeVideo(path);
    clips.push({ path, width: v.width, height: v.height, every: Math.max(1, Math.floor(v.frameCount / FRAMES_PER_CLIP)) });
  }
  const frames = await calibrationFrames(clips, sizes, norm);
  const ranges = await collectRanges(graph, quantisedTensors(graph, floatHeads(graph)), frames);
  return {
    calibration: `min/max over ${frames.length} frames: ${clips.map((c) => `every ${c.every}th frame of ${basename(c.path)}`).join(", ")}, ` +
      `each at ${sizes.map((s) => s.join("x")).join(" and ")}`,
    ranges: Object.fromEntries([...ranges].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, r]) => [k, [r.min, r.max]])),
  };
}

/** The QDQ model's bytes from the float graph and committed ranges. */
export function quantiseWithRanges(graph: OnnxGraph, metadata: Record<string, string>, file: RangesFile): Uint8Array {
  const keepFloat = floatHeads(graph);
  const ranges = new Map(Object.entries(file.ranges).map(([k, [min, max]]) => [k, { min, max }]));
  return encodeModel(quantiseGraph(graph, { ranges, keepFloat }), {
    ...metadata,
    quantisation: "static int8 QDQ: Conv weights int8 per output channel, activations uint8 per tensor; " +
      `ranges ${file.calibration}; kept float: ${[...keepFloat].join(", ") || "nothing"}`,
  });
}
