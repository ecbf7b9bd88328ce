// People cut out of the bundled clips, from their MOT ground truth: per track, a run of frames in
// which the person is whole and nobody overlaps them (occluded people make bad cut-outs) forms a
// walking cycle; a still stretch, or else the frame with the legs closest together, is the
// standing pose. Each cut-out keeps its ground-truth box, so a rendered person's true box is that
// box moved and scaled: the truth is defined the way the source clip's own ground truth was.
//
// Built on first use (a few seconds) into a cache keyed by the clips' bytes; never committed.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { readMotFile } from "../eval/mot-text.ts";
import type { TrackRow } from "../types.ts";
import { FrameStream } from "../video/frames.ts";
import { probeVideo } from "../video/probe.ts";
import { feather, personMask } from "./mask.ts";
import { fitHeightModel, peopleFreePlate } from "./plate.ts";

/** Bump when the cut-out method changes: old caches are then rebuilt. */
const VERSION = 3;
/** Frames of one walking cycle kept per person (1 s at the clips' 25 fps: about two steps). */
const CYCLE_FRAMES = 25;
const MIN_WALK_FRAMES = 8;

export interface SpriteFrame {
  w: number;
  h: number;
  rgb: Uint8Array;
  alpha: Uint8Array;
  /** The ground-truth box inside the crop, in crop pixels. */
  box: [number, number, number, number];
}

export interface Person {
  source: string;
  track: number;
  /** Screen direction the person walks in the source: +1 right, -1 left (flipped to walk the other way). */
  faces: 1 | -1;
  walk: SpriteFrame[];
  stand: SpriteFrame[];
  /** Foot travel per walk frame in box heights: a rendered person steps through the cycle at this rate. */
  stepHeights: number;
}

export interface ClipPlate {
  source: string;
  width: number;
  height: number;
  rgb: Uint8Array;
  /** Person height in pixels = a + b * footY. */
  heightModel: [number, number];
}

export interface SpriteSet {
  people: Person[];
  plates: ClipPlate[];
}

const REPO = resolve(import.meta.dirname, "..", "..");

/** Where built sprites live: $SMW_SPRITE_CACHE, else .cache/sprites in the repository (gitignored). */
export function spriteCacheDir(): string {
  return process.env.SMW_SPRITE_CACHE ? resolve(process.env.SMW_SPRITE_CACHE) : join(REPO, ".cache", "sprites");
}

async function decodeAll(path: string): Promise<{ width: number; height: number; frames: Uint8Array[] }> {
  const info = await probeVideo(path);
  const frames: Uint8Array[] = [];
  const stream = new FrameStream(path, { width: info.width, height: info.height, pixFmt: "rgb24" });
  for await (const f of stream) frames.push(f.data.slice());
  if (stream.end.error) throw new Error(`${path}: could not decode (${stream.end.error})`);
  return { width: info.width, height: info.height, frames };
}

const intersects = (a: TrackRow, b: TrackRow, grow: number) =>
  a.x1 - grow < b.x2 && b.x1 < a.x2 + grow && a.y1 < b.y2 && b.y1 < a.y2;

function cutOut(frame: Uint8Array, plate: Uint8Array, W: number, H: number, r: TrackRow): SpriteFrame | undefined {
  const bw = r.x2 - r.x1, bh = r.y2 - r.y1;
  const x1 = Math.max(0, Math.floor(r.x1 - bw * 0.12)), x2 = Math.min(W, Math.ceil(r.x2 + bw * 0.12));
  const y1 = Math.max(0, Math.floor(r.y1 - bh * 0.04)), y2 = Math.min(H, Math.ceil(r.y2 + bh * 0.04));
  const w = x2 - x1, h = y2 - y1;
  const rgb = new Uint8Array(w * h * 3);
  const bg = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const from = ((y1 + y) * W + x1) * 3;
    rgb.set(frame.subarray(from, from + w * 3), y * w * 3);
    bg.set(plate.subarray(from, from + w * 3), y * w * 3);
  }
  const box: [number, number, number, number] = [r.x1 - x1, r.y1 - y1, r.x2 - x1, r.y2 - y1];
  const mask = personMask(rgb, bg, w, h, box);
  let inBox = 0;
  for (let y = Math.round(r.y1 - y1); y < Math.round(r.y2 - y1); y++) {
    for (let x = Math.round(r.x1 - x1); x < Math.round(r.x2 - x1); x++) inBox += mask[y * w + x] ?? 0;
  }
  // a person fills 35-85% of their box; outside that the plate or the box is wrong
  const fill = inBox / (bw * bh);
  if (fill < 0.3 || fill > 0.9) return undefined;
  // the head must be there: a cut-out whose top is missing (clothes matching a dark window) is no person
  const top = Math.floor(mask.indexOf(1) / w);
  if (top > box[1] + bh * 0.12) return undefined;
  return { w, h, rgb, alpha: feather(mask, w, h), box };
}

/** Longest run of consecutive frames in `ok` (sorted frame numbers). */
function longestRun(frames: number[]): number[] {
  let best: number[] = [];
  let run: number[] = [];
  for (const f of frames) {
    run = run.length && f === run[run.length - 1] + 1 ? [...run, f] : [f];
    if (run.length > best.length) best = run;
  }
  return best;
}

/** People of one clip with ground truth, and the clip's plate. */
export async function extractPeople(clip: string): Promise<{ people: Person[]; plate: ClipPlate }> {
  const { width: W, height: H, frames } = await decodeAll(clip);
  const gt = await readMotFile(clip.replace(/\.[^.]+$/, ".gt.txt"), { gt: true });
  const sample = frames.map((_, i) => i).filter((i) => i % Math.max(1, Math.floor(frames.length / 40)) === 0);
  const rgbPlate = peopleFreePlate(sample.map((i) => frames[i]), sample, gt, W, H);
  const plate: ClipPlate = { source: basename(clip), width: W, height: H, rgb: rgbPlate, heightModel: fitHeightModel(gt, W, H) };

  const byFrame = new Map<number, TrackRow[]>();
  for (const r of gt) (byFrame.get(r.frame) ?? byFrame.set(r.frame, []).get(r.frame)!).push(r);
  const tracks = new Map<number, TrackRow[]>();
  for (const r of gt) (tracks.get(r.trackId) ?? tracks.set(r.trackId, []).get(r.trackId)!).push(r);

  const people: Person[] = [];
  for (const [track, rows] of tracks) {
    rows.sort((a, b) => a.frame - b.frame);
    const clean = rows.filter((r) =>
      r.frame < frames.length && r.x1 > 2 && r.y1 > 2 && r.x2 < W - 2 && r.y2 < H - 2 &&
      !(byFrame.get(r.frame) ?? []).some((o) => o.trackId !== track && intersects(r, o, (r.x2 - r.x1) * 0.15)));
    const at = new Map(clean.map((r) => [r.frame, r]));
    const run = longestRun(clean.map((r) => r.frame));
    if (run.length < MIN_WALK_FRAMES) continue;
    const mid = Math.max(0, Math.floor((run.length - CYCLE_FRAMES) / 2));
    const chosen = run.slice(mid, mid + CYCLE_FRAMES).map((f) => at.get(f)!);
    const first = chosen[0], last = chosen[chosen.length - 1];
    const dx = (last.x1 + last.x2 - first.x1 - first.x2) / 2;
    const meanH = chosen.reduce((s, r) => s + r.y2 - r.y1, 0) / chosen.length;
    const travel = Math.hypot(dx, last.y2 - first.y2) / meanH;
    // someone who hardly moves over the run is no walker (their legs would glide)
    if (travel < 0.15 * (chosen.length / CYCLE_FRAMES)) continue;
    const walk = chosen.map((r) => cutOut(frames[r.frame], rgbPlate, W, H, r)).filter((s): s is SpriteFrame => !!s);
    if (walk.length < MIN_WALK_FRAMES) continue;
    // standing: the walk frame with the narrowest box for its height (feet together)
    const narrow = walk.reduce((a, b) => ((b.box[2] - b.box[0]) / (b.box[3] - b.box[1]) < (a.box[2] - a.box[0]) / (a.box[3] - a.box[1]) ? b : a));
    people.push({ source: basename(clip), track, faces: dx >= 0 ? 1 : -1, walk, stand: [narrow], stepHeights: travel / (chosen.length - 1) });
  }
  return { people, plate };
}

// ---- cache: one gzip file per set of clips: a JSON header line, then the pixel bytes ----

interface Header {
  version: number;
  plates: Omit<ClipPlate, "rgb">[];
  people: (Omit<Person, "walk" | "stand"> & { walk: Omit<SpriteFrame, "rgb" | "alpha">[]; stand: Omit<SpriteFrame, "rgb" | "alpha">[] })[];
}

function cacheKey(clips: readonly string[]): string {
  const h = createHash("sha256").update(`v${VERSION}`);
  for (const c of clips) h.update(basename(c)).update(readFileSync(c)).update(readFileSync(c.replace(/\.[^.]+$/, ".gt.txt")));
  return h.digest("hex").slice(0, 16);
}

function serialise(set: SpriteSet): Buffer {
  const chunks: Uint8Array[] = [];
  const meta = (s: SpriteFrame) => (chunks.push(s.rgb, s.alpha), { w: s.w, h: s.h, box: s.box });
  const plates = set.plates.map(({ rgb, ...p }) => (chunks.push(rgb), p));
  const people = set.people.map((p) => ({ ...p, walk: p.walk.map(meta), stand: p.stand.map(meta) }));
  const header: Header = { version: VERSION, plates, people };
  return gzipSync(Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...chunks]), { level: 6 });
}

function deserialise(buf: Buffer): SpriteSet {
  const raw = gunzipSync(buf);
  const nl = raw.indexOf(10);
  const header = JSON.parse(raw.subarray(0, nl).toString("utf8")) as Header;
  let at = nl + 1;
  const take = (n: number) => new Uint8Array(raw.buffer, raw.byteOffset + (at += n) - n, n);
  const plates = header.plates.map((p) => ({ ...p, rgb: take(p.width * p.height * 3) }));
  const frame = (m: Omit<SpriteFrame, "rgb" | "alpha">): SpriteFrame => ({ ...m, rgb: take(m.w * m.h * 3), alpha: take(m.w * m.h) });
  const people = header.people.map((p) => ({ ...p, walk: p.walk.map(frame), stand: p.stand.map(frame) }));
  return { people, plates };
}

/** Sprites of these clips: from the cache when built before, else built now and cached. */
export async function loadSprites(clips: readonly string[], log: (m: string) => void = () => {}): Promise<SpriteSet> {
  const dir = spriteCacheDir();
  const file = join(dir, `sprites-${cacheKey(clips)}.bin.gz`);
  if (existsSync(file)) return deserialise(readFileSync(file));
  log(`cutting people out of ${clips.map((c) => basename(c)).join(", ")} (once; cached in ${dir})`);
  const set: SpriteSet = { people: [], plates: [] };
  for (const clip of clips) {
    const { people, plate } = await extractPeople(clip);
    set.people.push(...people);
    set.plates.push(plate);
  }
  if (set.people.length === 0) throw new Error(`no usable people in ${clips.join(", ")}`);
  mkdirSync(dir, { recursive: true });
  // write then rename: a second process never reads half a cache
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, serialise(set));
  renameSync(tmp, file);
  return set;
}
