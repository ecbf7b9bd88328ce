// Which ffmpeg/ffprobe to run: an explicit override, then a system install (newer codecs,
// hardware support), then the static binaries that ship inside npm packages so a fresh
// `npm install` works offline.
import { execFileSync } from "node:child_process";
import { accessSync, chmodSync, constants, statSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function onPath(name: string): string | undefined {
  try {
    const found = execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

function bundled(pkg: string): string | undefined {
  try {
    return executable((require(pkg) as { path: string }).path);
  } catch {
    return undefined;
  }
}

/**
 * The npm ffprobe ships without its execute bit (its package sets it in a postinstall script),
 * and this project runs no dependency's install script (.npmrc: ignore-scripts). Setting it here
 * is that script's one job; when the folder is read-only, running it fails with EACCES, which
 * probe.ts turns into a message.
 */
function executable(path: string): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    try {
      chmodSync(path, statSync(path).mode | 0o111);
    } catch {}
  }
  return path;
}

let cached: { ffmpeg: string; ffprobe: string; source: string } | undefined;

export function videoBinaries(): { ffmpeg: string; ffprobe: string; source: string } {
  if (cached) return cached;
  const envFfmpeg = process.env.SMW_FFMPEG;
  const envFfprobe = process.env.SMW_FFPROBE;
  if (envFfmpeg && envFfprobe) return (cached = { ffmpeg: envFfmpeg, ffprobe: envFfprobe, source: "env" });
  const sysFfmpeg = onPath("ffmpeg");
  const sysFfprobe = onPath("ffprobe");
  if (sysFfmpeg && sysFfprobe) return (cached = { ffmpeg: sysFfmpeg, ffprobe: sysFfprobe, source: "system" });
  const npmFfmpeg = bundled("@ffmpeg-installer/ffmpeg");
  const npmFfprobe = bundled("@ffprobe-installer/ffprobe");
  if (!npmFfmpeg || !npmFfprobe) {
    throw new Error("no ffmpeg found: install ffmpeg (apt-get install ffmpeg) or run `npm install` to get the bundled binaries");
  }
  return (cached = { ffmpeg: npmFfmpeg, ffprobe: npmFfprobe, source: "npm" });
}

/**
 * Environment for ffmpeg/ffprobe children. The static npm builds link glibc statically; when a
 * demuxer calls iconv (MPEG-TS service names) glibc dlopen()s the host's gconv modules, which
 * do not match and crash the process: the npm ffprobe dies with SIGSEGV on every .ts file.
 * An empty GCONV_PATH makes iconv_open fail cleanly instead (ffmpeg then keeps the raw name).
 */
export function videoEnv(): NodeJS.ProcessEnv {
  return videoBinaries().source === "npm" ? { ...process.env, GCONV_PATH: "/nonexistent-gconv" } : process.env;
}
