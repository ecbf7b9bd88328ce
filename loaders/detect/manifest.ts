// A model manifest (models/*.json) says everything the pipeline needs to run a detector:
// the ONNX file, its input (size, layout, channel order, normalisation), how to decode its
// outputs and its class names. A new model plugs in with a new manifest, not new pipeline code.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UserError } from "../errors.ts";

export interface NanodetOutput {
  name: string;
  stride: number;
  /** "scores": [1, cells, classes] sigmoid scores; "distribution": [1, cells, 4 * (regMax + 1)] side-distance bins. */
  role: "scores" | "distribution";
}

export type DecoderSpec =
  | { type: "nanodet"; strides: number[]; regMax: number; outputs: NanodetOutput[] }
  /** Ultralytics YOLOv8-style export: one output [1, 4 + classes, anchors] with cx, cy, w, h in input pixels. */
  | { type: "yolov8"; output: string };

export interface ModelManifest {
  name: string;
  file: string;
  /** Weights and activations: "int8" for a quantised model (models/nanodet-int8.json). */
  precision?: "float32" | "int8";
  /** How a quantised model was made, in words. */
  quantisation?: string;
  /**
   * Other files of the same network for larger inputs: an input whose long side is at least
   * `minLongSide` runs on `file` (the largest such entry). An int8 model's activation ranges
   * depend on the input size it was measured at (loaders/convert/int8.ts).
   */
  files?: { minLongSide: number; file: string }[];
  licence?: string;
  source?: string;
  input: {
    name: string;
    layout: "NCHW";
    channels: "BGR" | "RGB";
    mean: [number, number, number];
    std: [number, number, number];
    /** Input sides must be multiples of this. */
    multipleOf: number;
    /** Default input size [width, height] for 4:3 footage; other aspect ratios keep its long side. */
    default: [number, number];
  };
  decoder: DecoderSpec;
  classes: string[];
  /** Where the manifest was read from; the model file is resolved relative to it. */
  path: string;
}

const MODELS = resolve(dirname(new URL(import.meta.url).pathname), "../../models");
/**
 * The default detector: NanoDet quantised to int8, which runs in half the time of the float
 * model with the same precision/recall and counts (README "The bundled detector").
 */
export const DEFAULT_MANIFEST = resolve(MODELS, "nanodet-int8.json");
/** The float model the int8 one is made from. */
export const FLOAT_MANIFEST = resolve(MODELS, "nanodet.json");

export function loadManifest(path = DEFAULT_MANIFEST): ModelManifest {
  if (!existsSync(path)) throw new UserError(`${path}: model manifest not found; pass --model models/<name>.json or restore models/ from git`);
  let m: ModelManifest;
  try {
    m = { ...JSON.parse(readFileSync(path, "utf8")), path };
  } catch (e) {
    throw new UserError(`${path}: model manifest is not valid JSON (${(e as Error).message})`);
  }
  for (const key of ["file", "input", "decoder", "classes"] as const) {
    if (!m[key]) throw new UserError(`${path}: model manifest lacks "${key}"; see models/nanodet.json for the format`);
  }
  return m;
}

/** The model file that runs at `inputSize` (the manifest's `file` unless a `files` entry covers that size). */
export function modelFile(m: ModelManifest, inputSize?: readonly [number, number]): string {
  const long = inputSize ? Math.max(inputSize[0], inputSize[1]) : 0;
  let file = m.file, from = -1;
  for (const f of m.files ?? []) if (long >= f.minLongSide && f.minLongSide > from) [file, from] = [f.file, f.minLongSide];
  return resolve(dirname(m.path), file);
}

/**
 * Model input size for a video: keep the manifest's long side and the video's aspect ratio,
 * rounded to the model's multiple (640x480 -> 384x288 for NanoDet).
 */
export function chooseInputSize(m: ModelManifest, videoWidth: number, videoHeight: number, longSide?: number): [number, number] {
  const k = m.input.multipleOf;
  const long = longSide ?? Math.max(...m.input.default);
  const round = (v: number) => Math.max(k, Math.round(v / k) * k);
  return videoWidth >= videoHeight
    ? [round(long), round((long * videoHeight) / videoWidth)]
    : [round((long * videoWidth) / videoHeight), round(long)];
}
