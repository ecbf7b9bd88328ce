// Small helpers for the operations that run ffmpeg themselves (annotate encodes, watch
// records): which encoders the binary has, and spawning it with the environment that keeps
// the static npm builds from crashing (videoEnv).
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { videoBinaries, videoEnv } from "../video/binaries.ts";

let encoders: Set<string> | undefined;

/** Names of the video encoders the ffmpeg binary was built with. */
export function videoEncoders(): Set<string> {
  if (encoders) return encoders;
  try {
    const text = execFileSync(videoBinaries().ffmpeg, ["-hide_banner", "-encoders"], { encoding: "utf8", env: videoEnv(), stdio: ["ignore", "pipe", "ignore"] });
    encoders = new Set(text.split("\n").map((l) => /^\s*V\S*\s+(\S+)/.exec(l)?.[1]).filter((n): n is string => !!n));
  } catch {
    encoders = new Set();
  }
  return encoders;
}

/** Encoder arguments for an MP4 people can play anywhere: H.264 when built in, else MPEG-4 part 2. */
export function mp4EncoderArgs(): { codec: string; args: string[] } {
  if (videoEncoders().has("libx264")) {
    return { codec: "libx264", args: ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-movflags", "+faststart"] };
  }
  return { codec: "mpeg4", args: ["-c:v", "mpeg4", "-q:v", "3", "-pix_fmt", "yuv420p", "-movflags", "+faststart"] };
}

export function spawnFfmpeg(args: string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn(videoBinaries().ffmpeg, ["-hide_banner", ...args], { env: videoEnv(), ...opts });
}

/** The last stderr lines that look like an error, for one-line messages. */
export function lastErrorLine(lines: string[]): string | undefined {
  const interesting = lines.filter((l) => /error|invalid|corrupt|could not|no such|denied|refused|failed|not found/i.test(l));
  return (interesting.at(-1) ?? lines.at(-1))?.trim();
}
