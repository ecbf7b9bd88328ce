// Runs a manifest-described ONNX detector on CPU with onnxruntime-node. The input tensor is
// allocated once and refilled per frame; outputs are decoded, filtered by class and score,
// suppressed (NMS) and mapped back to source-video pixels.
import { existsSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { UserError } from "../errors.ts";
import type { Detections } from "../types.ts";
import { decodeNanodetLevel, decodeYolov8, newCandidates, type Candidates } from "./decode.ts";
import { type ModelManifest, modelFile } from "./manifest.ts";
import { nms } from "./nms.ts";
import { toPlanarNormalised } from "./preprocess.ts";
import { chooseSession, type SessionChoice, sessionOptions } from "./session-options.ts";

export interface DetectorOptions {
  /** Model input [width, height]; sides must be multiples of the manifest's `multipleOf`. */
  inputSize: [number, number];
  /** Class names to keep (default: person). */
  classes?: string[];
  scoreThreshold?: number;
  iouThreshold?: number;
  /** onnxruntime intra-op threads; default per core count (session-options.ts). */
  threads?: number;
}

export const DETECTOR_DEFAULTS = { classes: ["person"], scoreThreshold: 0.45, iouThreshold: 0.5 };

export class Detector {
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly scoreThreshold: number;
  readonly iouThreshold: number;
  readonly classNames: string[];
  private readonly wanted: Int32Array;
  private readonly tensorData: Float32Array;
  private readonly tensor: ort.Tensor;
  private candidates: Candidates = newCandidates();

  private constructor(
    readonly manifest: ModelManifest,
    private readonly session: ort.InferenceSession,
    /** How onnxruntime runs it (threads, spinning, optimisation). */
    readonly sessionChoice: SessionChoice,
    opts: DetectorOptions,
  ) {
    const [w, h] = opts.inputSize;
    const k = manifest.input.multipleOf;
    if (w % k || h % k) throw new UserError(`input size ${w}x${h}: both sides must be multiples of ${k} for ${manifest.name}`);
    this.inputWidth = w;
    this.inputHeight = h;
    this.scoreThreshold = opts.scoreThreshold ?? DETECTOR_DEFAULTS.scoreThreshold;
    this.iouThreshold = opts.iouThreshold ?? DETECTOR_DEFAULTS.iouThreshold;
    this.classNames = manifest.classes;
    const names = opts.classes ?? DETECTOR_DEFAULTS.classes;
    this.wanted = Int32Array.from(
      names.map((n) => {
        const i = manifest.classes.indexOf(n);
        if (i < 0) throw new UserError(`class "${n}" is not one of ${manifest.name}'s classes (e.g. ${manifest.classes.slice(0, 5).join(", ")})`);
        return i;
      }),
    );
    this.tensorData = new Float32Array(3 * w * h);
    this.tensor = new ort.Tensor("float32", this.tensorData, [1, 3, h, w]);
  }

  static async load(manifest: ModelManifest, opts: DetectorOptions): Promise<Detector> {
    const file = modelFile(manifest, opts.inputSize);
    if (!existsSync(file)) throw new UserError(`${file}: model file missing; restore it with \`git checkout models/\` or rebuild it with \`npm run convert-model\``);
    const choice = chooseSession(opts.threads);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, sessionOptions(choice));
    } catch (e) {
      throw new UserError(`${file}: not a loadable ONNX model (${(e as Error).message.split("\n")[0]}); rebuild it with \`npm run convert-model\``);
    }
    return new Detector(manifest, session, choice, opts);
  }

  /** Frees the onnxruntime session; the detector cannot be used after. */
  release(): Promise<void> {
    return this.session.release();
  }

  /** `pixels`: the frame at the model input size, interleaved 3 channels in `order`. */
  async detect(pixels: Uint8Array, order: "BGR" | "RGB", sourceWidth: number, sourceHeight: number): Promise<Detections> {
    const { manifest, inputWidth: w, inputHeight: h } = this;
    toPlanarNormalised(pixels, w, h, order, manifest.input, this.tensorData);
    const outputs = await this.session.run({ [manifest.input.name]: this.tensor });
    const cand = this.candidates;
    cand.count = 0;
    const dec = manifest.decoder;
    if (dec.type === "nanodet") {
      for (const stride of dec.strides) {
        const scores = dec.outputs.find((o) => o.stride === stride && o.role === "scores")!;
        const dist = dec.outputs.find((o) => o.stride === stride && o.role === "distribution")!;
        decodeNanodetLevel(
          outputs[scores.name].data as Float32Array,
          outputs[dist.name].data as Float32Array,
          manifest.classes.length,
          dec.regMax + 1,
          stride,
          Math.ceil(w / stride),
          this.wanted,
          this.scoreThreshold,
          cand,
        );
      }
    } else if (dec.type === "yolov8") {
      decodeYolov8(outputs[dec.output].data as Float32Array, manifest.classes.length, this.wanted, this.scoreThreshold, cand);
    }
    this.candidates = cand;
    const keep = nms(cand.boxes, cand.scores, cand.classes, cand.count, this.iouThreshold);
    const sx = sourceWidth / w;
    const sy = sourceHeight / h;
    const det: Detections = {
      count: keep.length,
      boxes: new Float32Array(keep.length * 4),
      scores: new Float32Array(keep.length),
      classes: new Int32Array(keep.length),
    };
    keep.forEach((k, i) => {
      det.boxes[4 * i] = clamp(cand.boxes[4 * k] * sx, 0, sourceWidth);
      det.boxes[4 * i + 1] = clamp(cand.boxes[4 * k + 1] * sy, 0, sourceHeight);
      det.boxes[4 * i + 2] = clamp(cand.boxes[4 * k + 2] * sx, 0, sourceWidth);
      det.boxes[4 * i + 3] = clamp(cand.boxes[4 * k + 3] * sy, 0, sourceHeight);
      det.scores[i] = cand.scores[k];
      det.classes[i] = cand.classes[k];
    });
    return det;
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
