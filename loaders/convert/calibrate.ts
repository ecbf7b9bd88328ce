// Activation ranges for static quantisation, measured by running the float model on real frames
// of the bundled clips.
//
// Frames leave ffmpeg as the H.264 decoder's own YUV 4:2:0 planes at the clip's size (bit-exact
// on every conformant decoder, unlike ffmpeg's RGB conversion and scaler, which change between
// builds), and are converted and resized here, so `npm run convert-model` reads the same pixels
// with the system ffmpeg or the npm one.

import * as ort from "onnxruntime-node";
import { type Normalisation, toPlanarNormalised } from "../detect/preprocess.ts";
import { lastErrorLine, runVideoTool } from "../video/ffmpeg.ts";
import type { OnnxGraph } from "./onnx-ir.ts";
import type { Range } from "./quantize.ts";
import { encodeModel } from "./write-onnx.ts";

export interface CalibrationClip {
  path: string;
  width: number;
  height: number;
  /** Every `every`-th frame of the clip is used. */
  every: number;
}

/** A normalised NCHW frame, ready to feed. */
export interface CalibrationFrame {
  width: number;
  height: number;
  data: Float32Array;
}

/** BT.601 limited range (what an untagged SD H.264 clip means) -> interleaved BGR. */
export function yuv420ToBgr(yuv: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const chroma = (width >> 1) * (height >> 1);
  const u0 = width * height;
  const v0 = u0 + chroma;
  const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = (y >> 1) * (width >> 1) + (x >> 1);
      const l = 1.164 * (yuv[y * width + x] - 16);
      const u = yuv[u0 + c] - 128;
      const v = yuv[v0 + c] - 128;
      const o = 3 * (y * width + x);
      out[o] = clamp(l + 2.018 * u);
      out[o + 1] = clamp(l - 0.391 * u - 0.813 * v);
      out[o + 2] = clamp(l + 1.596 * v);
    }
  }
  return out;
}

/** Area-weighted downscale of interleaved 3-channel pixels (each output pixel averages the source area it covers). */
export function resizeArea(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  const out = new Uint8Array(dw * dh * 3);
  const fx = sw / dw;
  const fy = sh / dh;
  for (let y = 0; y < dh; y++) {
    const y0 = y * fy;
    const y1 = y0 + fy;
    for (let x = 0; x < dw; x++) {
      const x0 = x * fx;
      const x1 = x0 + fx;
      const sum = [0, 0, 0];
      for (let sy = Math.floor(y0); sy < Math.ceil(y1); sy++) {
        const wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
        for (let sx = Math.floor(x0); sx < Math.ceil(x1); sx++) {
          const w = wy * (Math.min(x1, sx + 1) - Math.max(x0, sx));
          for (let c = 0; c < 3; c++) sum[c] += w * src[3 * (sy * sw + sx) + c];
        }
      }
      for (let c = 0; c < 3; c++) out[3 * (y * dw + x) + c] = Math.round(sum[c] / (fx * fy));
    }
  }
  return out;
}

/** The clip's every n-th frame as raw YUV 4:2:0 at its own size. */
async function decodeYuv(clip: CalibrationClip): Promise<Uint8Array[]> {
  const args = ["-nostdin", "-loglevel", "error", "-i", clip.path, "-vsync", "0",
    "-vf", `select=not(mod(n\\,${clip.every}))`, "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"];
  const { code, stdout, stderr } = await runVideoTool(args);
  if (code !== 0) throw new Error(`${clip.path}: ffmpeg could not decode it (${lastErrorLine(stderr.split("\n")) ?? `exit ${code}`})`);
  const bytes = clip.width * clip.height * 1.5;
  if (stdout.length % bytes) throw new Error(`${clip.path}: decoded ${stdout.length} bytes, not whole ${clip.width}x${clip.height} frames`);
  return Array.from({ length: stdout.length / bytes }, (_, i) => new Uint8Array(stdout.buffer, stdout.byteOffset + i * bytes, bytes));
}

/** Every clip's sampled frames at each size, normalised as the model's manifest says. */
export async function calibrationFrames(clips: CalibrationClip[], sizes: [number, number][], norm: Normalisation): Promise<CalibrationFrame[]> {
  const frames: CalibrationFrame[] = [];
  for (const clip of clips) {
    for (const yuv of await decodeYuv(clip)) {
      const bgr = yuv420ToBgr(yuv, clip.width, clip.height);
      for (const [w, h] of sizes) {
        const pixels = w === clip.width && h === clip.height ? bgr : resizeArea(bgr, clip.width, clip.height, w, h);
        frames.push({ width: w, height: h, data: toPlanarNormalised(pixels, w, h, "BGR", norm, new Float32Array(3 * w * h)) });
      }
    }
  }
  return frames;
}

/** Float min/max of each named tensor over the frames (the graph input's from the frames themselves). */
export async function collectRanges(graph: OnnxGraph, tensors: string[], frames: CalibrationFrame[]): Promise<Map<string, Range>> {
  const inputName = graph.inputs[0].name;
  const inner = tensors.filter((t) => t !== inputName);
  // Every tensor of interest becomes a model output, so one run reads them all.
  const probe = encodeModel({ ...graph, outputs: inner.map((name) => ({ name })) }, {});
  const session = await ort.InferenceSession.create(probe, { intraOpNumThreads: 1, graphOptimizationLevel: "disabled" });
  const ranges = new Map<string, Range>();
  const widen = (name: string, data: Float32Array): void => {
    const r = ranges.get(name) ?? { min: Infinity, max: -Infinity };
    for (let i = 0; i < data.length; i++) {
      if (data[i] < r.min) r.min = data[i];
      if (data[i] > r.max) r.max = data[i];
    }
    ranges.set(name, r);
  };
  try {
    for (const f of frames) {
      const out = await session.run({ [inputName]: new ort.Tensor("float32", f.data, [1, 3, f.height, f.width]) });
      for (const name of inner) widen(name, out[name].data as Float32Array);
      if (tensors.includes(inputName)) widen(inputName, f.data);
    }
  } finally {
    await session.release();
  }
  return ranges;
}
