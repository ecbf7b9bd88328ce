// A handful of frames spread evenly over a video, fetched by seeking (not by decoding the
// whole file), so a background plate of an hour-long video costs seconds.
import { runVideoTool } from "./ffmpeg.ts";

export interface SampledFrames {
  width: number;
  height: number;
  /** RGB24 pixels of each sampled frame. */
  frames: Uint8Array[];
  /** Seconds at which each frame was taken. */
  times: number[];
}

/** Evenly spaced sample times, avoiding the very last instant (seeking there often yields nothing). */
export function sampleTimes(duration: number, count: number): number[] {
  const n = Math.max(1, Math.floor(count));
  return Array.from({ length: n }, (_, i) => ((i + 0.5) / n) * duration);
}

async function grab(path: string, t: number, width: number, height: number): Promise<Uint8Array | undefined> {
  const args = ["-nostdin", "-loglevel", "error", "-ss", t.toFixed(3), "-i", path,
    "-frames:v", "1", "-vf", `scale=${width}:${height}`, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"];
  const { code, stdout } = await runVideoTool(args);
  // a damaged region gives nothing (or a failed run): the plate is built from the samples that decode
  return code === 0 && stdout.length === width * height * 3 ? new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length) : undefined;
}

export async function sampleFrames(
  path: string,
  duration: number,
  opts: { count: number; width: number; height: number; concurrency?: number },
): Promise<SampledFrames> {
  const times = sampleTimes(duration, opts.count);
  const results: (Uint8Array | undefined)[] = new Array(times.length);
  let next = 0;
  const worker = async () => {
    while (next < times.length) {
      const i = next++;
      results[i] = await grab(path, times[i], opts.width, opts.height);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 2 }, worker));
  const frames: Uint8Array[] = [];
  const kept: number[] = [];
  results.forEach((f, i) => {
    if (f) {
      frames.push(f);
      kept.push(times[i]);
    }
  });
  return { width: opts.width, height: opts.height, frames, times: kept };
}
