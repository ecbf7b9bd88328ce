// Event snapshots: for each line crossing, entry into a display zone and alert of a run, a small
// still of the frame it happened in, cropped around the person (alerts: the whole picture),
// written beside the run as snapshots/<event_id>.jpg with an index, snapshots.parquet. People
// are blurred by default (the head and shoulders of every box the detector or a track has in
// that frame: scene/redact.ts); `raw` keeps an unblurred still as well, for the store's own
// eyes (`smw publish` leaves snapshots out unless asked, and puts raw ones in only when asked).
import type { DuckDBConnection } from "@duckdb/node-api";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { decodeFrames } from "../count/decode-frames.ts";
import { UserError } from "../errors.ts";
import { readRun } from "../run/read.ts";
import { blurHeads, cropAround, cropScale, type Box } from "../scene/redact.ts";
import { query, sql, withDuckDb, openDuckDb } from "../store/duckdb.ts";
import { runVideoTool } from "../video/ffmpeg.ts";

export type SnapshotMode = "none" | "blurred" | "raw";
export const SNAPSHOT_MODES: readonly SnapshotMode[] = ["none", "blurred", "raw"];
/** Every snapshot is this size (4:3), so one ffmpeg encodes them all. */
export const SNAPSHOT_SIZE = [320, 240] as const;
/** At most this many per run (the most recent kept): a long segment of a busy door stays small. */
export const MAX_SNAPSHOTS = 500;
export const SNAPSHOT_DIR = "snapshots";

export function snapshotMode(v: string, source = "--snapshots"): SnapshotMode {
  if ((SNAPSHOT_MODES as readonly string[]).includes(v)) return v as SnapshotMode;
  throw new UserError(`${source} ${v}: use none, blurred or raw`);
}

/** One event to take a still of. */
interface Moment {
  event_id: string;
  kind: "cross" | "zone" | "alert";
  frame: number;
  t_seconds: number;
  track_id: number | null;
  /** The line, zone or alert rule. */
  name: string;
  class: string | null;
  /** The person's box at the event (source pixels); null: the whole picture. */
  focus: Box | null;
}

/** The events of a run (crossings, display-zone entries, alerts) with the box of the person each is about. */
async function moments(runDir: string): Promise<Moment[]> {
  const file = (name: string) => join(runDir, `${name}.parquet`);
  const parts: string[] = [];
  const box = `(SELECT [x1, y1, x2, y2] FROM read_parquet(${sql.string(file("tracks"))}) t WHERE t.track_id = e.track_id AND t.frame <= e.frame ORDER BY t.frame DESC LIMIT 1)`;
  if (existsSync(file("events"))) {
    parts.push(`SELECT event_id, 'cross' AS kind, frame, t_seconds, track_id, line AS name, class, ${box} AS focus FROM read_parquet(${sql.string(file("events"))}) e`);
  }
  if (existsSync(file("zone_visits"))) {
    // the frame of a zone entry: the track's first observation at or after it entered
    parts.push(`SELECT event_id, 'zone', frame, enter_t, track_id, zone, class, ${box} FROM (
      SELECT v.*, (SELECT min(frame) FROM read_parquet(${sql.string(file("tracks"))}) t WHERE t.track_id = v.track_id AND t.t_seconds >= v.enter_t - 1e-6) AS frame
      FROM read_parquet(${sql.string(file("zone_visits"))}) v WHERE kind = 'display') e WHERE frame IS NOT NULL`);
  }
  if (existsSync(file("alerts")) && existsSync(file("counts"))) {
    // alerts.parquet keeps the time an alert fired: its frame is the analysed frame at that time
    parts.push(`SELECT 'alert-' || frame || '-' || trim(regexp_replace(lower(rule), '[^a-z0-9]+', '-', 'g'), '-'), 'alert', frame, t_seconds, NULL, rule, NULL, NULL FROM (
      SELECT a.*, (SELECT frame FROM read_parquet(${sql.string(file("counts"))}) c ORDER BY abs(c.t_seconds - a.t_seconds) LIMIT 1) AS frame
      FROM read_parquet(${sql.string(file("alerts"))}) a)`);
  }
  if (!parts.length) return [];
  const rows = await withDuckDb((conn) => conn.runAndReadAll(`SELECT * FROM (${parts.join(" UNION ALL ")}) ORDER BY t_seconds DESC, event_id LIMIT ${MAX_SNAPSHOTS}`));
  return (rows.getRowObjectsJS() as Record<string, unknown>[]).map((r) => ({
    event_id: String(r.event_id), kind: r.kind as Moment["kind"], frame: Number(r.frame), t_seconds: Number(r.t_seconds),
    track_id: r.track_id == null ? null : Number(r.track_id), name: String(r.name), class: r.class == null ? null : String(r.class),
    focus: Array.isArray(r.focus) ? (r.focus.map(Number) as unknown as Box) : null,
  }));
}

/**
 * The boxes to blur in each of `frames`: the person detections of that frame (any score) and the
 * boxes of every track within `nearFrames` of it, so someone the detector missed for a moment
 * (recall is about 0.75 in a crowd) is still covered by where their track was just before or after.
 */
export async function peopleNear(runDir: string, frames: number[], nearFrames: number): Promise<Map<number, Box[]>> {
  const byFrame = new Map<number, Box[]>();
  if (!frames.length) return byFrame;
  const list = frames.map(Number).join(",");
  const k = Math.max(0, Math.round(nearFrames));
  const rows = await withDuckDb(async (conn) => (await conn.runAndReadAll(`
    SELECT frame, x1, y1, x2, y2 FROM read_parquet(${sql.string(join(runDir, "detections.parquet"))}) WHERE frame IN (${list}) AND class = 'person'
    UNION ALL SELECT f.frame, t.x1, t.y1, t.x2, t.y2 FROM (SELECT unnest([${list}]) AS frame) f
      JOIN read_parquet(${sql.string(join(runDir, "tracks.parquet"))}) t ON t.frame BETWEEN f.frame - ${k} AND f.frame + ${k}
      ${(await hasClassColumn(conn, runDir)) ? "WHERE t.class = 'person'" : ""}`)).getRowsJS());
  for (const [frame, ...b] of rows as number[][]) {
    const f = Number(frame);
    if (!byFrame.has(f)) byFrame.set(f, []);
    byFrame.get(f)!.push(b.map(Number) as unknown as Box);
  }
  return byFrame;
}

/** Tracks made before tracks.parquet had a class were all people. */
async function hasClassColumn(conn: DuckDBConnection, runDir: string): Promise<boolean> {
  const cols = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sql.string(join(runDir, "tracks.parquet"))})`)).getRowObjectsJS();
  return cols.some((c) => c.column_name === "class");
}

/** How far around a frame track boxes are blurred too: 0.4 s. */
export const NEAR_SECONDS = 0.4;

/** Encodes same-sized RGB stills as JPEGs named `names[i]` in `dir`, with one ffmpeg. */
async function encodeJpegs(images: Uint8Array[], names: string[], dir: string): Promise<void> {
  if (!images.length) return;
  const [w, h] = SNAPSHOT_SIZE;
  const tmp = join(dir, ".encoding");
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const input = new Uint8Array(images.length * w * h * 3);
  images.forEach((img, i) => input.set(img, i * w * h * 3));
  const r = await runVideoTool(["-nostdin", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${w}x${h}`, "-i", "pipe:0",
    "-q:v", "5", "-start_number", "0", "-f", "image2", join(tmp, "%06d.jpg")], { input });
  if (r.code !== 0) throw new Error(`ffmpeg could not encode the snapshots: ${r.stderr.trim().split("\n").at(-1)}`);
  names.forEach((name, i) => renameSync(join(tmp, `${String(i).padStart(6, "0")}.jpg`), join(dir, name)));
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * Writes (or rewrites: the set always matches the run's events) the run's snapshots and
 * snapshots.parquet (also when there is no event yet: the index says snapshots are wanted, so
 * `smw alerts` adds its own later). Without `mode` a rewrite keeps the run's last mode (blurred
 * for a new run); `none` removes them. Returns how many were written.
 */
export async function writeSnapshots(runDir: string, mode?: SnapshotMode): Promise<number> {
  const index = join(runDir, "snapshots.parquet");
  mode ??= existsSync(index) ? await storedMode(index) : "blurred";
  const dir = join(runDir, SNAPSHOT_DIR);
  rmSync(dir, { recursive: true, force: true });
  rmSync(index, { force: true });
  if (mode === "none") return 0;
  const events = await moments(runDir);
  const run = readRun(runDir);
  const { width, height, path } = run.video;
  if (events.length && !existsSync(path)) throw new UserError(`${path}: the run's video is not here, so no snapshots can be taken; run this where the video is`);
  const frames = [...new Set(events.map((e) => e.frame))];
  const people = await peopleNear(runDir, frames, NEAR_SECONDS * run.video.fps);
  const [w, h] = SNAPSHOT_SIZE;
  const blurred: Uint8Array[] = [], raw: Uint8Array[] = [], names: string[] = [], rawNames: string[] = [];
  const rows: string[] = [];
  const byFrame = new Map(events.map((e) => [e.frame, [] as Moment[]]));
  for (const e of events) byFrame.get(e.frame)!.push(e);
  await decodeFrames(path, frames, { width, height, pixFmt: "rgb24" }, (frame, data) => {
    for (const e of byFrame.get(frame) ?? []) {
      const rect = e.focus ? cropAround(e.focus, width, height, w / h) : ([0, 0, width, height] as Box);
      const still = cropScale({ data, width, height }, rect, w, h);
      if (mode === "raw") {
        raw.push(still.image.data.slice());
        rawNames.push(`${e.event_id}.raw.jpg`);
      }
      blurHeads(still.image, (people.get(frame) ?? []).map(still.map));
      blurred.push(still.image.data);
      names.push(`${e.event_id}.jpg`);
      rows.push(`(${[sql.string(e.event_id), sql.string(e.kind), e.frame, e.t_seconds, e.track_id ?? "NULL", sql.string(e.name), e.class ? sql.string(e.class) : "NULL",
        sql.string(`${SNAPSHOT_DIR}/${e.event_id}.jpg`), mode === "raw" ? sql.string(`${SNAPSHOT_DIR}/${e.event_id}.raw.jpg`) : "NULL",
        `[${rect.map((v) => Math.round(v)).join(", ")}]`].join(", ")})`);
    }
  });
  mkdirSync(dir, { recursive: true });
  await encodeJpegs([...blurred, ...raw], [...names, ...rawNames], dir);
  const session = await openDuckDb();
  try {
    await session.conn.run(`CREATE TABLE s (event_id VARCHAR, kind VARCHAR, frame INTEGER, t_seconds DOUBLE, track_id INTEGER, name VARCHAR, class VARCHAR,
      file VARCHAR, raw_file VARCHAR, crop INTEGER[])`);
    if (rows.length) await session.conn.run(`INSERT INTO s VALUES ${rows.join(", ")}`);
    await session.conn.run(`COPY (SELECT * FROM s ORDER BY t_seconds, event_id) TO ${sql.string(`${index}.tmp`)} (FORMAT parquet)`);
  } finally {
    session.close();
  }
  renameSync(`${index}.tmp`, index);
  return names.length;
}

async function storedMode(index: string): Promise<SnapshotMode> {
  const s = await openDuckDb();
  try {
    const [r] = await query<{ raw: boolean }>(s, `SELECT bool_or(raw_file IS NOT NULL) AS raw FROM read_parquet(${sql.string(index)})`);
    return r?.raw ? "raw" : "blurred";
  } finally {
    s.close();
  }
}

/** The snapshot files of a run, for checks: names in snapshots/. */
export function snapshotFiles(runDir: string): string[] {
  const dir = join(runDir, SNAPSHOT_DIR);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
