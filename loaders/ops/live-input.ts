// What a live input is and how ffmpeg reads it: the kind of input, the camera's credentials
// (from the environment, never from a file that gets published), whether an HTTP camera sends
// MJPEG, RTSP's transport, and the arguments of the recorder that writes rolling segments.
// Pure functions but for the HTTP header check.
import { UserError } from "../errors.ts";

export type InputKind = "network" | "webcam" | "file";

export function inputKind(input: string): InputKind {
  if (/^(rtsps?|rtmps?|https?|udp|tcp|srt|rtp):\/\//i.test(input)) return "network";
  if (/^v4l2:/i.test(input) || /^\/dev\/video\d+$/.test(input)) return "webcam";
  return "file";
}

/** Where `smw watch` takes a camera's user name and password from when its URL carries none. */
export const CREDENTIAL_ENV = { user: "SMW_CAMERA_USER", password: "SMW_CAMERA_PASSWORD" } as const;

/**
 * The URL ffmpeg opens: `input` with the user and password from the environment put in (both
 * percent-encoded), unless the URL already names a user. Only network URLs are touched.
 */
export function withCredentials(input: string, env: NodeJS.ProcessEnv = process.env): string {
  const user = env[CREDENTIAL_ENV.user];
  const password = env[CREDENTIAL_ENV.password];
  if (inputKind(input) !== "network" || (!user && !password)) return input;
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(input);
  if (!m || m[2].includes("@")) return input;
  if (!user) throw new UserError(`${CREDENTIAL_ENV.password} is set but ${CREDENTIAL_ENV.user} is not: set both, or neither`);
  const auth = encodeURIComponent(user) + (password ? `:${encodeURIComponent(password)}` : "");
  return `${m[1]}${auth}@${m[2]}${m[3]}`;
}

/** Text safe to print or write: the user and password of every URL in it become `***`. */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, "$1***@");
}

/** True when the URL itself carries a password (it then shows in `ps` and in shell history). */
export function urlHasPassword(input: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(input);
}

export type RtspTransport = "tcp" | "udp";

/**
 * An RTSP server that cannot send over TCP refuses the SETUP (461 Unsupported Transport, or 400
 * from servers that only look for UDP ports, as Debian's rtsp-server-perl does).
 */
export function refusedTransport(stderr: readonly string[]): boolean {
  return stderr.some((l) => /Server returned (400|461)|Unsupported Transport/i.test(l));
}

/** How ffmpeg opens the input: the options before `-i` and the source it reads. */
export function inputArgs(input: string, o: { transport?: RtspTransport; realtime?: boolean; wallclock?: boolean } = {}): string[] {
  const kind = inputKind(input);
  const pre: string[] = [];
  let src = input;
  if (kind === "webcam") {
    src = input.replace(/^v4l2:(\/\/)?/i, "");
    pre.push("-f", "v4l2");
  } else if (/^rtsps?:/i.test(input)) {
    // TCP by default: nothing is lost to a full UDP buffer, and it passes NAT and firewalls
    pre.push("-rtsp_transport", o.transport ?? "tcp");
    // a busy machine reads late: room for a second of 1080p before packets are dropped
    if (o.transport === "udp") pre.push("-buffer_size", String(4 << 20));
  } else if (kind === "file" && (o.realtime ?? true)) {
    pre.push("-re");
  }
  // MJPEG over HTTP has no timestamps: the time each picture arrived is the only honest one
  if (o.wallclock) pre.push("-use_wallclock_as_timestamps", "1");
  return [...pre, "-i", src];
}

export interface RecorderOptions {
  segmentSeconds: number;
  durationSeconds?: number;
  reencode?: boolean;
  realtime?: boolean;
  startNumber?: number;
  transport?: RtspTransport;
  wallclock?: boolean;
}

/** ffmpeg arguments that record `input` into rolling segments under `segDir`. */
export function recorderArgs(input: string, segDir: string, opts: RecorderOptions): string[] {
  const reencode = opts.reencode ?? inputKind(input) === "webcam";
  const codec = reencode
    // zerolatency: no look-ahead, so a frame is in the file as soon as it arrived (ffmpeg's
    // progress reports, which time the stream, lagged 1 s behind the camera without it)
    ? ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-crf", "23", "-pix_fmt", "yuv420p", "-force_key_frames", `expr:gte(t,n_forced*${opts.segmentSeconds})`,
      ...(opts.wallclock ? ["-vsync", "vfr"] : [])]
    : ["-c:v", "copy"];
  return [
    // no -nostdin: a "q" on stdin is how ffmpeg is told to finish the open segment and stop
    "-loglevel", "warning", "-nostats", "-progress", "pipe:1",
    ...inputArgs(input, opts),
    "-map", "0:v:0", "-an", "-sn", "-dn", ...codec,
    ...(opts.durationSeconds ? ["-t", String(opts.durationSeconds)] : []),
    "-f", "segment", "-segment_time", String(opts.segmentSeconds), "-segment_format", "mp4",
    "-reset_timestamps", "1", "-segment_start_number", String(opts.startNumber ?? 0),
    "-segment_list", `${segDir}/parts.csv`, "-segment_list_type", "csv",
    `${segDir}/part_%06d.mp4`,
  ];
}

/**
 * What an HTTP camera sends, from its response headers alone (the body is not read): MJPEG
 * cameras answer multipart/x-mixed-replace; MPEG-TS and HLS carry H.264 that is stored as it
 * comes. Basic credentials in the URL go in an Authorization header (fetch refuses them in URLs).
 */
export async function httpStream(input: string, timeoutMs = 15_000): Promise<{ mjpeg?: boolean; error?: string }> {
  const u = new URL(input);
  const headers: Record<string, string> = {};
  if (u.username || u.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString("base64")}`;
    u.username = u.password = "";
  }
  try {
    const res = await fetch(u, { headers, signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    if (!res.ok && res.status !== 401) return { error: `HTTP ${res.status} ${res.statusText}` };
    return { mjpeg: /multipart\/x-mixed-replace/i.test(res.headers.get("content-type") ?? "") };
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return { error: cause?.code ?? cause?.message ?? (e as Error).message };
  }
}
