// Live inputs (RTSP/HTTP cameras, webcams, or a file played at its own pace): ffmpeg's
// segment muxer records rolling MP4 segments into <out>/segments/, and every segment it
// finishes is analysed by the segment recipe into <out>/<segment-name>/, one at a time, while
// recording goes on. Recording stops after `durationSeconds`, at the next `until` local time
// ("HH:MM"), when the signal aborts, or when a file input ends. A network input that drops is
// reconnected (every second for the first minute, then every 5 s) and the time without
// pictures is recorded as a gap (<out>/gaps.jsonl: from, to, reason); what was recorded before
// the drop is finished and analysed like any segment. <out>/segments.jsonl gets one line per
// analysed segment and <out>/watch.json sums the watch up when it stops.
//
// Segment names are the local wall-clock time the segment's first frame arrived,
// YYYYmmdd_HHMMSS. They are not made by ffmpeg's `-strftime 1`: that names a file when it is
// opened, and ffmpeg opens segments in a burst after probing a live input (it buffers the
// first ~5 s while it probes), so two segments got the same second and the second overwrote
// the first (seen on the test stream: 3 s segments named 042804, 042804, 042805). ffmpeg
// writes numbered parts instead, and each finished part is renamed to the stream's origin
// (recorder.ts) + the part's start offset, which is both unique and when the frames were filmed.
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import type { ChildProcess } from "node:child_process";
import { UserError } from "../errors.ts";
import { analyzeSegment, type SegmentJob } from "../pipeline/segment.ts";
import type { RunSummary } from "../run/contract.ts";
import { ensureWritableDir } from "../store/out-dir.ts";
import { lastErrorLine } from "../video/ffmpeg.ts";
import { httpStream, inputKind, recorderArgs, redactCredentials, refusedTransport, withCredentials, type RtspTransport } from "./live-input.ts";
import { runRecorder, stopRecorder, type RecorderRun } from "./recorder.ts";

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
  /** Seconds between reconnection attempts in the first minute of an outage (then at least 5). Default 1. */
  reconnectDelaySeconds?: number;
  /** RTSP over TCP or UDP; default TCP, falling back to UDP when the camera refuses TCP. */
  transport?: RtspTransport;
  /** Where the camera's user and password come from (SMW_CAMERA_USER, SMW_CAMERA_PASSWORD); default process.env. */
  env?: NodeJS.ProcessEnv;
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
  /** Wall-clock time of the segment's first frame (ISO 8601, to the millisecond; the name rounds it down to the second). */
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
  /** Times without pictures between connections (and a camera still down when the watch stopped). */
  gaps: Gap[];
}

/** A time the watcher had no pictures from a network input. */
export interface Gap {
  /** Wall clock (ISO 8601) of the last frame kept before the drop (the watch's start if the camera was down from the start). */
  from: string;
  /** Wall clock of the first frame after reconnecting (the watch's stop if it never came back). */
  to: string;
  seconds: number;
  /** Why the input dropped (ffmpeg's last error line, or "stream ended"), credentials removed. */
  reason: string;
  /** Failed connection attempts before pictures came again. */
  attempts: number;
}

export const WATCH_DEFAULTS = { segmentSeconds: 60, reconnectDelaySeconds: 1, stallSeconds: 30 } as const;
/** After this long down, reconnection attempts come every RETRY_SLOW_MS at least. */
const RETRY_FAST_FOR_MS = 60_000;
const RETRY_SLOW_MS = 5_000;

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

/** Local time encoded in a segment name (YYYYmmdd_HHMMSS) as ISO 8601. */
export function segmentStart(name: string): string {
  const m = /^(\d{4})(\d\d)(\d\d)_(\d\d)(\d\d)(\d\d)/.exec(name);
  if (!m) return "";
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return new Date(y, mo - 1, d, h, mi, s).toISOString();
}


const iso = (ms: number) => new Date(ms).toISOString();

export async function watch(opts: WatchOptions): Promise<WatchResult> {
  const t0 = performance.now();
  const startedAt = Date.now();
  const segmentSeconds = opts.segmentSeconds ?? WATCH_DEFAULTS.segmentSeconds;
  if (!(segmentSeconds >= 1)) throw new UserError(`--segment ${segmentSeconds}: segments must be at least 1 second long`);
  if (opts.durationSeconds !== undefined && !(opts.durationSeconds > 0)) throw new UserError(`--duration ${opts.durationSeconds}: must be a number of seconds > 0`);
  const kind = inputKind(opts.input);
  // what ffmpeg opens (credentials from the environment) and what logs and files say (none)
  const url = withCredentials(opts.input, opts.env);
  const shown = redactCredentials(opts.input);
  if (kind === "file" && !existsSync(opts.input)) throw new UserError(`${opts.input}: no such file; pass a camera URL (rtsp://, http://), a webcam (/dev/video0) or a video file`);
  const now = opts.now ?? (() => new Date());
  const untilMs = opts.until !== undefined ? msUntil(opts.until, now()) : undefined;
  const out = resolve(opts.out);
  const segDir = join(out, "segments");
  ensureWritableDir(segDir);
  const log = (line: string) => opts.log?.(redactCredentials(line));
  const reconnect = (opts.reconnect ?? true) && kind === "network";
  const reconnectDelay = (opts.reconnectDelaySeconds ?? WATCH_DEFAULTS.reconnectDelaySeconds) * 1000;
  const stallMs = (opts.stallSeconds ?? WATCH_DEFAULTS.stallSeconds) * 1000;
  const deadline = Date.now() + Math.min(opts.durationSeconds !== undefined ? opts.durationSeconds * 1000 : Infinity, untilMs ?? Infinity);

  const analysis = analysisWorker(opts, out, log);

  // --- gaps: from the last frame kept before a drop to the first frame after reconnecting
  const gaps: Gap[] = [];
  let gap: { from: number; reason: string; attempts: number } | undefined;
  const closeGap = (to: number, note = "") => {
    if (!gap) return;
    const g: Gap = { from: iso(gap.from), to: iso(to), seconds: Number(((to - gap.from) / 1000).toFixed(2)), reason: gap.reason + note, attempts: gap.attempts };
    gap = undefined;
    gaps.push(g);
    appendFileSync(join(out, "gaps.jsonl"), JSON.stringify(g) + "\n");
    log(`gap of ${g.seconds.toFixed(1)} s without pictures (${g.from} to ${g.to}): ${g.reason}`);
  };

  // --- the current connection; ffmpeg lists each part once it is closed: "part_000003.mp4,<start s>,<end s>"
  const listFile = join(segDir, "parts.csv");
  let conn = { spawnedAt: Date.now(), origin: undefined as number | undefined, firstPart: 0, lastEnd: 0 };
  let nextPart = 0;
  const seen = new Set<string>();
  const pollList = () => {
    if (!existsSync(listFile)) return;
    for (const line of readFileSync(listFile, "utf8").split("\n")) {
      const [part, start, end] = line.split(",");
      if (!part?.trim() || seen.has(part)) continue;
      const partFile = join(segDir, part.trim());
      if (!existsSync(partFile) || statSync(partFile).size === 0) continue;
      seen.add(part);
      const index = Number(/(\d+)/.exec(part)?.[1] ?? -1);
      nextPart = Math.max(nextPart, index + 1);
      const origin = conn.origin ?? conn.spawnedAt;
      if (index >= conn.firstPart) conn.lastEnd = Math.max(conn.lastEnd, Number(end) || 0);
      if (conn.origin !== undefined) closeGap(conn.origin);
      if (!(Number(end) > Number(start))) {
        // a drop right after a part was opened leaves it without a single frame: nothing to keep
        rmSync(partFile, { force: true });
        continue;
      }
      const startMs = origin + Number(start) * 1000;
      let name = segmentName(new Date(startMs));
      for (let k = 2; existsSync(join(segDir, `${name}.mp4`)); k++) name = `${name.split("-")[0]}-${k}`;
      const file = join(segDir, `${name}.mp4`);
      renameSync(partFile, file);
      analysis.push(file, startMs, Number(end) - Number(start));
    }
  };

  // --- what the camera sends: an HTTP camera's headers say MJPEG (re-encoded, timed by arrival)
  let transport = opts.transport;
  let mjpeg: boolean | undefined;
  const prepare = async (): Promise<string | undefined> => {
    if (mjpeg !== undefined || !/^https?:/i.test(url)) return undefined;
    const r = await httpStream(url);
    if (r.error) return r.error;
    mjpeg = r.mjpeg!;
    if (mjpeg) log(`${shown}: MJPEG, re-encoded to H.264 with each picture's arrival time`);
    return undefined;
  };
  const rtsp = /^rtsps?:/i.test(url);

  // --- recording, restarted on network drops until the stop time
  let stoppedBy: StopReason | undefined;
  let current: ChildProcess | undefined;
  const stop = (why: StopReason) => {
    stoppedBy ??= why;
    stopRecorder(current);
  };
  const onAbort = () => stop("signal");
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const untilTimer = untilMs !== undefined ? setTimeout(() => stop("until"), untilMs) : undefined;
  const poller = setInterval(pollList, 250);
  const dropped = (run: RecorderRun | undefined, reason: string) => {
    if (run?.origin !== undefined) gap = { from: run.origin + conn.lastEnd * 1000, reason, attempts: 0 };
    else if (gap) gap.attempts++;
    else gap = { from: startedAt, reason, attempts: 1 };
  };
  const stopping = () => !!stoppedBy || !!opts.signal?.aborted || Date.now() >= deadline;

  let connections = 0;
  let lastError: string | undefined;
  try {
    while (!stoppedBy && !opts.signal?.aborted) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        stoppedBy = opts.durationSeconds !== undefined && (untilMs === undefined || opts.durationSeconds * 1000 <= untilMs) ? "duration" : "until";
        break;
      }
      const problem = await prepare();
      let run: RecorderRun | undefined;
      if (problem === undefined && !stopping()) {
        const durationSeconds = opts.durationSeconds !== undefined ? Math.max(0.1, (deadline - Date.now()) / 1000) : undefined;
        const args = recorderArgs(url, segDir, {
          segmentSeconds, durationSeconds, reencode: opts.reencode ?? (kind === "webcam" || mjpeg), realtime: opts.realtime, startNumber: nextPart, transport, wallclock: mjpeg,
        });
        connections++;
        conn = { spawnedAt: Date.now(), origin: undefined, firstPart: nextPart, lastEnd: 0 };
        log(`${connections === 1 ? "recording" : "reconnected to"} ${shown} in ${segmentSeconds} s segments -> ${segDir}`);
        run = await runRecorder(args, stallMs, { started: (p) => (current = p), origin: (ms) => (conn.origin = ms) });
        current = undefined;
        pollList();
        if (run.origin !== undefined) closeGap(run.origin);
        if (stoppedBy) break;
        if (rtsp && run.origin === undefined && !opts.transport && transport !== "udp" && refusedTransport(run.stderr)) {
          transport = "udp";
          log(`${shown}: the camera refused RTSP over TCP; using UDP`);
          continue;
        }
        if (run.stalled) lastError = `no data for ${stallMs / 1000} s`;
        else if (run.code !== 0) lastError = lastErrorLine(run.stderr) ?? `ffmpeg exit ${run.code}`;
        else lastError = undefined;
        if (Date.now() >= deadline - 500 && opts.durationSeconds !== undefined && run.code === 0) {
          stoppedBy = "duration";
          break;
        }
      } else if (problem !== undefined) {
        lastError = problem;
      }
      if (!reconnect) {
        stoppedBy = run && run.code === 0 && !run.stalled ? "input-ended" : "input-failed";
        break;
      }
      dropped(run, redactCredentials(lastError ?? "stream ended"));
      const delay = gap && Date.now() - gap.from > RETRY_FAST_FOR_MS ? Math.max(reconnectDelay, RETRY_SLOW_MS) : reconnectDelay;
      log(`${shown}: ${lastError ?? "stream ended"}; reconnecting in ${delay / 1000} s`);
      await sleepUnless(delay, stopping);
    }
  } finally {
    clearInterval(poller);
    if (untilTimer) clearTimeout(untilTimer);
    opts.signal?.removeEventListener("abort", onAbort);
    pollList();
    closeGap(Date.now(), " (still no pictures when the watch stopped)");
    await analysis.finish();
  }
  stoppedBy ??= opts.signal?.aborted ? "signal" : "duration";
  const segments = analysis.segments;
  writeFileSync(join(out, "watch.json"), JSON.stringify({
    input: shown, kind, mjpeg, transport: rtsp ? transport ?? "tcp" : undefined,
    startedAt: iso(startedAt), stoppedAt: new Date().toISOString(), stoppedBy, connections, segments: segments.length, gaps,
  }, null, 2) + "\n");
  if (stoppedBy === "input-failed" && segments.length === 0) {
    throw new UserError(`${shown}: could not record (${redactCredentials(lastError ?? "no pictures")}); check the camera URL is reachable and plays in ffplay/VLC`);
  }
  return { segments, stoppedBy, seconds: (performance.now() - t0) / 1000, connections, gaps };
}

/** Analyses segments one at a time, in the order they were finished, while recording goes on. */
function analysisWorker(opts: WatchOptions, out: string, log: (line: string) => void) {
  const segments: SegmentResult[] = [];
  const queue: { file: string; start: number; seconds: number }[] = [];
  let wake: (() => void) | undefined;
  let recording = true;
  const done = (async () => {
    while (true) {
      const next = queue.shift();
      if (!next) {
        if (!recording) break;
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      const { file } = next;
      const name = basename(file, extname(file));
      const runDir = join(out, name);
      const ta = performance.now();
      const result: SegmentResult = { name, file, runDir, startedAt: iso(next.start), analyseSeconds: 0 };
      try {
        const extra = typeof opts.analyze === "function" ? opts.analyze({ name, file, start: new Date(result.startedAt) }) : opts.analyze;
        result.summary = (await analyzeSegment({ ...extra, video: file, out: runDir })).summary;
        if (result.summary.partial) result.error = `partial: ${result.summary.partial.error}`;
        else if (opts.keepSegments === false) rmSync(file, { force: true });
      } catch (e) {
        // the last part before a drop can hold a fraction of a second that decodes to nothing
        if (next.seconds < 1 && /no frame could be decoded/.test((e as Error).message)) {
          log(`segment ${name}: ${next.seconds.toFixed(2)} s recorded just before the input dropped, no whole frame in it: left out`);
          for (const f of [file, runDir]) rmSync(f, { recursive: true, force: true });
          continue;
        }
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
  return {
    segments,
    push(file: string, start: number, seconds: number) {
      queue.push({ file, start, seconds });
      wake?.();
    },
    async finish() {
      recording = false;
      wake?.();
      await done;
    },
  };
}

function sleepUnless(ms: number, stop: () => boolean): Promise<void> {
  return new Promise((r) => {
    const end = Date.now() + ms;
    const tick = setInterval(() => {
      if (stop() || Date.now() >= end) {
        clearInterval(tick);
        r();
      }
    }, 100);
  });
}
