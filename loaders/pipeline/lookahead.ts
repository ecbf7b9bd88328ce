// Frames read ahead of the stages that take frames in order. While the stages count, track and
// write frame N, this reads frame N+1 from ffmpeg, computes its luma on the motion grid, compares it
// with the plate (the motion gate's test) and hands it to the detector thread, so the detector never
// waits for the rest of the pipeline. Before the plate exists (the median of 25 frames sampled
// across the video: seconds of decoding) frames are read and detected all the same, held by their
// grid luma; the stages compare them with the plate when they take them, and a frame the gate would
// have kept from the detector drops what the detector found. Nothing here touches a table or the
// motion grid, so what a checkpoint records is decided by the frames taken, never by the read-ahead.
import type { FrameDetector } from "../detect/detector-thread.ts";
import { toGrayBlocks } from "../scene/motion.ts";
import type { Detections } from "../types.ts";
import type { FrameStream } from "../video/frames.ts";
import type { StageClock } from "./clock.ts";

export interface AheadFrame {
  /** 0-based source frame and its stream time, when ffmpeg gave one. */
  frame: number;
  t?: number;
  /** Luma on the motion grid (the count stage reads it). */
  gray: Float32Array;
  /** Set when the frame was compared with the plate as it was read: blurred luma and the region's changed cells. */
  blurred?: Float32Array;
  changed?: number;
  /** The detector's boxes; absent when the gate kept the frame from the detector. */
  detections?: Promise<Detections>;
}

/** The plate's test, once the plate exists. */
export interface PlateTest {
  compare(gray: Float32Array, blurred: Float32Array): number;
  /** The gate's verdict on a frame's changed cells; null when gating is off. */
  wants: ((changed: number) => boolean) | null;
}

export interface LookaheadOptions {
  /** The frames' size (the model input) and the motion grid's cell side in frame pixels. */
  frameSize: [number, number];
  factor: number;
  /** Source video size: the detector maps boxes back to it. */
  source: { width: number; height: number };
  /** Frames held while the plate is being built: with the grid luma they hold, the bound on memory. */
  maxAhead: number;
  /** Frames held once the plate exists: enough to keep the detector fed. */
  ahead: number;
  /** Frames handed to the detector thread and not yet answered. */
  inflight: number;
}

/** A bounded stock of equal buffers; `take` waits while all are out. */
class Buffers {
  private readonly free: Float32Array[] = [];
  private made = 0;
  private waiter?: () => void;

  constructor(private readonly size: number, public limit: number) {}

  async take(): Promise<Float32Array> {
    while (this.free.length === 0 && this.made >= this.limit) await new Promise<void>((r) => (this.waiter = r));
    if (this.free.length) return this.free.pop()!;
    this.made++;
    return new Float32Array(this.size);
  }

  give(b: Float32Array): void {
    // past a lowered limit a buffer is let go, so memory shrinks back once deep read-ahead is over
    if (this.made > this.limit && b.length === this.size) this.made--;
    else this.free.push(b);
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

export class Lookahead implements AsyncIterable<AheadFrame> {
  private readonly ready: AheadFrame[] = [];
  private readonly grays: Buffers;
  private readonly blurs: Buffers;
  private readonly answers: Promise<unknown>[] = [];
  private readonly gridWidth: number;
  private plate?: PlateTest;
  private done = false;
  private stopped = false;
  private failure?: unknown;
  private wake?: () => void;
  private readonly running: Promise<void>;

  constructor(private readonly frames: FrameStream, private readonly detector: FrameDetector, private readonly clock: StageClock, private readonly o: LookaheadOptions) {
    const [w, h] = o.frameSize;
    this.gridWidth = Math.floor(w / o.factor);
    const cells = this.gridWidth * Math.floor(h / o.factor);
    this.grays = new Buffers(cells, o.maxAhead + 1);
    this.blurs = new Buffers(cells, o.ahead + 1);
    this.running = this.read();
  }

  /** From now on frames are compared with the plate as they are read, and the gate decides which the detector sees. */
  setPlate(test: PlateTest): void {
    this.plate = test;
  }

  /** The stages are done with a frame: its buffers go back to the stock. */
  release(f: AheadFrame): void {
    this.grays.give(f.gray);
    if (f.blurred) this.blurs.give(f.blurred);
  }

  /** Stops reading (ffmpeg is stopped) and waits for the reader to end; frames read ahead are dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    // a reader waiting for a buffer wakes, sees the stop and ends
    this.grays.give(new Float32Array(0));
    this.blurs.give(new Float32Array(0));
    await this.running;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<AheadFrame> {
    while (true) {
      if (this.ready.length) {
        yield this.ready.shift()!;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.done) return;
      await this.clock.wait("decode", new Promise<void>((r) => (this.wake = r)));
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async read(): Promise<void> {
    const { detector, clock, o } = this;
    try {
      for await (const raw of this.frames) {
        const gray = await this.grays.take();
        if (this.stopped) break;
        const f: AheadFrame = { frame: raw.frame, t: raw.t, gray };
        const plate = this.plate;
        if (plate) {
          // the plate exists: read-ahead only needs to keep the detector fed
          this.grays.limit = Math.min(this.grays.limit, o.ahead + 1);
          f.blurred = await this.blurs.take();
          if (this.stopped) break;
        }
        const wanted = clock.run("motion", () => {
          toGrayBlocks(raw.data, o.frameSize[0], "BGR", o.factor, gray, this.gridWidth);
          if (!plate || !f.blurred) return true;
          f.changed = plate.compare(gray, f.blurred);
          return plate.wants === null || plate.wants(f.changed);
        });
        if (wanted) {
          while (this.answers.length >= o.inflight) await this.answers.shift();
          const answer = detector.detect(raw.data, "BGR", o.source.width, o.source.height);
          const settled = answer.then(() => undefined, () => undefined); // a failure reaches the stages through f.detections
          this.answers.push(settled);
          f.detections = answer;
          answer.catch(() => {});
        }
        if (this.stopped) break;
        this.ready.push(f);
        this.notify();
      }
    } catch (e) {
      this.failure = e;
    } finally {
      this.done = true;
      this.notify();
    }
  }
}
