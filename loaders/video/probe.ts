// Video metadata from ffprobe, turned into the few numbers the pipeline needs, with
// errors a person can act on (the file is missing, is a folder, is empty, is not a video).
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { UserError } from "../errors.ts";
import { videoBinaries } from "./binaries.ts";
import { runVideoTool } from "./ffmpeg.ts";

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
}
interface ProbeData {
  streams: ProbeStream[];
  format: { duration?: string };
}

/** ffprobe as JSON; its stderr becomes the message when it cannot read the file. */
async function ffprobe(path: string): Promise<ProbeData> {
  const r = await runVideoTool(["-v", "error", "-print_format", "json", "-show_streams", "-show_format", path], { tool: "ffprobe" }).catch((err: NodeJS.ErrnoException) => {
    const bin = videoBinaries().ffprobe;
    if (err.code === "EACCES" || err.code === "ENOENT") {
      const fix = err.code === "EACCES" ? `make it executable (chmod +x ${bin})` : "reinstall with npm install";
      throw new UserError(`${bin}: cannot run ffprobe (${err.code}); install ffmpeg (apt-get install ffmpeg) or ${fix}`);
    }
    throw err;
  });
  if (r.code !== 0) throw Object.assign(new Error(r.stderr.trim() || `ffprobe exit ${r.code ?? r.signal}`), { signal: r.signal ?? undefined });
  try {
    return JSON.parse(r.stdout.toString("utf8")) as ProbeData;
  } catch {
    throw new Error("ffprobe printed no JSON");
  }
}

/** An ISO-BMFF (MP4/MOV) file starts with a box: 4 size bytes, then ftyp/mdat/free/wide/moov/skip. */
function looksLikeMp4(path: string): boolean {
  try {
    const fd = openSync(path, "r");
    const head = Buffer.alloc(8);
    readSync(fd, head, 0, 8, 0);
    closeSync(fd);
    return /^(ftyp|mdat|free|wide|moov|skip)$/.test(head.toString("latin1", 4, 8));
  } catch {
    return false;
  }
}

/** The one-line reason and fix for a file ffprobe cannot open. */
export function unreadableMessage(path: string, ffprobeError: string, signal?: string): string {
  if (/moov atom not found/i.test(ffprobeError) && looksLikeMp4(path)) {
    return `${path}: truncated: the MP4 index (moov atom) is missing, so the recording was cut off before it was finished; copy or export the complete file again (a cut MP4 can only be rebuilt with a tool such as untrunc)`;
  }
  if (signal) return `${path}: ffprobe crashed (${signal}) reading it; install a system ffmpeg (apt-get install ffmpeg), or re-encode the file with ffmpeg`;
  return `${path}: not a readable video (ffprobe could not parse it); check the file is a video and not damaged`;
}

export interface VideoInfo {
  path: string;
  width: number;
  height: number;
  /** Frames per second (average frame rate of the stream). */
  fps: number;
  /** Frame count: from the container when it says, else estimated from duration x fps. */
  frameCount: number;
  /** Seconds. */
  duration: number;
  codec: string;
}

function parseRate(rate: string | undefined): number {
  if (!rate) return NaN;
  const [num, den] = rate.split("/").map(Number);
  return den ? num / den : num;
}

/** Fail early, before ffprobe, on the mistakes ffprobe reports cryptically. */
export function checkVideoPath(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UserError(`${path}: no such file; check the path to the video`);
  }
  if (st.isDirectory()) throw new UserError(`${path}: is a folder, not a video file; pass the video files inside it`);
  if (st.size === 0) throw new UserError(`${path}: file is empty (0 bytes); re-export or re-copy the video`);
}

export async function probeVideo(path: string): Promise<VideoInfo> {
  checkVideoPath(path);
  const data = await ffprobe(path).catch((e: Error & { signal?: string }) => {
    if (e instanceof UserError) throw e;
    throw new UserError(unreadableMessage(path, e.message, e.signal));
  });
  const stream = data.streams.find((s) => s.codec_type === "video");
  if (!stream || !stream.width || !stream.height) {
    throw new UserError(`${path}: has no video stream; pass a video file (audio-only and image files are not supported)`);
  }
  const fps = parseRate(stream.avg_frame_rate) || parseRate(stream.r_frame_rate);
  if (!Number.isFinite(fps) || fps <= 0) throw new UserError(`${path}: video stream has no frame rate; re-encode it with ffmpeg`);
  const duration = Number(stream.duration) || Number(data.format.duration) || 0;
  const nb = Number(stream.nb_frames);
  const frameCount = Number.isFinite(nb) && nb > 0 ? nb : Math.round(duration * fps);
  return { path, width: stream.width, height: stream.height, fps, frameCount, duration, codec: stream.codec_name ?? "unknown" };
}
