// Streams decoded frames out of ffmpeg as raw pixels, already scaled by ffmpeg (scaling in
// JS costs 10x more). ffmpeg runs in its own process, so decoding overlaps with whatever the
// consumer does per frame; a small queue of recycled buffers keeps memory flat however long
// the video is.
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { lastErrorLine, runVideoTool, spawnVideoTool } from "./ffmpeg.ts";

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
  /** 0-based index of this frame in the source video (decode order). */
  frame: number;
  /** Presentation time in seconds from the start of the video, from the stream's timestamps. */
  t?: number;
  /** Pixels, width x height x channels. Valid until the consumer asks for the next frame. */
  data: Uint8Array;
}

/** Outcome of a finished stream, available once iteration ends. */
export interface StreamEnd {
  frames: number;
  /** ffmpeg's last error lines when it stopped on a decode error (damaged input). */
  error?: string;
  /**
   * Damage ffmpeg decoded past (it exited 0): corrupt packets, concealed macroblocks, a cut-off
   * file. `afterFrame`/`afterSeconds`: the last frame delivered before the first such message.
   */
  damage?: { message: string; count: number; afterFrame: number; afterSeconds?: number };
}

/** Decoder and demuxer messages that mean pictures were lost or patched up. */
const DAMAGE = /error while decoding|concealing \d+|corrupt|error at mb|damaged|partial file|invalid data found|missing picture|no frame!/i;
/** showinfo's line per output frame; pts_time is the frame's time from the start of the input. */
const SHOWINFO = /\[Parsed_showinfo_\d+ @ [^\]]*\] n:\s*\d+ pts:\s*-?\d+ pts_time:(-?[\d.]+(?:e-?\d+)?)/;

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
  // showinfo logs each output frame's pts on stderr: the frame's true time, also for
  // variable-frame-rate video and after frames lost to damage
  filters.push("showinfo");
  // -vsync 0 (not -fps_mode): the npm static ffmpeg is from 2018 and predates -fps_mode;
  // without it ffmpeg would duplicate frames to fill the gaps select leaves.
  return ["-vsync", "0", "-vf", filters.join(","), "-f", "rawvideo", "-pix_fmt", opts.pixFmt ?? "bgr24"];
}

export class FrameStream implements AsyncIterable<RawFrame> {
  readonly frameBytes: number;
  readonly stride: number;
  readonly startFrame: number;
  end: StreamEnd = { frames: 0 };

  constructor(readonly path: string, readonly options: FrameStreamOptions) {
    this.frameBytes = options.width * options.height * CHANNELS[options.pixFmt ?? "bgr24"];
    this.stride = Math.max(1, Math.floor(options.stride ?? 1));
    this.startFrame = Math.max(0, Math.floor(options.startFrame ?? 0));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RawFrame> {
    const queueMax = this.options.queue ?? 4;
    // Buffers come back to `free` when the consumer asks for the next frame; a buffer that is
    // queued or held by the consumer is never refilled. Pausing the pipe bounds the queue, but
    // one pipe chunk can hold several small frames, so the pool grows when it must.
    const free = Array.from({ length: queueMax + 1 }, () => new Uint8Array(this.frameBytes));
    const ready: Uint8Array<ArrayBuffer>[] = [];
    let held: Uint8Array<ArrayBuffer> | undefined;
    let filling = free.pop()!;
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
    // timestamps of frames ffmpeg produced that the consumer has not taken yet (a queue, so
    // memory stays flat), and how many it produced in all
    const times: number[] = [];
    let produced = 0;
    let lastTime: number | undefined;
    let damage: StreamEnd["damage"];
    let index = 0;
    const onStderr = (line: string) => {
      const m = SHOWINFO.exec(line);
      if (m) {
        times.push(Number(m[1]));
        produced++;
        notify();
        return;
      }
      if (line.includes("Parsed_showinfo")) return; // its continuation lines
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
      // the file name is echoed in ffmpeg's lines and may itself contain such words
      if (DAMAGE.test(line.split(this.path).join("")) && !/^(Input|Output) #/.test(line)) {
        if (damage) damage.count++;
        else {
          const last = produced - 1; // the newest frame ffmpeg had produced
          damage = {
            // "[h264 @ 0x..] msg" or "<path>: msg" -> "msg"
            message: line.split(this.path).join("").replace(/^\[[^\]]*\]\s*/, "").replace(/^:\s*/, "").trim(),
            count: 1,
            afterFrame: this.startFrame + last * this.stride,
            afterSeconds: last >= 0 ? times.at(-1) ?? lastTime : undefined,
          };
        }
      }
    };
    const child: ChildProcess = spawnVideoTool(["-nostdin", "-i", this.path, ...ffmpegFrameArgs(this.options), "pipe:1"], { stdio: ["ignore", "pipe", "pipe"] });
    let killed = false;
    createInterface({ input: child.stderr!, crlfDelay: Infinity }).on("line", onStderr);
    child.on("error", (err: Error) => {
      failure = err.message;
      done = true;
      notify();
    });
    // 'close' comes after stdout and stderr have ended, so every frame and its showinfo line are in
    child.on("close", (code, signal) => {
      if (!killed && (code !== 0 || signal)) failure ??= lastErrorLine(stderrTail) ?? `ffmpeg exit ${code ?? signal}`;
      done = true;
      notify();
    });
    const out = child.stdout!;
    out.on("data", (chunk: Buffer) => {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(chunk.length - offset, this.frameBytes - filled);
        filling.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === this.frameBytes) {
          ready.push(filling);
          filling = free.pop() ?? new Uint8Array(this.frameBytes);
          filled = 0;
        }
      }
      if (ready.length >= queueMax) out.pause();
      notify();
    });

    try {
      while (true) {
        // a frame goes out with its timestamp: wait for its showinfo line unless ffmpeg is done
        if (ready.length > 0 && (times.length > 0 || done)) {
          const data = ready.shift()!;
          if (ready.length < queueMax && out.isPaused()) out.resume();
          const t = times.shift();
          if (t !== undefined) lastTime = t;
          const frame = this.startFrame + index++ * this.stride;
          if (held) free.push(held); // the consumer is done with the previous frame
          held = data;
          yield { frame, t, data };
          continue;
        }
        if (done) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      if (!done) {
        killed = true;
        child.kill("SIGKILL");
      }
      this.end = { frames: index, error: failure, damage };
    }
  }
}

/**
 * The first frame at or after each of `times` (seconds from the start, rounded to the millisecond
 * as a seek is), RGB at width x height, in one decoding pass: ffmpeg's select keeps those frames,
 * so only they are scaled and sent. For a short video this costs a fraction of seeking to each
 * time (a seek decodes from the keyframe before it, in a process of its own): 0.35 against 1.7 s
 * for 25 frames of TUD-Stadtmitte, 2.1 against 6.7 s for the mall clip. The frames equal what
 * seeking gives in MP4 (every sample of both bundled clips and the mall clip); AVI's seeks land a
 * frame early at some times, so there the pass gives the frame the time names. Undefined when the
 * pass did not give one frame per time (two times between the same two frames, damage).
 */
export async function framesAtTimes(path: string, times: readonly number[], width: number, height: number): Promise<Uint8Array[] | undefined> {
  const at = times.map((t) => t.toFixed(3));
  // a frame is kept when a time falls after the frame before it and at or before it
  const keep = [`isnan(prev_pts)*gte(t\\,${at[0]})`, ...at.map((t) => `gte(t\\,${t})*lt(prev_pts*TB\\,${t})`)].join("+");
  const r = await runVideoTool(["-nostdin", "-loglevel", "error", "-i", path, "-vsync", "0", "-vf", `select=${keep},scale=${width}:${height}`, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
  const size = width * height * 3;
  if (r.code !== 0 || r.stdout.length !== size * times.length) return undefined;
  return times.map((_, i) => new Uint8Array(r.stdout.buffer, r.stdout.byteOffset + i * size, size));
}
