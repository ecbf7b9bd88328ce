// Live inputs (RTSP/HTTP cameras, webcams, or a file played at its own pace): ffmpeg's
// segment muxer records rolling MP4 segments into <out>/segments/, and every segment it
// finishes is analysed with analyzeVideo into <out>/<segment-name>/, one at a time, while
// recording goes on. Recording stops after `durationSeconds`, at the next `until` local time
// ("HH:MM"), when the signal aborts, or when a file input ends; a network input that drops
// is reconnected. <out>/segments.jsonl gets one line per analysed segment.
//
// Segment names are the local wall-clock time the segment's first frame arrived,
// YYYYmmdd_HHMMSS. They are not made by ffmpeg's `-strftime 1`: that names a file when it is
// opened, and ffmpeg opens segments in a burst after probing a live input (it buffers the
// first ~5 s while it probes), so two segments got the same second and the second overwrote
// the first (seen on the test stream: 3 s segments named 042804, 042804, 042805). ffmpeg
// writes numbered parts instead, and each finished part is renamed to connection start +
// the part's start offset, which is both unique and closer to when the frames were filmed.
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import type { ChildProcess } from "node:child_process";
import { UserError } from "../errors.ts";
import { analyzeSegment, type SegmentJob } from "../pipeline/segment.ts";
import type { RunSummary } from "../run/contract.ts";
import { ensureWritableDir } from "../store/out-dir.ts";
import { lastErrorLine, spawnVideoTool, stderrTail } from "../video/ffmpeg.ts";

export interface WatchOptions {
  /** rtsp://..., http(s)://..., a file path, or a webcam (/dev/video0, v4l2:/dev/video0). */
  input: string;
  /** Output folder: segments/ plus one run folder per segment. */
  out: string;
  /** Segment length, seconds (>= 1). Default 60. */
  segmentSeconds?: number;
  /** Stop recording after this many seconds. */
  durationSeconds?: number;
  /** Stop recording at the next occurrence of this local time, "HH:MM" (24 h). */
  until?: string;
  /**
   * Options passed to analyzeVideo for every segment (model, stride, tracker, ...), or a
   * function of the segment giving them (e.g. to record the segment's wall-clock start).
   */
  analyze?: SegmentAnalyzeOptions | ((segment: { name: string; file: string; start: Date }) => SegmentAnalyzeOptions);
  /** Keep the recorded MP4 segments after analysis (default true); false deletes each once its run is written. */
  keepSegments?: boolean;
  /** Called after each segment is analysed (or failed to be). */
  onSegment?: (s: SegmentResult) => void | Promise<void>;
  /** Aborting stops recording gracefully (the current segment is finished and analysed). */
  signal?: AbortSignal;
  /** Re-encode (H.264) instead of copying the stream. Default: only for webcams. */
  reencode?: boolean;
  /** Read a file input at its native frame rate, like a camera. Default true. */
  realtime?: boolean;
  /** Reconnect a network input that drops before the stop time. Default true. */
  reconnect?: boolean;
  reconnectDelaySeconds?: number;
  /** A recorder that makes no progress for this long is restarted (network) or stopped. Default 30. */
  stallSeconds?: number;
  /** Status lines (connects, reconnects, segment results). */
  log?: (line: string) => void;
  /** Clock for `until` (tests). */
  now?: () => Date;
}

export type SegmentAnalyzeOptions = Omit<SegmentJob, "video" | "out" | "onProgress">;

export interface SegmentResult {
  /** Segment name (file name without extension), e.g. 20250301_141500. */
  name: string;
  file: string;
  runDir: string;
  /** Local wall-clock start of the segment, from its name (ISO 8601). */
  startedAt: string;
  summary?: RunSummary;
  error?: string;
  /** Seconds the analysis took. */
  analyseSeconds: number;
}

export type StopReason = "duration" | "until" | "signal" | "input-ended" | "input-failed";

export interface WatchResult {
  segments: SegmentResult[];
  stoppedBy: StopReason;
  /** Wall-clock seconds from start to the last analysis. */
  seconds: number;
  /** Recorder (re)starts: 1 without reconnects. */
  connections: number;
}

export const WATCH_DEFAULTS = { segmentSeconds: 60, reconnectDelaySeconds: 5, stallSeconds: 30 } as const;

/** Wall-clock name of a segment: local YYYYmmdd_HHMMSS. */
export function segmentName(at: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}_${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
}

/** Milliseconds from `now` to the next local `HH:MM` (tomorrow if it has passed today). */
export function msUntil(hhmm: string, now: Date = new Date()): number {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new UserError(`--until ${hhmm}: expected a local time as HH:MM (24 h), e.g. 18:30`);
  const at = new Date(now);
  at.setHours(Number(m[1]), Number(m[2]), 0, 0);
  if (at.getTime() <= now.getTime()) at.setDate(at.getDate() + 1);
  return at.getTime() - now.getTime();
}

export type InputKind = "network" | "webcam" | "file";

export function inputKind(input: string): InputKind {
  if (/^(rtsps?|rtmps?|https?|udp|tcp|srt|rtp):\/\//i.test(input)) return "network";
  if (/^v4l2:/i.test(input) || /^\/dev\/video\d+$/.test(input)) return "webcam";
  return "file";
}

/** ffmpeg arguments that record `input` into rolling segments under `segDir`. */
export function recorderArgs(input: string, segDir: string, opts: { segmentSeconds: number; durationSeconds?: number; reencode?: boolean; realtime?: boolean; startNumber?: number }): string[] {
  const kind = inputKind(input);
  const pre: string[] = [];
  let src = input;
  if (kind === "webcam") {
    src = input.replace(/^v4l2:(\/\/)?/i, "");
    pre.push("-f", "v4l2");
  } else if (/^rtsps?:/i.test(input)) {
    pre.push("-rtsp_transport", "tcp");
  } else if (kind === "file" && (opts.realtime ?? true)) {
    pre.push("-re");
  }
  const reencode = opts.reencode ?? kind === "webcam";
  const codec = reencode
    ? ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-force_key_frames", `expr:gte(t,n_forced*${opts.segmentSeconds})`]
    : ["-c:v", "copy"];
  return [
    // no -nostdin: a "q" on stdin is how ffmpeg is told to finish the open segment and stop
    "-loglevel", "warning", "-nostats", "-progress", "pipe:1",
    ...pre, "-i", src,
    "-map", "0:v:0", "-an", "-sn", "-dn", ...codec,
    ...(opts.durationSeconds ? ["-t", String(opts.durationSeconds)] : []),
    "-f", "segment", "-segment_time", String(opts.segmentSeconds), "-segment_format", "mp4",
    "-reset_timestamps", "1", "-segment_start_number", String(opts.startNumber ?? 0),
    "-segment_list", join(segDir, "parts.csv"), "-segment_list_type", "csv",
    join(segDir, "part_%06d.mp4"),
  ];
}

/** Local time encoded in a segment name (YYYYmmdd_HHMMSS) as ISO 8601. */
export function segmentStart(name: string): string {
  const m = /^(\d{4})(\d\d)(\d\d)_(\d\d)(\d\d)(\d\d)/.exec(name);
  if (!m) return "";
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return new Date(y, mo - 1, d, h, mi, s).toISOString();
}

export async function watch(opts: WatchOptions): Promise<WatchResult> {
  const t0 = performance.now();
  const segmentSeconds = opts.segmentSeconds ?? WATCH_DEFAULTS.segmentSeconds;
  if (!(segmentSeconds >= 1)) throw new UserError(`--segment ${segmentSeconds}: segments must be at least 1 second long`);
  if (opts.durationSeconds !== undefined && !(opts.durationSeconds > 0)) throw new UserError(`--duration ${opts.durationSeconds}: must be a number of seconds > 0`);
  const kind = inputKind(opts.input);
  if (kind === "file" && !existsSync(opts.input)) throw new UserError(`${opts.input}: no such file; pass a camera URL (rtsp://, http://), a webcam (/dev/video0) or a video file`);
  const now = opts.now ?? (() => new Date());
  const untilMs = opts.until !== undefined ? msUntil(opts.until, now()) : undefined;
  const out = resolve(opts.out);
  const segDir = join(out, "segments");
  ensureWritableDir(segDir);
  const log = opts.log ?? (() => {});
  const reconnect = (opts.reconnect ?? true) && kind === "network";
  const reconnectDelay = (opts.reconnectDelaySeconds ?? WATCH_DEFAULTS.reconnectDelaySeconds) * 1000;
  const stallMs = (opts.stallSeconds ?? WATCH_DEFAULTS.stallSeconds) * 1000;
  const deadline = Date.now() + Math.min(opts.durationSeconds !== undefined ? opts.durationSeconds * 1000 : Infinity, untilMs ?? Infinity);

  // --- analysis: one segment at a time, in the order they were finished
  const segments: SegmentResult[] = [];
  const seen = new Set<string>();
  const queue: string[] = [];
  let wakeWorker: (() => void) | undefined;
  let recording = true;
  const worker = (async () => {
    while (true) {
      const file = queue.shift();
      if (!file) {
        if (!recording) break;
        await new Promise<void>((r) => (wakeWorker = r));
        continue;
      }
      const name = basename(file, extname(file));
      const runDir = join(out, name);
      const ta = performance.now();
      const result: SegmentResult = { name, file, runDir, startedAt: segmentStart(name), analyseSeconds: 0 };
      try {
        const extra = typeof opts.analyze === "function" ? opts.analyze({ name, file, start: new Date(result.startedAt) }) : opts.analyze;
        result.summary = (await analyzeSegment({ ...extra, video: file, out: runDir })).summary;
        if (result.summary.partial) result.error = `partial: ${result.summary.partial.error}`;
        else if (opts.keepSegments === false) rmSync(file, { force: true });
      } catch (e) {
        result.error = (e as Error).message;
      }
      result.analyseSeconds = (performance.now() - ta) / 1000;
      segments.push(result);
      appendFileSync(join(out, "segments.jsonl"), JSON.stringify({
        name, file, runDir, startedAt: result.startedAt, analyseSeconds: Number(result.analyseSeconds.toFixed(2)),
        framesAnalysed: result.summary?.framesAnalysed ?? 0, durationSeconds: result.summary?.video.duration ?? 0,
        tracks: result.summary?.tracks ?? 0, error: result.error,
      }) + "\n");
      log(result.error
        ? `segment ${name}: ${result.error}`
        : `segment ${name}: ${result.summary!.framesAnalysed} frames, ${result.summary!.tracks} tracks (analysed in ${result.analyseSeconds.toFixed(1)} s${queue.length ? `, ${queue.length} waiting` : ""})`);
      await opts.onSegment?.(result);
    }
  })();

  // ffmpeg lists each part once it is closed: "part_000003.mp4,<start s>,<end s>"
  const listFile = join(segDir, "parts.csv");
  let connectedAt = Date.now();
  let nextPart = 0;
  const pollList = () => {
    if (!existsSync(listFile)) return;
    for (const line of readFileSync(listFile, "utf8").split("\n")) {
      const [part, start] = line.split(",");
      if (!part?.trim() || seen.has(part)) continue;
      const partFile = join(segDir, part.trim());
      if (!existsSync(partFile) || statSync(partFile).size === 0) continue;
      seen.add(part);
      nextPart = Math.max(nextPart, Number(/(\d+)/.exec(part)?.[1] ?? -1) + 1);
      let name = segmentName(new Date(connectedAt + Number(start) * 1000));
      for (let k = 2; existsSync(join(segDir, `${name}.mp4`)); k++) name = `${name.split("-")[0]}-${k}`;
      const file = join(segDir, `${name}.mp4`);
      renameSync(partFile, file);
      queue.push(file);
      wakeWorker?.();
    }
  };

  // --- recording, restarted on network drops until the stop time
  let stoppedBy: StopReason | undefined;
  let current: ChildProcess | undefined;
  const stopRecorder = (why: StopReason) => {
    stoppedBy ??= why;
    const p = current;
    if (!p || p.exitCode !== null) return;
    // 'q' makes ffmpeg finish the open segment and its list entry; escalate if it hangs
    p.stdin?.write("q");
    const int = setTimeout(() => p.exitCode === null && p.kill("SIGINT"), 5000);
    const kill = setTimeout(() => p.exitCode === null && p.kill("SIGKILL"), 15000);
    p.once("close", () => {
      clearTimeout(int);
      clearTimeout(kill);
    });
  };
  const onAbort = () => stopRecorder("signal");
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const untilTimer = untilMs !== undefined ? setTimeout(() => stopRecorder("until"), untilMs) : undefined;
  const poller = setInterval(pollList, 250);

  let connections = 0;
  let lastError: string | undefined;
  try {
    while (!stoppedBy && !opts.signal?.aborted) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        stoppedBy = opts.durationSeconds !== undefined && (untilMs === undefined || opts.durationSeconds * 1000 <= untilMs) ? "duration" : "until";
        break;
      }
      const durationSeconds = opts.durationSeconds !== undefined ? Math.max(0.1, remaining / 1000) : undefined;
      const args = recorderArgs(opts.input, segDir, { segmentSeconds, durationSeconds, reencode: opts.reencode, realtime: opts.realtime, startNumber: nextPart });
      connections++;
      connectedAt = Date.now();
      log(`${connections === 1 ? "recording" : "reconnected to"} ${opts.input} in ${segmentSeconds} s segments -> ${segDir}`);
      const { code, stderr, stalled } = await runRecorder(args, stallMs, (p) => (current = p));
      current = undefined;
      pollList();
      if (stoppedBy) break;
      if (stalled) lastError = `no data for ${stallMs / 1000} s`;
      else if (code !== 0) lastError = lastErrorLine(stderr) ?? `ffmpeg exit ${code}`;
      else lastError = undefined;
      if (Date.now() >= deadline - 500 && opts.durationSeconds !== undefined && code === 0) {
        stoppedBy = "duration";
        break;
      }
      if (!reconnect) {
        stoppedBy = code === 0 && !stalled ? "input-ended" : "input-failed";
        break;
      }
      log(`${opts.input}: ${lastError ?? "stream ended"}; reconnecting in ${reconnectDelay / 1000} s`);
      await sleepUnless(reconnectDelay, () => !!stoppedBy || !!opts.signal?.aborted || Date.now() >= deadline);
    }
  } finally {
    clearInterval(poller);
    if (untilTimer) clearTimeout(untilTimer);
    opts.signal?.removeEventListener("abort", onAbort);
    pollList();
    recording = false;
    wakeWorker?.();
    await worker;
  }
  stoppedBy ??= opts.signal?.aborted ? "signal" : "duration";
  if (stoppedBy === "input-failed" && segments.length === 0) {
    throw new UserError(`${opts.input}: could not record (${lastError}); check the camera URL is reachable and plays in ffplay/VLC`);
  }
  return { segments, stoppedBy, seconds: (performance.now() - t0) / 1000, connections };
}

function runRecorder(args: string[], stallMs: number, started: (p: ChildProcess) => void): Promise<{ code: number | null; stderr: string[]; stalled: boolean }> {
  return new Promise((resolvePromise) => {
    const p = spawnVideoTool(args, { stdio: ["pipe", "pipe", "pipe"] });
    started(p);
    const stderr = stderrTail(p);
    let lastProgress = Date.now();
    let stalled = false;
    p.stdout!.on("data", () => (lastProgress = Date.now()));
    p.stdin!.on("error", () => {});
    const watchdog = setInterval(() => {
      if (Date.now() - lastProgress > stallMs && p.exitCode === null) {
        stalled = true;
        p.kill("SIGKILL");
      }
    }, 1000);
    let spawnError: string | undefined;
    p.on("error", (e) => (spawnError = e.message));
    p.on("close", (code) => {
      clearInterval(watchdog);
      if (spawnError) stderr.push(spawnError);
      resolvePromise({ code, stderr, stalled });
    });
  });
}

function sleepUnless(ms: number, stop: () => boolean): Promise<void> {
  return new Promise((r) => {
    const end = Date.now() + ms;
    const tick = setInterval(() => {
      if (stop() || Date.now() >= end) {
        clearInterval(tick);
        r();
      }
    }, 200);
  });
}
