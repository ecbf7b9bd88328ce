// Motion heatmap (the predecessor's technique): grayscale, 11x11 blur, absolute difference
// against the background plate, accumulated into a float grid. Float64 sums never saturate,
// unlike the 8-bit accumulators such tools usually keep.

/** Luma of interleaved 3-channel pixels (ITU-R BT.601 weights) into `out`. */
export function toGray(pixels: Uint8Array, order: "BGR" | "RGB", out: Float32Array): Float32Array {
  const [wb, wr] = order === "BGR" ? [0, 2] : [2, 0];
  for (let p = 0, s = 0; p < out.length; p++, s += 3) {
    out[p] = 0.114 * pixels[s + wb] + 0.587 * pixels[s + 1] + 0.299 * pixels[s + wr];
  }
  return out;
}

/**
 * Luma averaged over factor x factor blocks: the motion grid runs at a fraction of the
 * analysis size, which a heatmap does not need and which makes the stage 4x cheaper at 2.
 * `out` is (srcWidth / factor) x (srcHeight / factor), sides rounded down.
 */
export function toGrayBlocks(pixels: Uint8Array, srcWidth: number, order: "BGR" | "RGB", factor: number, out: Float32Array, outWidth: number): Float32Array {
  if (factor === 1) return toGray(pixels, order, out);
  const [wb, wr] = order === "BGR" ? [0, 2] : [2, 0];
  const outHeight = out.length / outWidth;
  const norm = 1 / (factor * factor);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        let s = ((y * factor + dy) * srcWidth + x * factor) * 3;
        for (let dx = 0; dx < factor; dx++, s += 3) sum += 0.114 * pixels[s + wb] + 0.587 * pixels[s + 1] + 0.299 * pixels[s + wr];
      }
      out[y * outWidth + x] = sum * norm;
    }
  }
  return out;
}

/**
 * Separable box blur with running sums: O(1) per pixel whatever the radius. Edges use the
 * pixels that exist (mean over the clipped window). `tmp` must have the image's size.
 */
export function boxBlur(src: Float32Array, width: number, height: number, radius: number, tmp: Float32Array, out: Float32Array): Float32Array {
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    let n = 0;
    for (let x = 0; x < Math.min(radius, width); x++) { sum += src[row + x]; n++; }
    for (let x = 0; x < width; x++) {
      const add = x + radius;
      if (add < width) { sum += src[row + add]; n++; }
      const drop = x - radius - 1;
      if (drop >= 0) { sum -= src[row + drop]; n--; }
      tmp[row + x] = sum / n;
    }
  }
  for (let x = 0; x < width; x++) {
    let sum = 0;
    let n = 0;
    for (let y = 0; y < Math.min(radius, height); y++) { sum += tmp[y * width + x]; n++; }
    for (let y = 0; y < height; y++) {
      const add = y + radius;
      if (add < height) { sum += tmp[add * width + x]; n++; }
      const drop = y - radius - 1;
      if (drop >= 0) { sum -= tmp[drop * width + x]; n--; }
      out[y * width + x] = sum / n;
    }
  }
  return out;
}

/** Area-average resample of a single-channel image (used once, to bring the plate to the analysis size). */
export function resampleGray(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  const fx = sw / dw;
  const fy = sh / dh;
  for (let y = 0; y < dh; y++) {
    const y0 = Math.floor(y * fy), y1 = Math.max(y0 + 1, Math.floor((y + 1) * fy));
    for (let x = 0; x < dw; x++) {
      const x0 = Math.floor(x * fx), x1 = Math.max(x0 + 1, Math.floor((x + 1) * fx));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += src[yy * sw + xx];
      out[y * dw + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

export interface MotionOptions {
  /** Blur kernel side (odd), in grid cells; 11 as in the predecessor. */
  kernel?: number;
  /** Grid cell side in frame pixels (the grid is the frame downsampled by this). */
  factor?: number;
  /** Gray levels of difference below which a pixel counts as unchanged (sensor noise, compression). */
  threshold?: number;
  /** Grid cells (1 = in) whose changes `changed` counts: the counting region; default all. */
  region?: Uint8Array;
}

/** Accumulates motion of frames against a fixed plate; owns every buffer it needs. */
export class MotionAccumulator {
  readonly grid: Float64Array;
  /** Grid size: the frame size divided by `factor`. */
  readonly width: number;
  readonly height: number;
  readonly factor: number;
  frames = 0;
  /** Cells of the region that changed in the last added frame (blurred difference >= threshold). */
  changed = 0;
  /** Cells in the region. */
  readonly regionCells: number;
  /** Luma of the last added frame at the grid size, unblurred (the count stage reads it). */
  readonly gray: Float32Array;
  private readonly tmp: Float32Array;
  private readonly blurred: Float32Array;
  private readonly plate: Float32Array;
  private readonly radius: number;
  private readonly threshold: number;
  private readonly region: Uint8Array | undefined;

  /** `plateGray` is the background's luma at the grid size (frame size / factor). */
  constructor(readonly frameWidth: number, readonly frameHeight: number, plateGray: Float32Array, opts: MotionOptions = {}) {
    this.factor = opts.factor ?? 1;
    const width = (this.width = Math.floor(frameWidth / this.factor));
    const height = (this.height = Math.floor(frameHeight / this.factor));
    const size = width * height;
    if (plateGray.length !== size) throw new Error(`plate is ${plateGray.length} pixels, expected ${size}`);
    this.radius = ((opts.kernel ?? 11) - 1) >> 1;
    this.threshold = opts.threshold ?? 12;
    this.grid = new Float64Array(size);
    this.gray = new Float32Array(size);
    this.tmp = new Float32Array(size);
    this.blurred = new Float32Array(size);
    this.plate = boxBlur(plateGray, width, height, this.radius, new Float32Array(size), new Float32Array(size));
    this.region = opts.region;
    if (opts.region && opts.region.length !== size) throw new Error(`region is ${opts.region.length} cells, expected ${size}`);
    this.regionCells = opts.region ? opts.region.reduce((n, v) => n + (v ? 1 : 0), 0) : size;
  }

  /** Adds one frame (interleaved 3-channel pixels at frameWidth x frameHeight). */
  add(pixels: Uint8Array, order: "BGR" | "RGB" = "BGR"): void {
    this.luma(pixels, order, this.gray);
    this.changed = this.compare(this.gray, this.blurred);
    this.accumulate(this.blurred);
  }

  // `add` in three steps, so a pipeline can look at frames ahead of the ones it adds: `luma` needs
  // no plate, `compare` changes nothing, and only `accumulate`, called in frame order, moves the grid.

  /** A frame's luma on the grid (width x height) into `out`. */
  luma(pixels: Uint8Array, order: "BGR" | "RGB", out: Float32Array): Float32Array {
    return toGrayBlocks(pixels, this.frameWidth, order, this.factor, out, this.width);
  }

  /** Blurs a frame's luma into `blurred` and returns the region's cells that differ from the plate by the threshold. */
  compare(gray: Float32Array, blurred: Float32Array): number {
    boxBlur(gray, this.width, this.height, this.radius, this.tmp, blurred);
    const { plate, threshold, region } = this;
    let changed = 0;
    for (let p = 0; p < blurred.length; p++) if (Math.abs(blurred[p] - plate[p]) >= threshold && (!region || region[p])) changed++;
    return changed;
  }

  /** Adds a compared frame's difference from the plate to the grid. */
  accumulate(blurred: Float32Array): void {
    const { grid, plate, threshold } = this;
    for (let p = 0; p < grid.length; p++) {
      const d = Math.abs(blurred[p] - plate[p]);
      if (d >= threshold) grid[p] += d;
    }
    this.frames++;
  }
}
