// The detector in worker threads: the same Detector, the same boxes, but session.run (which blocks
// the thread that calls it) no longer stops the main thread, so decoding, the motion grid, counting,
// tracking and writing of other frames overlap inference; and several frames are detected at once,
// one per thread (session-options.ts: choosePool says how many). Frames are copied into buffers that
// pass to a worker and back (transferred, never cloned), so their number stays that of the frames in
// flight.
import { Worker } from "node:worker_threads";
import { UserError } from "../errors.ts";
import type { Detections } from "../types.ts";
import type { DetectorOptions } from "./detector.ts";
import type { ModelManifest } from "./manifest.ts";
import { choosePool, type PoolChoice, type SessionChoice } from "./session-options.ts";

/** What the worker is started with (structured-cloned). */
export interface ThreadStart {
  manifest: ModelManifest;
  options: DetectorOptions;
}

export interface DetectRequest {
  id: number;
  pixels: ArrayBuffer;
  order: "BGR" | "RGB";
  sourceWidth: number;
  sourceHeight: number;
}

export type ThreadReply =
  | { type: "ready"; classNames: string[]; iouThreshold: number; sessionChoice: SessionChoice }
  | { type: "error"; message: string; user: boolean }
  | { type: "done"; id: number; count: number; boxes: Float32Array; scores: Float32Array; classes: Int32Array; ms: number; pixels: ArrayBuffer }
  | { type: "failed"; id: number; message: string };

// The worker loads TypeScript the way the main thread does, whether that was `node --import tsx`
// or bin/smw.js's programmatic register(): tsx is registered inside the worker itself.
const BOOT = `const { workerData } = require("node:worker_threads");
import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); });`;

/** What the pipeline needs of a detector that answers later. */
export interface FrameDetector {
  detect(pixels: Uint8Array, order: "BGR" | "RGB", sourceWidth: number, sourceHeight: number): Promise<Detections>;
}

interface Waiting {
  resolve: (d: Detections) => void;
  reject: (e: Error) => void;
}

export class DetectorThread implements FrameDetector {
  /** Milliseconds the worker spent in detect() (tensor fill, inference, decoding, NMS). */
  busyMs = 0;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();
  private readonly free: ArrayBuffer[] = [];
  private failure?: Error;
  private gone = false;

  private constructor(
    private readonly worker: Worker,
    readonly classNames: readonly string[],
    readonly iouThreshold: number,
    readonly sessionChoice: SessionChoice,
  ) {
    worker.on("message", (m: ThreadReply) => this.settle(m));
    worker.on("error", (e) => this.fail(e));
    worker.on("exit", (code) => {
      this.gone = true;
      this.fail(new Error(`the detector thread exited (code ${code})`));
    });
  }

  /** Starts the worker and waits until its model is loaded; a model that cannot load throws the detector's own UserError. */
  static async start(manifest: ModelManifest, options: DetectorOptions): Promise<DetectorThread> {
    const worker = new Worker(BOOT, {
      eval: true,
      execArgv: [],
      workerData: { tsx: import.meta.resolve("tsx/esm/api"), entry: new URL("./detector-thread-main.ts", import.meta.url).href, manifest, options } satisfies ThreadStart & { tsx: string; entry: string },
    });
    const ready = await new Promise<ThreadReply>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the detector thread exited before its model loaded (code ${code})`)));
    });
    worker.removeAllListeners("exit");
    if (ready.type === "ready") return new DetectorThread(worker, ready.classNames, ready.iouThreshold, ready.sessionChoice);
    await worker.terminate();
    if (ready.type === "error" && ready.user) throw new UserError(ready.message);
    throw new Error(`the detector thread did not start: ${"message" in ready ? ready.message : ready.type}`);
  }

  /** Frames sent and not yet answered. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Detections of one frame (`pixels` at the model input size, interleaved in `order`); the pixels are copied, so the caller may reuse them at once. */
  detect(pixels: Uint8Array, order: "BGR" | "RGB", sourceWidth: number, sourceHeight: number): Promise<Detections> {
    if (this.failure) return Promise.reject(this.failure);
    let buffer = this.free.pop();
    if (!buffer || buffer.byteLength !== pixels.byteLength) buffer = new ArrayBuffer(pixels.byteLength);
    new Uint8Array(buffer).set(pixels);
    const id = this.nextId++;
    const request: DetectRequest = { id, pixels: buffer, order, sourceWidth, sourceHeight };
    const answer = new Promise<Detections>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.postMessage(request, [buffer]);
    return answer;
  }

  /**
   * Ends the thread once it has answered the frames already sent. Never terminate() a thread in the
   * middle of session.run: onnxruntime throws through the torn-down addon and aborts the process.
   */
  async close(): Promise<void> {
    if (this.gone) return;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.postMessage({ type: "close" });
    this.fail(new Error("the detector thread was closed"));
    const late = setTimeout(() => void this.worker.terminate(), 10_000);
    await exited;
    clearTimeout(late);
  }

  private settle(m: ThreadReply): void {
    if (m.type !== "done" && m.type !== "failed") return;
    const w = this.waiting.get(m.id);
    this.waiting.delete(m.id);
    if (m.type === "failed") return w?.reject(new Error(m.message));
    this.busyMs += m.ms;
    this.free.push(m.pixels);
    w?.resolve({ count: m.count, boxes: m.boxes, scores: m.scores, classes: m.classes });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
  }
}

/**
 * Several detector threads, each with its own session: a frame goes to the thread with the fewest
 * frames waiting. NanoDet's ops are too small to share one frame well between threads (measured on
 * 2 cores: one session with 2 threads took 6.3 ms a frame at 384x288 and 33.6 ms at 768x576, two
 * sessions of one thread each 5.2 and 20.7 ms a frame together), so frames are shared instead.
 */
export class DetectorPool implements FrameDetector {
  private constructor(private readonly threads: DetectorThread[], readonly choice: PoolChoice) {}

  static async start(manifest: ModelManifest, options: DetectorOptions, choice: PoolChoice = choosePool(options.threads)): Promise<DetectorPool> {
    const started = await Promise.allSettled(Array.from({ length: choice.workers }, () => DetectorThread.start(manifest, { ...options, threads: choice.threads })));
    const threads = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      await Promise.all(threads.map((t) => t.close()));
      throw failed.reason;
    }
    return new DetectorPool(threads, choice);
  }

  get classNames(): readonly string[] {
    return this.threads[0].classNames;
  }

  get iouThreshold(): number {
    return this.threads[0].iouThreshold;
  }

  /** Milliseconds the threads spent in detect(), added up. */
  get busyMs(): number {
    return this.threads.reduce((n, t) => n + t.busyMs, 0);
  }

  /** Frames the threads can work on at once. */
  get size(): number {
    return this.threads.length;
  }

  detect(pixels: Uint8Array, order: "BGR" | "RGB", sourceWidth: number, sourceHeight: number): Promise<Detections> {
    const least = this.threads.reduce((a, b) => (b.pending < a.pending ? b : a));
    return least.detect(pixels, order, sourceWidth, sourceHeight);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.close()));
  }
}
