// Decodes chosen frames of a video (by 0-based frame number), scaled by ffmpeg, as raw pixels.
// Calibration needs ~100 scattered frames, not the whole video: ffmpeg's select filter drops
// the others before scaling, so they cost a decode and nothing more.
import { runVideoTool } from "../video/ffmpeg.ts";

/** Frames per ffmpeg run: keeps the select expression short. */
const CHUNK = 150;

export function selectExpression(frames: number[]): string {
  return frames.map((f) => `eq(n\\,${f})`).join("+");
}

/**
 * Calls `onFrame` for each requested frame that exists, in ascending frame order, with
 * `width x height x 3` pixels (`pixFmt` order). The buffer is reused: copy what you keep.
 * Returns the frames delivered.
 */
export async function decodeFrames(
  path: string,
  frames: number[],
  o: { width: number; height: number; pixFmt?: "bgr24" | "rgb24" },
  onFrame: (frame: number, data: Uint8Array) => void | Promise<void>,
): Promise<number[]> {
  const wanted = [...new Set(frames.filter((f) => f >= 0).map(Math.floor))].sort((a, b) => a - b);
  const delivered: number[] = [];
  for (let c = 0; c < wanted.length; c += CHUNK) {
    const chunk = wanted.slice(c, c + CHUNK);
    const got = await decodeChunk(path, chunk, o);
    for (let k = 0; k < got.length; k++) {
      await onFrame(chunk[k], got[k]);
      delivered.push(chunk[k]);
    }
  }
  return delivered;
}

async function decodeChunk(path: string, frames: number[], o: { width: number; height: number; pixFmt?: string }): Promise<Uint8Array[]> {
  const size = o.width * o.height * 3;
  const last = frames[frames.length - 1];
  const args = ["-nostdin", "-loglevel", "error", "-i", path,
    "-vf", `select=${selectExpression(frames)},scale=${o.width}:${o.height}`, "-vsync", "0",
    "-frames:v", String(frames.length), "-f", "rawvideo", "-pix_fmt", o.pixFmt ?? "bgr24", "pipe:1"];
  const { code, stdout, stderr } = await runVideoTool(args);
  const n = Math.floor(stdout.length / size);
  if (n === 0 && code !== 0) throw new Error(`ffmpeg could not decode frames up to ${last} of ${path}: ${stderr.trim().split("\n").at(-1)}`);
  return Array.from({ length: n }, (_, i) => new Uint8Array(stdout.buffer, stdout.byteOffset + i * size, size));
}
