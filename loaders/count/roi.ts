// The counting region: a mask image (white = counted, black = not), as crowd-counting datasets
// ship it, or the whole picture when there is none. A person is counted where their head
// point is: the box centre x, 10% of the box height below its top (heads are what counting
// ground truth marks, and the head stays visible when the feet are hidden by others).
import { readFileSync } from "node:fs";
import { decode } from "fast-png";
import { UserError } from "../errors.ts";

export interface RoiMask {
  width: number;
  height: number;
  /** One byte per pixel, 1 inside the region. */
  inside: Uint8Array;
}

/** Where the head point sits below the box top, as a fraction of the box height. */
export const HEAD_FRACTION = 0.1;

export function headPoint(boxes: ArrayLike<number>, i: number): [number, number] {
  const x1 = boxes[4 * i], y1 = boxes[4 * i + 1], x2 = boxes[4 * i + 2], y2 = boxes[4 * i + 3];
  return [(x1 + x2) / 2, y1 + HEAD_FRACTION * (y2 - y1)];
}

/** A mask from any PNG (grey, grey+alpha, RGB, RGBA; 8 or 16 bit): inside where the first channel is above half. */
export function roiFromPng(bytes: Uint8Array, source = "mask"): RoiMask {
  let png;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new UserError(`${source}: not a readable PNG (${(e as Error).message}); save the counting region as a black-and-white PNG`);
  }
  const { width, height, channels } = png;
  const data = png.data as ArrayLike<number>;
  const half = png.depth === 16 ? 32768 : 128;
  const inside = new Uint8Array(width * height);
  for (let p = 0; p < inside.length; p++) inside[p] = data[p * channels] >= half ? 1 : 0;
  return { width, height, inside };
}

export function loadRoiMask(path: string): RoiMask {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new UserError(`${path}: no such file; pass the counting region as a PNG mask (white = counted)`);
  }
  return roiFromPng(bytes, path);
}

/**
 * True when source-video point (x, y) lies in the region. The mask may have another size than
 * the video (it is scaled); without a mask every point inside the picture counts.
 */
export function roiContains(roi: RoiMask | undefined, x: number, y: number, videoWidth: number, videoHeight: number): boolean {
  if (!roi) return x >= 0 && y >= 0 && x < videoWidth && y < videoHeight;
  const mx = Math.min(roi.width - 1, Math.max(0, Math.floor((x * roi.width) / videoWidth)));
  const my = Math.min(roi.height - 1, Math.max(0, Math.floor((y * roi.height) / videoHeight)));
  return roi.inside[my * roi.width + mx] === 1;
}

/** The mask resampled (nearest) to a grid of gw x gh cells covering the picture: 1 where the cell centre is inside. */
export function roiGrid(roi: RoiMask | undefined, gw: number, gh: number): Uint8Array {
  const out = new Uint8Array(gw * gh);
  if (!roi) return out.fill(1);
  for (let y = 0; y < gh; y++) {
    const my = Math.min(roi.height - 1, Math.floor(((y + 0.5) * roi.height) / gh));
    for (let x = 0; x < gw; x++) {
      const mx = Math.min(roi.width - 1, Math.floor(((x + 0.5) * roi.width) / gw));
      out[y * gw + x] = roi.inside[my * roi.width + mx];
    }
  }
  return out;
}
