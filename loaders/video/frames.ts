// Streams decoded frames out of ffmpeg as raw pixels, already scaled by ffmpeg (scaling in
// JS costs 10x more). ffmpeg runs in its own process, so decoding overlaps with whatever the
// consumer does per frame; a small queue of recycled buffers keeps memory flat however long
// the video is.
import ffmpeg from "fluent-ffmpeg";
import type { Readable } from "node:stream";
import { videoBinaries } from "./binaries.ts";

export interface FrameStreamOptions {
  width: number;
  height: number;
  /** Analyse every Nth source frame (1 = all). */
  stride?: number;
  /** Raw pixel format ffmpeg emits: bgr24 for the detector, gray for motion-only work. */
  pixFmt?: "bgr24" | "rgb24" | "gray";
  /** Frames decoded ahead of the consumer. */
  queue?: number;
  /** First source frame to emit (a multiple of stride): resuming a run. Earlier frames are decoded but not scaled. */
  startFrame?: number;
}

export interface RawFrame {
  /** 0-based index of this frame in the source video. */
  frame: number;
  /** Pixels, width x height x channels. Valid until the consumer asks for the next frame. */
  data: Uint8Array;
}

/** Outcome of a finished stream, available once iteration ends. */
export interface StreamEnd {
  frames: number;
  /** ffmpeg's last error lines when it stopped on a decode error (damaged input). */
  error?: string;
}

const CHANNELS = { bgr24: 3, rgb24: 3, gray: 1 } as const;

export function ffmpegFrameArgs(opts: FrameStreamOptions): string[] {
  const stride = Math.max(1, Math.floor(opts.stride ?? 1));
  const start = Math.max(0, Math.floor(opts.startFrame ?? 0));
  const filters = [];
  // select before scale so dropped frames are never scaled; selecting by frame number (not
  // seeking) keeps the resume point exact whatever the keyframe spacing
  const conditions = [stride > 1 ? `not(mod(n\\,${stride}))` : "", start > 0 ? `gte(n\\,${start})` : ""].filter(Boolean);
  if (conditions.length) filters.push(`select=${conditions.join("*")}`);
  filters.push(`scale=${opts.width}:${opts.height}`);
  // -vsync 0 (not -fps_mode): the npm static ffmpeg is from 2018 and predates -fps_mode;
  // without it ffmpeg would duplicate frames to fill the gaps select leaves.
  return ["-vsync", "0", "-vf", filters.join(","), "-f", "rawvideo", "-pix_fmt", opts.pixFmt ?? "bgr24"];
}

export class FrameStream implements AsyncIterable<RawFrame> {
  readonly frameBytes: number;
  readonly stride: number;
  readonly startFrame: number;
  end: StreamEnd = { frames: 0 };
  private command?: ffmpeg.FfmpegCommand;

  constructor(readonly path: string, readonly options: FrameStreamOptions) {
    this.frameBytes = options.width * options.height * CHANNELS[options.pixFmt ?? "bgr24"];
    this.stride = Math.max(1, Math.floor(options.stride ?? 1));
    this.startFrame = Math.max(0, Math.floor(options.startFrame ?? 0));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RawFrame> {
    const queueMax = this.options.queue ?? 4;
    const pool = Array.from({ length: queueMax + 2 }, () => new Uint8Array(this.frameBytes));
    let poolNext = 0;
    const ready: Uint8Array[] = [];
    let filling = pool[poolNext++];
    let filled = 0;
    let done = false;
    let failure: string | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };

    const stderrTail: string[] = [];
    const cmd = ffmpeg(this.path)
      .setFfmpegPath(videoBinaries().ffmpeg)
      .inputOptions(["-nostdin", "-hide_banner"])
      .outputOptions(ffmpegFrameArgs(this.options))
      .on("stderr", (line: string) => {
        stderrTail.push(line);
        if (stderrTail.length > 20) stderrTail.shift();
      })
      .on("error", (err: Error) => {
        if (!/SIGKILL/.test(err.message)) failure = lastErrorLine(stderrTail) ?? err.message;
        done = true;
        notify();
      })
      .on("end", () => {
        done = true;
        notify();
      });
    this.command = cmd;
    const out = cmd.pipe() as Readable;
    out.on("data", (chunk: Buffer) => {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(chunk.length - offset, this.frameBytes - filled);
        filling.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === this.frameBytes) {
          ready.push(filling);
          filling = pool[poolNext++ % pool.length];
          filled = 0;
        }
      }
      if (ready.length >= queueMax) out.pause();
      notify();
    });

    let index = 0;
    try {
      while (true) {
        if (ready.length > 0) {
          const data = ready.shift()!;
          if (ready.length < queueMax && out.isPaused()) out.resume();
          const frame = this.startFrame + index++ * this.stride;
          yield { frame, data };
          continue;
        }
        if (done) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      if (!done) cmd.kill("SIGKILL");
      this.end = { frames: index, error: failure };
    }
  }
}

function lastErrorLine(lines: string[]): string | undefined {
  const interesting = lines.filter((l) => /error|invalid|corrupt|truncat|could not|no such/i.test(l));
  return (interesting.at(-1) ?? lines.at(-1))?.trim();
}

/** Frames per stride-step iteration: the source frame numbers a stream over `frameCount` frames yields. */
export function expectedFrames(frameCount: number, stride: number): number {
  return Math.ceil(frameCount / Math.max(1, stride));
}
