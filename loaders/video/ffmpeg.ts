// The one place ffmpeg and ffprobe are started. Every child runs the binary videoBinaries()
// picked with videoEnv() (the static npm builds crash in glibc's iconv without it: see
// binaries.ts), and stderr is read one way for one-line messages. Callers say what to run;
// this file says how.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { videoBinaries, videoEnv } from "./binaries.ts";

export type VideoTool = "ffmpeg" | "ffprobe";

/** Starts ffmpeg (or ffprobe) with `-hide_banner`; the caller wires its streams and must handle 'error'. */
export function spawnVideoTool(args: string[], opts: SpawnOptions & { tool?: VideoTool } = {}): ChildProcess {
  const { tool = "ffmpeg", ...spawnOpts } = opts;
  return spawn(videoBinaries()[tool], ["-hide_banner", ...args], { env: videoEnv(), ...spawnOpts });
}

/** The last `max` non-empty stderr lines of a child, kept up to date as it writes. */
export function stderrTail(child: ChildProcess, max = 40): string[] {
  const lines: string[] = [];
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (s: string) => {
    lines.push(...s.split(/\r\n|\r|\n/).filter(Boolean));
    if (lines.length > max) lines.splice(0, lines.length - max);
  });
  return lines;
}

export interface ToolResult {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs ffmpeg or ffprobe to the end, with `input` on stdin, and collects its output. Rejects
 * only when the binary cannot be started (the error's `code` says why: ENOENT, EACCES); a
 * failed run resolves with its exit code and stderr.
 */
export function runVideoTool(args: string[], opts: { tool?: VideoTool; input?: Uint8Array } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const p = spawnVideoTool(args, { tool: opts.tool, stdio: [opts.input ? "pipe" : "ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    p.stdout!.on("data", (b: Buffer) => out.push(b));
    p.stderr!.on("data", (b: Buffer) => (err += b.toString()));
    p.on("error", reject);
    p.on("close", (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: err }));
    if (opts.input) {
      p.stdin!.on("error", () => {}); // EPIPE when ffmpeg stops early: its exit code says why
      p.stdin!.end(Buffer.from(opts.input.buffer, opts.input.byteOffset, opts.input.byteLength));
    }
  });
}

/** Runs ffmpeg (or ffprobe) synchronously for a short answer on stdout, e.g. `-encoders`. Throws when it fails. */
export function videoToolSync(args: string[], tool: VideoTool = "ffmpeg"): string {
  return execFileSync(videoBinaries()[tool], ["-hide_banner", ...args], { encoding: "utf8", env: videoEnv(), stdio: ["ignore", "pipe", "ignore"] });
}

/** The last stderr line that looks like an error (else the last line), for one-line messages. */
export function lastErrorLine(lines: readonly string[]): string | undefined {
  const interesting = lines.filter((l) => /error|invalid|corrupt|truncat|could not|no such|denied|refused|failed|not found/i.test(l));
  return (interesting.at(-1) ?? lines.at(-1))?.trim();
}
