// People made unrecognisable in pictures of the scene: the mosaic every picture that leaves
// the machine goes through (annotated videos, event snapshots, the workbench's frames), the
// part of a person's box it covers, and cropping a frame around an event. Pure functions on
// interleaved RGB24 images.

export interface Image {
  data: Uint8Array;
  width: number;
  height: number;
}

/** [x1, y1, x2, y2] in the image's pixels. */
export type Box = readonly [number, number, number, number];

function clampInt(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(v)));
}

/**
 * What `blurPeople` does to one person: the box is reduced to a grid of `block`-sized cell
 * means (a mosaic: the detail is averaged away, not just softened) and drawn back by
 * bilinear interpolation between the cell centres, so no block edges remain either. One
 * pass over the box, no per-box buffers beyond the small grid.
 */
export function redact(img: Image, x1: number, y1: number, x2: number, y2: number, block: number): void {
  const { data, width, height } = img;
  const xa = clampInt(x1, 0, width), xb = clampInt(x2, 0, width);
  const ya = clampInt(y1, 0, height), yb = clampInt(y2, 0, height);
  const w = xb - xa, h = yb - ya;
  if (w <= 0 || h <= 0) return;
  const bs = Math.max(2, Math.round(block));
  const gw = Math.ceil(w / bs), gh = Math.ceil(h / bs);
  const grid = new Float32Array(gw * gh * 3);
  const count = new Float32Array(gw * gh);
  for (let y = 0; y < h; y++) {
    const gy = Math.floor(y / bs) * gw;
    let o = ((ya + y) * width + xa) * 3;
    for (let x = 0; x < w; x++, o += 3) {
      const g = gy + Math.floor(x / bs);
      grid[3 * g] += data[o];
      grid[3 * g + 1] += data[o + 1];
      grid[3 * g + 2] += data[o + 2];
      count[g]++;
    }
  }
  for (let g = 0; g < count.length; g++) for (let c = 0; c < 3; c++) grid[3 * g + c] /= count[g];
  // cell centres sit at (i + 0.5) * bs; clamp outside the outer centres
  for (let y = 0; y < h; y++) {
    const fy = Math.min(gh - 1, Math.max(0, (y + 0.5) / bs - 0.5));
    const y0 = Math.floor(fy), y1i = Math.min(gh - 1, y0 + 1), wy = fy - y0;
    let o = ((ya + y) * width + xa) * 3;
    for (let x = 0; x < w; x++, o += 3) {
      const fx = Math.min(gw - 1, Math.max(0, (x + 0.5) / bs - 0.5));
      const x0 = Math.floor(fx), x1i = Math.min(gw - 1, x0 + 1), wx = fx - x0;
      const a = 3 * (y0 * gw + x0), b = 3 * (y0 * gw + x1i), c = 3 * (y1i * gw + x0), d = 3 * (y1i * gw + x1i);
      for (let k = 0; k < 3; k++) {
        const top = grid[a + k] + (grid[b + k] - grid[a + k]) * wx;
        const bottom = grid[c + k] + (grid[d + k] - grid[c + k]) * wx;
        data[o + k] = top + (bottom - top) * wy + 0.5;
      }
    }
  }
}

/**
 * The part of a person's box that identifies them: head and shoulders (the upper 45% of a
 * standing person's box), widened by a tenth of the box on each side and above, so a box a
 * little off still covers the face. What is left below (where the person stands, how they
 * move) is what counting and the audit need.
 */
export function headRegion([x1, y1, x2, y2]: Box): Box {
  const w = x2 - x1, h = y2 - y1;
  return [x1 - 0.1 * w, y1 - 0.1 * h, x2 + 0.1 * w, y1 + 0.45 * h];
}

/** Mosaics the head region of every box, with cells a tenth of the box's longer side (at least 4 px). */
export function blurHeads(img: Image, boxes: readonly Box[]): void {
  for (const b of boxes) {
    const [x1, y1, x2, y2] = headRegion(b);
    redact(img, x1, y1, x2, y2, Math.max(4, Math.max(b[2] - b[0], b[3] - b[1]) / 10));
  }
}

/**
 * A `w x h` window of the frame around `focus` (a person's box): centred on it, about 2 box
 * heights tall (at least a third of the frame) with `w:h`'s aspect, kept inside the frame.
 */
export function cropAround(focus: Box, frameW: number, frameH: number, aspect: number): Box {
  const [x1, y1, x2, y2] = focus;
  let h = Math.min(frameH, Math.max(frameH / 3, 2 * (y2 - y1)));
  let w = h * aspect;
  if (w > frameW) {
    w = frameW;
    h = w / aspect;
  }
  const cx = Math.min(frameW - w / 2, Math.max(w / 2, (x1 + x2) / 2));
  const cy = Math.min(frameH - h / 2, Math.max(h / 2, (y1 + y2) / 2));
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

/** `rect` of `img` scaled to `w x h` (bilinear), and the mapping of a source box into it. */
export function cropScale(img: Image, rect: Box, w: number, h: number): { image: Image; map: (b: Box) => Box } {
  const [rx1, ry1, rx2, ry2] = rect;
  const sx = (rx2 - rx1) / w, sy = (ry2 - ry1) / h;
  const out = new Uint8Array(w * h * 3);
  const { data, width, height } = img;
  for (let y = 0; y < h; y++) {
    const fy = Math.min(height - 1, Math.max(0, ry1 + (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(height - 1, y0 + 1), wy = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(width - 1, Math.max(0, rx1 + (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(width - 1, x0 + 1), wx = fx - x0;
      const a = 3 * (y0 * width + x0), b = 3 * (y0 * width + x1), c = 3 * (y1 * width + x0), d = 3 * (y1 * width + x1);
      const o = 3 * (y * w + x);
      for (let k = 0; k < 3; k++) {
        const top = data[a + k] + (data[b + k] - data[a + k]) * wx;
        const bottom = data[c + k] + (data[d + k] - data[c + k]) * wx;
        out[o + k] = top + (bottom - top) * wy + 0.5;
      }
    }
  }
  const map = ([x1, y1, x2, y2]: Box): Box => [(x1 - rx1) / sx, (y1 - ry1) / sy, (x2 - rx1) / sx, (y2 - ry1) / sy];
  return { image: { data: out, width: w, height: h }, map };
}
